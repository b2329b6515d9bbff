/**
 * One config for the client build (Vite, root client/) and the test runner (Vitest, root the project).
 * The built page lives in client/dist, which the Fastify server serves; in development Vite serves it and forwards the
 * API and the socket to the server on port 3000.
 */
import { fileURLToPath } from 'node:url';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import type { Plugin } from 'vite';
import { defineConfig } from 'vitest/config';
import { fieldApp } from './client/vite-field-app.js';

const projectRoot = fileURLToPath(new URL('.', import.meta.url));
// Absolute, so a build started from another working directory (the server's first-start build) finds the page.
const clientRoot = fileURLToPath(new URL('./client', import.meta.url));
const serverUrl = 'http://localhost:3000';

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

export default defineConfig({
  // No svelte.config.js: Svelte 5 reads TypeScript in components by itself, and the defaults are what we want.
  plugins: [svelte({ configFile: false }), buildId(), ...fieldApp(clientRoot)],
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
    // Ceilings, not speed targets: a test waits on conditions, and on a busy 2-core box a fresh app (migrations included)
    // can take tens of seconds to build. A stuck test still fails, after two minutes.
    testTimeout: 120_000,
    hookTimeout: 240_000,
  },
});
