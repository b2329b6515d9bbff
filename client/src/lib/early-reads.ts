/**
 * Answers to the page's first reads, started by index.html's inlined early-reads.js before this bundle was loaded (see there).
 * Each is taken once, by a GET of the same path with the same token; anything else (a later read, another token after
 * signing in again) goes to the server as usual.
 */
export interface EarlyReads {
  token: string;
  /** By path; null: the script decided not to read it after all (the app asks itself). */
  responses: Partial<Record<string, Promise<Response | null>>>;
  /** MapLibre's worker, started on a map page when the build named its script; null otherwise (or once taken). */
  mapWorker?: EarlyWorker | null;
}

export interface EarlyWorker {
  /** The script it was started from. */
  url: string;
  worker: Worker;
}

declare global {
  interface Window {
    __vigilEarlyReads?: EarlyReads;
  }
}

/** The early answer for `path` read with `token`, once; null when there is none (or it was taken). */
export function takeEarlyRead(path: string, token: string | null, scope: { __vigilEarlyReads?: EarlyReads } = window) {
  const early = scope.__vigilEarlyReads;
  if (early === undefined || token === null || early.token !== token) return null;
  const response = early.responses[path];
  if (response === undefined) return null;
  delete early.responses[path];
  return response;
}

/** The map worker index.html started, once; null when there is none (or it was taken). */
export function takeEarlyMapWorker(scope: { __vigilEarlyReads?: EarlyReads } = window): EarlyWorker | null {
  const early = scope.__vigilEarlyReads;
  const worker = early?.mapWorker ?? null;
  if (early !== undefined) early.mapWorker = null;
  return worker;
}
