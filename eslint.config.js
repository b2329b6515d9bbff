/**
 * ESLint: rules that catch real bugs, not style (Prettier owns layout). typescript-eslint's recommended set without
 * type information keeps a full run well under a minute on two cores; eslint-plugin-svelte's recommended set checks
 * the components, whose <script lang="ts"> goes through the same TypeScript parser.
 */
import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'client/dist/', 'data/', 'tests/artifacts/', 'db/migrations/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...svelte.configs.recommended,
  {
    languageOptions: {
      globals: { ...globals.node, ...globals.browser },
    },
    rules: {
      // `const { secret: _secret, ...rest } = row` is how the code drops a field; a leading underscore says "unused
      // on purpose" for variables, arguments and caught errors alike.
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
      // The state classes keep their indexes in plain Maps and Sets on purpose (STYLE habit 7: big data stays out of
      // deep reactivity) and publish changes through explicit $state fields; Dates are values replaced whole, never
      // mutated. SvelteMap/SvelteDate everywhere would make every lookup a tracked read.
      'svelte/prefer-svelte-reactivity': 'off',
    },
  },
  {
    // `let { status, body } = ...` where only body is assigned again later is fine. (Components keep the default, which
    // leaves `let { ... } = $props()` alone.)
    files: ['**/*.ts'],
    rules: { 'prefer-const': ['error', { destructuring: 'all' }] },
  },
  {
    // Test and bench helpers read JSON replies loosely; production code stays free of `any`.
    files: ['tests/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: {
      parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.svelte'] },
    },
  },
);
