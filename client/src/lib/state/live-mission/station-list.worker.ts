/**
 * Reads a national mission's whole station list (90 MB of JSON at 200,000 stations) off the page's main thread: the
 * fetch, JSON.parse and the sort happen here, and the page takes the stations in batches, asking for the next once it
 * applied the last, so no task of the page's holds more than one batch.
 */
import type { Station, StationsReply } from '../../../../../shared/schemas/stations';
import { inBatches, inStationOrder } from './station-list-order';
import type { StationListMessage, StationListRequest } from './station-list-protocol';

/** Stations per message: a batch costs the page a few milliseconds to receive and apply. */
const BATCH_STATIONS = 4_000;
/** As the page's own requests (api.ts): long enough for the list over a poor link, short enough to notice a dead one. */
const REQUEST_TIMEOUT_MS = 60_000;

// Written without the WebWorker lib, which cannot share a program with the DOM lib: only what is used here.
interface WorkerScope {
  postMessage(message: StationListMessage): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<StationListRequest>) => void): void;
}
const scope = self as unknown as WorkerScope;

let batches: Iterator<Station[]> | null = null;

scope.addEventListener('message', (event) => {
  const request = event.data;
  if (request.kind === 'read') void read(request.url, request.token);
  else sendNext();
});

async function read(url: string, token: string | null): Promise<void> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (token !== null) headers.authorization = `Bearer ${token}`;
  let response: Response;
  try {
    response = await fetch(url, { headers, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  } catch (cause) {
    const message = cause instanceof Error ? `Server unreachable: ${cause.message}` : 'Server unreachable';
    scope.postMessage({ kind: 'failed', status: 0, message });
    return;
  }
  if (!response.ok) {
    const problem = (await response.json().catch(() => ({}))) as { message?: unknown; code?: unknown };
    scope.postMessage({
      kind: 'failed',
      status: response.status,
      message: typeof problem.message === 'string' ? problem.message : response.statusText || `HTTP ${response.status}`,
      code: typeof problem.code === 'string' ? problem.code : undefined,
    });
    return;
  }
  let reply: StationsReply;
  try {
    reply = (await response.json()) as StationsReply;
  } catch (cause) {
    scope.postMessage({ kind: 'failed', status: 0, message: cause instanceof Error ? cause.message : String(cause) });
    return;
  }
  batches = inBatches(inStationOrder(reply.stations), BATCH_STATIONS);
  sendNext();
}

function sendNext(): void {
  const next = batches?.next();
  if (next === undefined) return;
  scope.postMessage(next.done ? { kind: 'end' } : { kind: 'rows', stations: next.value });
}
