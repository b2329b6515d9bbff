/**
 * The field app's service worker: keeps the app shell (field.html, its scripts, styles, icons and manifest) so the app
 * opens with no network. Nothing else: API calls always go to the network (the app keeps its own copies of stations and
 * forms in IndexedDB, and its outbox decides about retries), and the coordinator dashboard is left alone.
 *
 * The build (client/vite-field-app.ts) defines VIGIL_PRECACHE as the list of files of this build; a new
 * build is a new worker with a new cache, and the old cache is dropped when it takes over.
 */

import { FIELD_APP_PAGE, isFieldAppPath } from '../../shared/field-app';

// Written without the WebWorker lib, which cannot share a program with the DOM lib: only what is used here.
interface ExtendableEvent extends Event {
  waitUntil(promise: Promise<unknown>): void;
}
interface FetchEvent extends ExtendableEvent {
  request: Request;
  respondWith(response: Promise<Response> | Response): void;
}
interface ServiceWorkerScope {
  location: Location;
  skipWaiting(): Promise<void>;
  clients: { claim(): Promise<void> };
  addEventListener(type: 'install' | 'activate', listener: (event: ExtendableEvent) => void): void;
  addEventListener(type: 'fetch', listener: (event: FetchEvent) => void): void;
}

declare const VIGIL_PRECACHE: { version: string; files: string[] };

const worker = self as unknown as ServiceWorkerScope;
const CACHE_PREFIX = 'vigil-field-';
const CACHE = `${CACHE_PREFIX}${VIGIL_PRECACHE.version}`;
const PRECACHED = new Set(VIGIL_PRECACHE.files);

worker.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      await cache.addAll(VIGIL_PRECACHE.files.map((file) => new Request(file, { cache: 'reload' })));
      await worker.skipWaiting();
    })(),
  );
});

worker.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith(CACHE_PREFIX) && name !== CACHE) await caches.delete(name);
      }
      await worker.clients.claim();
    })(),
  );
});

worker.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== worker.location.origin) return;
  if (request.mode === 'navigate' && (isFieldAppPath(url.pathname) || url.pathname === FIELD_APP_PAGE)) {
    event.respondWith(fromCache(FIELD_APP_PAGE, request));
  } else if (PRECACHED.has(url.pathname)) {
    event.respondWith(fromCache(url.pathname, request));
  }
});

/** The kept copy when there is one (instant, and offline); the network otherwise. */
async function fromCache(path: string, request: Request): Promise<Response> {
  const cache = await caches.open(CACHE);
  const hit = await cache.match(path);
  return hit ?? fetch(request);
}
