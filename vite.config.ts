/**
 * One config for the client build (Vite, root client/) and the test runner (Vitest, root the project).
 * The built page lives in client/dist, which the Fastify server serves; in development Vite serves it and forwards the
 * API and the socket to the server on port 3000.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import type { Plugin } from 'vite';
import { defineConfig } from 'vitest/config';
import { fieldApp } from './client/vite-field-app.js';
import { LongestFirstSequencer } from './tests/longest-first-sequencer.js';

const projectRoot = fileURLToPath(new URL('.', import.meta.url));
// Absolute, so a build started from another working directory (the server's first-start build) finds the page.
const clientRoot = fileURLToPath(new URL('./client', import.meta.url));
const serverUrl = 'http://localhost:3000';

/** The unit tier: files that need no service, browser, process or app (see `projects` below). */
const UNIT_TESTS = [
  'tests/client/**/*.test.ts',
  'tests/db/**/*.test.ts',
  'tests/server/ballot-rules.test.ts',
  'tests/server/conflict-rules.test.ts',
  'tests/server/result-checks.test.ts',
  'tests/server/display-redaction.test.ts',
  'tests/server/domain-rules.test.ts',
  'tests/server/redis-config.test.ts',
  'tests/server/sample-draw.test.ts',
  'tests/server/schema-validation.test.ts',
  'tests/server/station-import.test.ts',
  'tests/server/station-tile-grid.test.ts',
  'tests/server/station-import-plan.test.ts',
  'tests/server/turn-budget.test.ts',
  'tests/server/replay-snapshot-text.test.ts',
  'tests/server/commit-frames.test.ts',
];

/**
 * Stamps every build with an id in index.html. The server announces the id of the page it serves now, and an
 * unattended wall display reloads itself when that differs from the one it was loaded from.
 */
function buildId(): Plugin {
  const id = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  return {
    name: 'vigil-build-id',
    transformIndexHtml: () => [{ tag: 'meta', attrs: { name: 'vigil-build', content: id }, injectTo: 'head' }],
  };
}

/**
 * Inlines client/src/early-reads.js into index.html in place of its `<script src>`: the reads it starts must not wait
 * for a request of their own. The server allows it by its hash (server/client-build.ts, createInlineScriptSources).
 */
function inlineEarlyReads(): Plugin {
  const file = fileURLToPath(new URL('./client/src/early-reads.js', import.meta.url));
  return {
    name: 'vigil-inline-early-reads',
    transformIndexHtml: (html) =>
      html.replace(
        '<script src="/src/early-reads.js"></script>',
        () => `<script>${readFileSync(file, 'utf8')}</script>`,
      ),
  };
}

export default defineConfig({
  // No svelte.config.js: Svelte 5 reads TypeScript in components by itself, and the defaults are what we want.
  plugins: [svelte({ configFile: false }), buildId(), inlineEarlyReads(), ...fieldApp(clientRoot)],
  root: clientRoot,
  // `$shared/schemas/events` instead of `../../../../shared/schemas/events`; the same alias is in tsconfig.json (for
  // tsc, svelte-check, tsx at run time and dependency-cruiser). Vitest's projects inherit it.
  resolve: { alias: { $shared: fileURLToPath(new URL('./shared', import.meta.url)) } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // maplibre-gl alone is ~1 MB minified; the warning would fire on every build without telling us anything new.
    chunkSizeWarningLimit: 1600,
  },
  server: {
    proxy: {
      '/api': serverUrl,
      '/socket.io': { target: serverUrl, ws: true },
    },
    // client/src imports the wire contracts from ../../shared, outside Vite's root.
    fs: { allow: [projectRoot] },
  },
  test: {
    root: '.',
    // No top-level `include`: the projects below inherit this block, and an inherited list would be merged into theirs.
    pool: 'forks',
    maxWorkers: 2,
    sequence: { sequencer: LongestFirstSequencer },
    // Ceilings, not speed targets: a test waits on conditions, and on a busy 2-core box a fresh app (migrations included)
    // can take tens of seconds to build. A stuck test still fails, after two minutes.
    testTimeout: 120_000,
    hookTimeout: 240_000,
    // Four tiers, run in this order by `npm test`; each alone by `npm run test:<name>`. A file belongs to the first
    // tier whose needs cover what it really uses.
    projects: [
      {
        extends: true,
        test: {
          // The inner loop: pure functions and state classes. No database (not even PGlite), no Redis, no browser,
          // no child process, no app: the whole tier runs in well under a minute.
          name: 'unit',
          include: UNIT_TESTS,
          // Files share a worker's module cache: importing the schemas, the catalogue and i18n once per worker instead
          // of once per file halves the tier's time. Safe because these files hold no services and restore any global
          // they stub (vi.unstubAllGlobals).
          isolate: false,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          // The real app through fastify.inject and real sockets, on PGlite and on Postgres; Redis; child processes
          // (CLIs, several instances). The bench harness check lives here too: it boots instances, it times nothing.
          // Everything not claimed by another tier lands here, so a new test file always runs somewhere.
          name: 'integration',
          include: ['tests/**/*.test.ts'],
          exclude: [...UNIT_TESTS, 'tests/browser/**', 'tests/faults/**'],
          sequence: { groupOrder: 1 },
        },
      },
      {
        extends: true,
        test: {
          // Real Chromium (playwright-core, /usr/bin/chromium) against a real server.
          name: 'browser',
          include: ['tests/browser/**/*.test.ts'],
          sequence: { groupOrder: 2 },
        },
      },
      {
        extends: true,
        test: {
          // Services and instances killed and restarted under load.
          name: 'faults',
          include: ['tests/faults/**/*.test.ts'],
          sequence: { groupOrder: 3 },
        },
      },
    ],
  },
});
