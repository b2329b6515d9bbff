/**
 * Hands MapLibre the worker index.html started (early-reads.js) instead of a new one. MapLibre has no way to be given a
 * worker, but its pool creates its workers synchronously when first acquired (prewarm): for the length of that call
 * the first `new Worker` of the same script returns the early one. Any other worker is created as usual, and an early
 * worker MapLibre did not ask for (its pool was already started, or it starts workers differently) is ended.
 */
import type { EarlyWorker } from '../early-reads';

export function withEarlyWorker(
  early: EarlyWorker,
  start: () => void,
  scope: { Worker: typeof Worker; location: { href: string } } = globalThis,
): boolean {
  const Original = scope.Worker;
  const script = (url: string | URL) => new URL(url, scope.location.href).pathname;
  let adopted = false;
  // A constructor that returns an object gives `new` that object: MapLibre's `new Worker(url)` gets the early one.
  const Adopting = function (url: string | URL, options?: WorkerOptions): Worker {
    if (!adopted && script(url) === script(early.url)) {
      adopted = true;
      return early.worker;
    }
    return new Original(url, options);
  };
  scope.Worker = Adopting as unknown as typeof Worker;
  try {
    start();
  } finally {
    scope.Worker = Original;
  }
  if (!adopted) early.worker.terminate();
  return adopted;
}
