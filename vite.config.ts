/**
 * One config for the client build (Vite, root client/) and the test runner (Vitest, root the project).
 * The built page lives in client/dist, which the Fastify server serves; in development Vite serves it and forwards the
 * API and the socket to the server on port 3000.
 */
import { fileURLToPath } from 'node:url';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vitest/config';

const projectRoot = fileURLToPath(new URL('.', import.meta.url));
// Absolute, so a build started from another working directory (the server's first-start build) finds the page.
const clientRoot = fileURLToPath(new URL('./client', import.meta.url));
const serverUrl = 'http://localhost:3000';

export default defineConfig({
  // No svelte.config.js: Svelte 5 reads TypeScript in components by itself, and the defaults are what we want.
  plugins: [svelte({ configFile: false })],
  root: clientRoot,
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
    include: ['tests/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 120_000,
  },
});
