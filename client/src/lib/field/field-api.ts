/**
 * The field app's HTTP calls. Unlike the dashboard's client, every answer is a value, not an exception: the outbox must
 * tell "try again later" (no network, timeout, 5xx, 408, 429) from "the server said no" (other 4xx) from "join again"
 * (401), and reads must fall back to the copy kept on the phone.
 */
import type { JoinReply } from '../../../../shared/schemas/auth';
import type { ErrorReply } from '../../../../shared/schemas/common';
import type { EventInput, PostEventsReply } from '../../../../shared/schemas/events';
import type { FormsReply } from '../../../../shared/schemas/forms';
import type { MessagesReply } from '../../../../shared/schemas/messages';
import type { BallotReply } from '../../../../shared/schemas/results';
import type { StationSearchReply, StationsReply } from '../../../../shared/schemas/stations';
import type { TeamsReply } from '../../../../shared/schemas/teams';
import type { OutboxTransport, SendFailure } from './outbox';

/** A request that has not answered by then is treated as lost (and retried: ids make that safe). */
export const FIELD_REQUEST_TIMEOUT_MS = 20_000;
/** Photos are bigger and links are slow: more time before giving up. */
export const PHOTO_UPLOAD_TIMEOUT_MS = 90_000;

export type CallResult<T> = { ok: true; data: T } | { ok: false; status: number; failure: SendFailure };

function failureOf(status: number, message: string, retryAfter: string | null): SendFailure {
  if (status === 401) return { kind: 'unauthorized', message };
  if (status === 0 || status === 408 || status === 425 || status === 429 || status >= 500) {
    const seconds = retryAfter === null ? NaN : Number(retryAfter);
    return Number.isFinite(seconds)
      ? { kind: 'transient', message, retryAfterMs: seconds * 1000 }
      : { kind: 'transient', message };
  }
  return { kind: 'permanent', message };
}

async function messageOf(response: Response): Promise<string> {
  try {
    const body = (await response.json()) as Partial<ErrorReply>;
    if (typeof body.message === 'string' && body.message !== '') return `HTTP ${response.status}: ${body.message}`;
  } catch {
    // A proxy's HTML page: the status is all there is.
  }
  return `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
}

export class FieldApi {
  /** `origin` is where requests go: the page's own origin in the browser; the fault tests' simulated phones pass theirs. */
  constructor(
    private readonly token: string | null,
    private readonly origin: () => string = () => location.origin,
  ) {}

  join(code: string): Promise<CallResult<JoinReply>> {
    return this.#call('POST', '/api/auth/join', { json: { code } });
  }

  /** Only this team's planned stations: a national list is far too much for a phone on a slow network. */
  stations(): Promise<CallResult<StationsReply>> {
    return this.#call('GET', '/api/stations/plan');
  }

  /** Any station of the mission by code, name or address, nearest first when the phone knows where it is. */
  searchStations(
    query: string,
    near: { lat: number; lng: number } | null,
    limit: number,
  ): Promise<CallResult<StationSearchReply>> {
    const params = new URLSearchParams({ q: query, limit: String(limit) });
    if (near) params.set('near', `${near.lat.toFixed(5)},${near.lng.toFixed(5)}`);
    return this.#call('GET', `/api/stations/search?${params}`);
  }

  teams(): Promise<CallResult<TeamsReply>> {
    return this.#call('GET', '/api/teams');
  }

  forms(): Promise<CallResult<FormsReply>> {
    return this.#call('GET', '/api/forms');
  }

  /** The mission's contests and turnout hours, for turnout reports and results protocols. */
  ballot(): Promise<CallResult<BallotReply>> {
    return this.#call('GET', '/api/ballot');
  }

  messages(): Promise<CallResult<MessagesReply>> {
    return this.#call('GET', '/api/messages');
  }

  postEvents(events: EventInput[]): Promise<CallResult<PostEventsReply>> {
    return this.#call('POST', '/api/events', { json: { events } });
  }

  putPhoto(id: string, blob: Blob, contentType: string): Promise<CallResult<unknown>> {
    return this.#call('PUT', `/api/photos/${encodeURIComponent(id)}`, {
      raw: blob,
      contentType,
      timeoutMs: PHOTO_UPLOAD_TIMEOUT_MS,
    });
  }

  /** The outbox's view of this API. */
  transport(): OutboxTransport {
    return {
      postEvents: async (events) => {
        const answer = await this.postEvents(events);
        return answer.ok ? { ok: true, results: answer.data.results } : answer;
      },
      putPhoto: async (id, blob, contentType) => {
        const answer = await this.putPhoto(id, blob, contentType);
        return answer.ok ? { ok: true } : answer;
      },
    };
  }

  async #call<T>(
    method: 'GET' | 'POST' | 'PUT',
    path: string,
    options: { json?: unknown; raw?: Blob; contentType?: string; timeoutMs?: number } = {},
  ): Promise<CallResult<T>> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.token !== null) headers.authorization = `Bearer ${this.token}`;
    let body: BodyInit | null = null;
    if (options.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.json);
    } else if (options.raw !== undefined) {
      headers['content-type'] = options.contentType ?? 'application/octet-stream';
      body = options.raw;
    }
    let response: Response;
    try {
      response = await fetch(new URL(path, this.origin()), {
        method,
        headers,
        body,
        cache: 'no-store',
        signal: AbortSignal.timeout(options.timeoutMs ?? FIELD_REQUEST_TIMEOUT_MS),
      });
    } catch (cause) {
      const timedOut = cause instanceof DOMException && cause.name === 'TimeoutError';
      return {
        ok: false,
        status: 0,
        failure: failureOf(0, timedOut ? 'no answer in time' : 'no connection to the server', null),
      };
    }
    if (!response.ok) {
      return {
        ok: false,
        status: response.status,
        failure: failureOf(response.status, await messageOf(response), response.headers.get('retry-after')),
      };
    }
    try {
      return { ok: true, data: (await response.json()) as T };
    } catch {
      // A 2xx that is not our JSON (a captive portal's page, say): nothing is known to be stored.
      return { ok: false, status: response.status, failure: failureOf(0, 'the answer was not from Vigil', null) };
    }
  }
}
