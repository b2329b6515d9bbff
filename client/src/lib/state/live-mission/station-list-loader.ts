/**
 * Reads the whole station list for a summary-first page and hands it over in batches, in station-number order. The
 * reading and parsing happen in a worker (station-list.worker.ts): on the main thread, 90 MB of JSON at 200,000
 * stations made a task of two seconds. Where no worker can be started, the list is read here and still handed over in
 * batches, one per task.
 */
import type { Station } from '../../../../../shared/schemas/stations';
import { ApiError, type ApiClient } from '../../api';
import { inBatches, inStationOrder } from './station-list-order';
import type { StationListMessage, StationListRequest } from './station-list-protocol';

/** Stations per task when the list is read without a worker. */
const FALLBACK_BATCH_STATIONS = 4_000;

/**
 * Calls `apply` with each batch (each in a task of its own) and resolves once every station was handed over; rejects
 * with an ApiError when the list could not be read, or when `signal` is aborted (nothing is applied after that).
 */
export function readStationList(
  api: ApiClient,
  apply: (stations: Station[]) => void,
  signal: AbortSignal,
): Promise<void> {
  let worker: Worker;
  try {
    worker = new Worker(new URL('./station-list.worker.ts', import.meta.url), { type: 'module' });
  } catch {
    return readHere(api, apply, signal);
  }
  return new Promise<void>((resolve, reject) => {
    const send = (request: StationListRequest) => worker.postMessage(request);
    const finish = (error?: Error) => {
      worker.terminate();
      signal.removeEventListener('abort', aborted);
      if (error === undefined) resolve();
      else reject(error);
    };
    const aborted = () => finish(new ApiError(0, 'Station list no longer wanted'));
    signal.addEventListener('abort', aborted, { once: true });
    let applied = false;
    worker.addEventListener('message', (event: MessageEvent<StationListMessage>) => {
      if (signal.aborted) return;
      const message = event.data;
      if (message.kind === 'rows') {
        applied = true;
        apply(message.stations);
        send({ kind: 'more' });
      } else if (message.kind === 'end') {
        finish();
      } else {
        if (message.status === 401) api.sessionLost();
        finish(new ApiError(message.status, message.message, message.code));
      }
    });
    worker.addEventListener('error', (event) => {
      // A worker that could not start (its script not served, say): the list is read here instead.
      if (!applied) {
        worker.terminate();
        signal.removeEventListener('abort', aborted);
        readHere(api, apply, signal).then(resolve, reject);
      } else finish(new ApiError(0, `Station list worker failed: ${event.message}`));
    });
    send({ kind: 'read', url: new URL('/api/stations', location.origin).href, token: api.token });
  });
}

async function readHere(api: ApiClient, apply: (stations: Station[]) => void, signal: AbortSignal): Promise<void> {
  const reply = await api.stations();
  for (const batch of inBatches(inStationOrder(reply.stations), FALLBACK_BATCH_STATIONS)) {
    if (signal.aborted) break;
    apply(batch);
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  if (signal.aborted) throw new ApiError(0, 'Station list no longer wanted');
}
