/**
 * Turnout and results protocols on the phone: the mission's ballot (fetched with the plan, kept for offline use), the
 * turnout hour due at the station where the team is, and the reports themselves, which go out through the outbox like
 * every other (a protocol's photo before the protocol that names it).
 */
import type { EventInput } from '../../../../shared/schemas/events';
import type { BallotReply, Contest, ProtocolFigures, ProtocolVotes } from '../../../../shared/schemas/results';
import type { KeyValue } from '../field/field-db';
import type { NewOutboxItem, OutboxItem } from '../field/outbox';
import { dueTurnoutHour, reportedHours } from '../field/turnout';
import { missionMinutesOfDay } from '../time';
import { newId } from '../uuid';

export interface ResultsHost {
  session(): { teamId: string; mission: { timeZone: string } } | null;
  outbox(): OutboxItem[];
  enqueue(items: NewOutboxItem[]): Promise<void>;
}

export class FieldResults {
  ballot = $state.raw<BallotReply | null>(null);
  /** The phone's clock, moved on every half minute so a turnout hour that comes shows its prompt. */
  now = $state(Date.now());

  readonly #host: ResultsHost;
  #cache: KeyValue<unknown> | null = null;

  constructor(host: ResultsHost) {
    this.#host = host;
  }

  async load(cache: KeyValue<unknown>): Promise<void> {
    this.#cache = cache;
    const kept = (await cache.get('ballot')) as BallotReply | undefined;
    if (kept) this.ballot = kept;
  }

  async replace(ballot: BallotReply): Promise<void> {
    this.ballot = ballot;
    await this.#cache?.set('ballot', ballot);
  }

  tick(): void {
    this.now = Date.now();
  }

  /** The contests of the ballot that the station (by code) votes in. */
  contestsAt(stationCode: string): Contest[] {
    return (this.ballot?.contests ?? []).filter((c) => c.stations === 'all' || c.stations.includes(stationCode));
  }

  /** The turnout hour to ask for at this station now, or null. */
  turnoutDue(stationId: string): string | null {
    const session = this.#host.session();
    const hours = this.ballot?.turnoutHours ?? [];
    if (!session || hours.length === 0) return null;
    const minutes = missionMinutesOfDay(new Date(this.now), session.mission.timeZone);
    return dueTurnoutHour(hours, minutes, reportedHours(this.#host.outbox(), stationId));
  }

  async submitTurnout(stationId: string, at: string, voted: number): Promise<string> {
    const session = this.#requireSession();
    const event: EventInput = {
      id: newId(),
      type: 'turnout',
      teamId: session.teamId,
      stationId,
      at,
      voted,
      occurredAt: new Date().toISOString(),
    };
    await this.#host.enqueue([{ kind: 'event', event }]);
    return event.id;
  }

  async submitProtocol(
    stationId: string,
    protocol: {
      contestId: string;
      figures: ProtocolFigures;
      votes: ProtocolVotes;
      photo: { blob: Blob; contentType: string } | null;
    },
  ): Promise<string> {
    const session = this.#requireSession();
    const photoId = protocol.photo ? newId() : undefined;
    const event: EventInput = {
      id: newId(),
      type: 'results_protocol',
      teamId: session.teamId,
      stationId,
      occurredAt: new Date().toISOString(),
      contestId: protocol.contestId,
      figures: { ...protocol.figures },
      votes: { ...protocol.votes },
      ...(photoId ? { photoId } : {}),
    };
    const items: NewOutboxItem[] = [];
    if (protocol.photo && photoId)
      items.push({ kind: 'photo', id: photoId, blob: protocol.photo.blob, contentType: protocol.photo.contentType });
    items.push({ kind: 'event', event });
    await this.#host.enqueue(items);
    return event.id;
  }

  #requireSession() {
    const session = this.#host.session();
    if (!session) throw new Error('not joined');
    return session;
  }
}
