/**
 * The latest findings as one summary line each, for the wall's ticker: a fetched page (GET /api/findings/recent) kept
 * up to date by live finding and finding_status events. At most `size` items, ever.
 */
import type { FeedEvent } from '../../../../shared/schemas/events';
import type { ApiClient } from '../api';
import { addLive, mergeFetched, withStatus, type TickerFinding } from '../live/recent-findings';
import type { LiveFollower } from './live-mission.svelte';

export const TICKER_SIZE = 20;
const RETRY_MS = 5_000;

export interface StationPlace {
  number: string;
  district: string;
}

export class RecentFindingsState implements LiveFollower {
  items = $state.raw<TickerFinding[]>([]);
  readonly #size: number;
  readonly #placeOf: (stationId: string) => StationPlace | undefined;
  #api: ApiClient | null = null;
  #retry: ReturnType<typeof setTimeout> | null = null;
  /** Answers to an earlier resync are dropped. */
  #asked = 0;

  constructor(placeOf: (stationId: string) => StationPlace | undefined, size = TICKER_SIZE) {
    this.#placeOf = placeOf;
    this.#size = size;
  }

  resync(api: ApiClient): void {
    this.#api = api;
    if (this.#retry !== null) clearTimeout(this.#retry);
    this.#retry = null;
    const asked = ++this.#asked;
    api.recentFindings(this.#size).then(
      (reply) => {
        if (asked === this.#asked && this.#api === api)
          this.items = mergeFetched(this.items, reply.findings, reply.head, this.#size);
      },
      () => {
        if (asked === this.#asked && this.#api === api) this.#retry = setTimeout(() => this.resync(api), RETRY_MS);
      },
    );
  }

  applied(events: readonly FeedEvent[]): void {
    let items = this.items;
    const fresh: TickerFinding[] = [];
    for (const event of events) {
      if (event.type === 'finding') {
        // Away from a station there is no number nor district: the wall says "away from a station".
        const place = event.stationId === null ? null : this.#placeOf(event.stationId);
        fresh.push({
          id: event.id,
          seq: event.seq,
          category: event.category,
          severity: event.severity,
          status: 'new',
          statusSeq: event.seq,
          stationId: event.stationId,
          stationNumber: event.stationId === null ? null : (place?.number ?? ''),
          district: event.stationId === null ? null : (place?.district ?? ''),
          reportedAt: event.occurredAt,
          ...(typeof event.text === 'string' ? { text: event.text } : {}),
          // A wall gets an incident's position only where the mission shows it positions (display-redaction.ts).
          ...(event.stationId === null && event.position
            ? { position: { lat: event.position.lat, lng: event.position.lng } }
            : {}),
          ...('photoId' in event && typeof event.photoId === 'string' ? { photoId: event.photoId } : {}),
        });
      } else if (event.type === 'finding_status') {
        if (fresh.length > 0) items = addLive(items, fresh.splice(0), this.#size);
        items = withStatus(items, event.findingId, event.status, event.seq);
      }
    }
    if (fresh.length > 0) items = addLive(items, fresh, this.#size);
    if (items !== this.items) this.items = items;
  }

  dispose(): void {
    if (this.#retry !== null) clearTimeout(this.#retry);
    this.#retry = null;
    this.#api = null;
    this.#asked++;
  }
}
