/**
 * The coordinator page's first reads, started by index.html before the app's bundle is even loaded: the session and,
 * on the dashboard, the stations' summary and the teams; on a map page (the dashboard, a wall) it also starts MapLibre's
 * worker. The app takes each answer once (client/src/lib/early-reads.ts)
 * instead of asking again after its bundle has been parsed and its session read, which saved a round trip and a half
 * on the first render. Plain JavaScript, no imports: the build inlines it as is into index.html (vite.config.ts), and
 * the server's CSP allows it by its hash.
 * Paths and the stored session's key must match client/src/lib/state/auth.svelte.ts and client/src/lib/api.ts.
 */
(function () {
  'use strict';
  var path = location.pathname.replace(/\/+$/, '') || '/';
  var token = null;
  if (path === '/display') {
    token = new URLSearchParams(location.search).get('token');
  } else if (path === '/' || path === '/operations' || path.indexOf('/operations/') === 0) {
    try {
      var stored = JSON.parse(localStorage.getItem('vigil.coordinator-session') || 'null');
      if (stored && typeof stored.token === 'string' && Date.parse(stored.expiresAt) > Date.now()) token = stored.token;
    } catch (_) {
      // No storage, or a corrupt entry: the app signs in as usual.
    }
  }
  if (!token) return;
  var headers = { accept: 'application/json', authorization: 'Bearer ' + token };
  var paths = path === '/' ? ['/api/session', '/api/stations/summary', '/api/teams'] : ['/api/session'];
  var responses = {};
  paths.forEach(function (p) {
    responses[p] = fetch(p, { headers: headers });
  });
  if (path === '/') {
    // A mission the map draws whole (the summary has no counts: below TILED_MAP_MIN_STATIONS) reads its station list
    // next: asked as soon as the summary says so. Null otherwise (a national list is read later, by a worker).
    responses['/api/stations'] = responses['/api/stations/summary']
      .then(function (reply) {
        return reply.ok ? reply.clone().json() : null;
      })
      .then(function (summary) {
        return summary !== null && summary.counts === null ? fetch('/api/stations', { headers: headers }) : null;
      });
  }
  Object.keys(responses).forEach(function (p) {
    // Not taken (the app went elsewhere) or failed: the app asks again itself; no unhandled rejection meanwhile.
    responses[p].catch(function () {});
  });
  // MapLibre's worker is otherwise started only once the bundle has run, and the map's first tiles wait for it to have
  // read and run its script (half a megabyte): started now, beside the bundle, and handed to MapLibre by the app
  // (client/src/lib/map/early-worker.ts). The build names the hashed file in a <meta>.
  var workerMeta = document.querySelector('meta[name="vigil-map-worker"]');
  var mapWorker = null;
  if (workerMeta !== null && (path === '/' || path === '/display')) {
    try {
      var url = workerMeta.getAttribute('content');
      mapWorker = { url: url, worker: new Worker(url, { type: 'module' }) };
    } catch (_) {
      // No module workers here: MapLibre starts its own as usual.
    }
  }
  if (path === '/') {
    // The glyphs of the clusters' counts, public and cached for a day by the browser: in its cache by the time the
    // first tiles ask for them, instead of read only then. Must match MAP_GLYPHS_PATH and MAP_FONT (shared/schemas/map.ts).
    fetch('/api/map/glyphs/Noto%20Sans%20Regular/0-255.pbf').catch(function () {});
  }
  window.__vigilEarlyReads = { token: token, responses: responses, mapWorker: mapWorker };
})();
