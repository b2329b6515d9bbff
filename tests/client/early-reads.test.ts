import { readFileSync } from 'node:fs';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { MAP_FONT, MAP_GLYPHS_PATH } from '../../shared/schemas/map';
import { takeEarlyMapWorker, takeEarlyRead, type EarlyReads } from '../../client/src/lib/early-reads';

const SCRIPT = readFileSync(new URL('../../client/src/early-reads.js', import.meta.url), 'utf8');

/**
 * Runs index.html's early-reads.js as a page at `href` with `stored` in localStorage (and, as a build writes it, the map
 * worker's script named in a <meta> unless `workerScript` is null); what it asked for, and how, and the workers started.
 */
function runScript(
  href: string,
  stored: string | null,
  summary = '{"counts":{}}',
  workerScript: string | null = '/assets/maplibre-gl-worker-abc.mjs',
) {
  const asked: { path: string; authorization: string | undefined }[] = [];
  const workers: { url: string; options: unknown }[] = [];
  const window: { __vigilEarlyReads?: EarlyReads } = {};
  const url = new URL(href);
  vm.runInNewContext(SCRIPT, {
    window,
    location: { pathname: url.pathname, search: url.search },
    URLSearchParams,
    Date,
    JSON,
    localStorage: { getItem: (key: string) => (key === 'vigil.coordinator-session' ? stored : null) },
    document: {
      querySelector: (selector: string) =>
        selector === 'meta[name="vigil-map-worker"]' && workerScript !== null
          ? { getAttribute: (name: string) => (name === 'content' ? workerScript : null) }
          : null,
    },
    Worker: class {
      constructor(url: string, options: unknown) {
        workers.push({ url, options });
      }
    },
    fetch: (path: string, init?: { headers: Record<string, string> }) => {
      asked.push({ path, authorization: init?.headers.authorization });
      return Promise.resolve(new Response(path === '/api/stations/summary' ? summary : '{}'));
    },
  });
  return { asked, workers, early: window.__vigilEarlyReads };
}

/** What MapLibre asks for first: the range of digits and Latin letters, in the one font the map's labels use. */
const GLYPHS = MAP_GLYPHS_PATH.replace('{fontstack}', encodeURIComponent(MAP_FONT)).replace('{range}', '0-255');

const future = new Date(Date.now() + 3_600_000).toISOString();

describe("the page's early reads", () => {
  it("start the dashboard's session, summary and teams reads with the stored token", async () => {
    const { asked, early } = runScript('http://vigil.test/', JSON.stringify({ token: 'tok', expiresAt: future }));
    expect(asked).toEqual([
      { path: '/api/session', authorization: 'Bearer tok' },
      { path: '/api/stations/summary', authorization: 'Bearer tok' },
      { path: '/api/teams', authorization: 'Bearer tok' },
      // Public: the clusters' first glyphs, for the browser's cache.
      { path: GLYPHS, authorization: undefined },
    ]);
    expect(early?.token).toBe('tok');
    // A national mission's list is not read early: the summary has counts.
    expect(await early?.responses['/api/stations']).toBeNull();
    expect(asked).toHaveLength(4);
  });

  it("read a city's station list as soon as its summary says the map draws it whole", async () => {
    const stored = JSON.stringify({ token: 'tok', expiresAt: future });
    const { asked, early } = runScript('http://vigil.test/', stored, '{"head":3,"count":228,"counts":null}');
    expect(await early?.responses['/api/stations']).toBeInstanceOf(Response);
    expect(asked.map((a) => a.path)).toEqual([
      '/api/session',
      '/api/stations/summary',
      '/api/teams',
      GLYPHS,
      '/api/stations',
    ]);
  });

  it("read only a display's session, with its link's token", () => {
    const { asked } = runScript('http://vigil.test/display?token=wall', null);
    expect(asked).toEqual([{ path: '/api/session', authorization: 'Bearer wall' }]);
  });

  it('ask nothing without a session, or with one that has expired (the sign-in form shows)', () => {
    expect(runScript('http://vigil.test/', null).asked).toEqual([]);
    const past = new Date(Date.now() - 1000).toISOString();
    expect(runScript('http://vigil.test/', JSON.stringify({ token: 'tok', expiresAt: past })).asked).toEqual([]);
    expect(runScript('http://vigil.test/join', JSON.stringify({ token: 'tok', expiresAt: future })).asked).toEqual([]);
  });

  it("start MapLibre's worker on map pages (the dashboard, a wall), from the script the build names", () => {
    const stored = JSON.stringify({ token: 'tok', expiresAt: future });
    const dashboard = runScript('http://vigil.test/', stored);
    expect(dashboard.workers).toEqual([{ url: '/assets/maplibre-gl-worker-abc.mjs', options: { type: 'module' } }]);
    expect(dashboard.early?.mapWorker?.url).toBe('/assets/maplibre-gl-worker-abc.mjs');
    expect(runScript('http://vigil.test/display?token=wall', null).workers).toHaveLength(1);
    // No map on the operations page; none without a session (the sign-in form), none when the build named no script.
    expect(runScript('http://vigil.test/operations', stored).workers).toEqual([]);
    expect(runScript('http://vigil.test/', null).workers).toEqual([]);
    const unnamed = runScript('http://vigil.test/', stored, undefined, null);
    expect(unnamed.workers).toEqual([]);
    expect(unnamed.early?.mapWorker).toBeNull();
  });

  it('hand over the map worker once', () => {
    const worker = { url: '/w.mjs', worker: {} as Worker };
    const scope = { __vigilEarlyReads: { token: 'tok', responses: {}, mapWorker: worker } };
    expect(takeEarlyMapWorker(scope)).toBe(worker);
    expect(takeEarlyMapWorker(scope)).toBeNull();
    expect(takeEarlyMapWorker({})).toBeNull();
  });

  it('are each taken once, and only with the same token', async () => {
    const answer = Promise.resolve(new Response('{"ok":true}'));
    const scope = { __vigilEarlyReads: { token: 'tok', responses: { '/api/session': answer } } };
    expect(takeEarlyRead('/api/session', 'other', scope)).toBeNull();
    expect(takeEarlyRead('/api/teams', 'tok', scope)).toBeNull();
    expect(await takeEarlyRead('/api/session', 'tok', scope)).toBe(await answer);
    expect(takeEarlyRead('/api/session', 'tok', scope)).toBeNull();
  });
});
