/** `npm start` builds the client when it is missing or older than its sources, so a fresh clone just runs. */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Plugin } from 'vite';
import { PROJECT_ROOT, type Config } from './config';

function newestMtimeMs(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtimeMs(full) : statSync(full).mtimeMs);
  }
  return newest;
}

export async function ensureClientBuilt(config: Config): Promise<void> {
  if (!config.clientDir) return;
  const index = path.join(config.clientDir, 'index.html');
  const sources = [path.join(PROJECT_ROOT, 'client', 'src'), path.join(PROJECT_ROOT, 'shared')];
  const builtAt = existsSync(index) ? statSync(index).mtimeMs : 0;
  if (builtAt > 0 && sources.every((dir) => !existsSync(dir) || newestMtimeMs(dir) <= builtAt)) return;
  process.stdout.write('Building the client (first start or sources changed); this takes about a minute...\n');
  // vite is a dev dependency: present after `npm install`; a production image builds the client at image build time.
  const { build } = await import('vite');
  await build({
    configFile: path.join(PROJECT_ROOT, 'vite.config.ts'),
    logLevel: 'warn',
    plugins: [buildProgress((text) => process.stdout.write(text))],
  });
}

/** How often the first-start build says how far it is. */
export const BUILD_PROGRESS_INTERVAL_MS = 5000;

/**
 * Says how far the client build is (modules transformed, then bundling), every few seconds and at each step, so a
 * first start does not sit silent for a minute. Vite's own progress line is for terminals and its log is all or nothing.
 */
export function buildProgress(write: (text: string) => void, intervalMs = BUILD_PROGRESS_INTERVAL_MS): Plugin {
  let modules = 0;
  let startedAt = 0;
  let step = 'transforming modules';
  let timer: NodeJS.Timeout | undefined;
  const seconds = () => `${Math.round((Date.now() - startedAt) / 1000)} s`;
  const stop = () => {
    clearInterval(timer);
    timer = undefined;
  };
  return {
    name: 'vigil-build-progress',
    apply: 'build',
    buildStart() {
      startedAt = Date.now();
      modules = 0;
      step = 'transforming modules';
      stop();
      timer = setInterval(() => write(`  building the client: ${step}, ${modules} done (${seconds()})\n`), intervalMs);
      timer.unref();
    },
    transform() {
      modules += 1;
      return null;
    },
    buildEnd(error) {
      if (error) stop();
      else write(`  building the client: ${modules} modules transformed (${seconds()}); bundling and minifying...\n`);
      step = 'bundling and minifying';
    },
    closeBundle() {
      stop();
      write(`  building the client: done in ${seconds()}\n`);
    },
  };
}

/** `<meta name="vigil-build" content="…">`, written into index.html by the Vite build (vite.config.ts). */
const BUILD_META = /<meta\s+name="vigil-build"\s+content="([^"]+)"/;

/**
 * Reads the id of the client build this server serves now. It is read again whenever index.html changes on disk, so a
 * client rebuilt under a running server is announced as what it is, and a page loaded from it never sees a mismatch.
 */
export function createBuildIdReader(clientDir: string | null): () => string | null {
  let cached: { mtimeMs: number; id: string | null } | null = null;
  return () => {
    if (!clientDir) return null;
    const index = path.join(clientDir, 'index.html');
    try {
      const { mtimeMs } = statSync(index);
      if (cached?.mtimeMs !== mtimeMs)
        cached = { mtimeMs, id: BUILD_META.exec(readFileSync(index, 'utf8'))?.[1] ?? null };
      return cached.id;
    } catch {
      return null;
    }
  };
}

/** An inline `<script>` of index.html (no attributes): the early reads, inlined by the Vite build (vite.config.ts). */
const INLINE_SCRIPT = /<script>([\s\S]*?)<\/script>/g;
/** index.html is looked at again at most this often for a rebuilt client (the CSP header is on every reply). */
const INLINE_HASH_RECHECK_MS = 1000;

/**
 * The Content-Security-Policy sources ('sha256-…') that allow index.html's inline scripts and nothing else inline:
 * the page's early reads must run before any file could be fetched. Read again when index.html changes on disk.
 */
export function createInlineScriptSources(clientDir: string | null): () => string[] {
  let cached: { mtimeMs: number; sources: string[] } | null = null;
  let checkedAt = -Infinity;
  return () => {
    if (!clientDir) return [];
    const now = performance.now();
    if (cached !== null && now - checkedAt < INLINE_HASH_RECHECK_MS) return cached.sources;
    checkedAt = now;
    const index = path.join(clientDir, 'index.html');
    try {
      const { mtimeMs } = statSync(index);
      if (cached?.mtimeMs !== mtimeMs) {
        const html = readFileSync(index, 'utf8');
        const sources = [...html.matchAll(INLINE_SCRIPT)].map(
          (match) => `'sha256-${createHash('sha256').update(match[1]!).digest('base64')}'`,
        );
        cached = { mtimeMs, sources };
      }
      return cached.sources;
    } catch {
      return [];
    }
  };
}
