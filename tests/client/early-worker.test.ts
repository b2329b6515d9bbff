import { describe, expect, it } from 'vitest';
import { withEarlyWorker } from '../../client/src/lib/map/early-worker';

/** A stand-in for the page's Worker constructor, recording what it was asked to start. */
function fakeScope() {
  const started: string[] = [];
  class FakeWorker {
    terminated = false;
    constructor(readonly url: string | URL) {
      started.push(String(url));
    }
    terminate() {
      this.terminated = true;
    }
  }
  const scope = { Worker: FakeWorker as unknown as typeof Worker, location: { href: 'http://vigil.test/' } };
  return { scope, started, FakeWorker };
}

describe("MapLibre's worker started by index.html", () => {
  it('is what the first `new Worker` of its script gets while the pool starts; others are new', () => {
    const { scope, started, FakeWorker } = fakeScope();
    const early = { url: '/assets/maplibre-gl-worker-abc.mjs', worker: new FakeWorker('early') as unknown as Worker };
    const made: Worker[] = [];
    const adopted = withEarlyWorker(
      early,
      () => {
        // As MapLibre's pool does: its workers, synchronously, from the absolute address of the same script.
        made.push(new scope.Worker('http://vigil.test/assets/maplibre-gl-worker-abc.mjs', { type: 'module' }));
        made.push(new scope.Worker('http://vigil.test/assets/maplibre-gl-worker-abc.mjs', { type: 'module' }));
      },
      scope,
    );
    expect(adopted).toBe(true);
    expect(made[0]).toBe(early.worker);
    expect(made[1]).not.toBe(early.worker);
    expect(started).toEqual(['early', 'http://vigil.test/assets/maplibre-gl-worker-abc.mjs']);
    // The page's own constructor is back once the pool has started.
    expect(scope.Worker).toBe(FakeWorker);
  });

  it('is ended when MapLibre asked for no worker of that script (its pool had started already)', () => {
    const { scope, FakeWorker } = fakeScope();
    const worker = new FakeWorker('early');
    const early = { url: '/assets/maplibre-gl-worker-abc.mjs', worker: worker as unknown as Worker };
    expect(withEarlyWorker(early, () => new scope.Worker('/assets/other.mjs'), scope)).toBe(false);
    expect(worker.terminated).toBe(true);
    expect(scope.Worker).toBe(FakeWorker);
  });

  it('leaves the page its own constructor when starting the pool throws', () => {
    const { scope, FakeWorker } = fakeScope();
    const early = { url: '/w.mjs', worker: new FakeWorker('early') as unknown as Worker };
    expect(() =>
      withEarlyWorker(
        early,
        () => {
          throw new Error('no WebGL');
        },
        scope,
      ),
    ).toThrow('no WebGL');
    expect(scope.Worker).toBe(FakeWorker);
  });
});
