/**
 * The team inbox read model (team_inbox), kept by the projector inside the ingest transaction: a coordinator's
 * `message_sent` becomes one row per recipient team (resolved now, from the teams and plans as they stand), a team's
 * `team_message` a row of its own conversation, `message_read` marks a row read (the first read wins, so a team's
 * second phone reading it too changes nothing), and the projector adds the notices a team's phones are owed: its help
 * request acknowledged or closed by a coordinator, its findings triaged.
 */
import { and, eq, or } from 'drizzle-orm';
import type { Tx } from '../../../db/client';
import { inList } from '../../../db/in-list';
import { stations, teamAssignments, teamInbox, teams } from '../../../db/schema/index';
import type { EventInput, EventInputOf } from '../../../shared/schemas/events';
import type { InboxItem } from '../../../shared/schemas/messages';
import type { Station } from '../../../shared/schemas/stations';

export type InboxRow = typeof teamInbox.$inferSelect;
export type MessageVerdict =
  { ok: true; teamId: string | null; stationId: string | null } | { ok: false; field: string; error: string };

const keyOf = (eventId: string, teamId: string) => `${eventId}|${teamId}`;

/** `station`: the station the row names, when the caller has read it (see attachStations in messages.service.ts). */
export function toInboxItem(row: InboxRow, station: Station | null = null): InboxItem {
  return {
    id: row.eventId,
    seq: row.seq,
    teamId: row.teamId,
    kind: row.kind,
    at: row.at.toISOString(),
    from: row.fromName,
    text: row.text,
    stationId: row.stationId,
    station: station?.id === row.stationId ? station : null,
    findingId: row.findingId,
    status: row.status,
    replyTo: row.replyTo,
    readAt: row.readAt?.toISOString() ?? null,
  };
}

export class MessageBatch {
  readonly #missionId: string;
  /** Every team of the mission, when the batch sends a message. */
  readonly #missionTeams: Set<string>;
  /** Teams with a station of the district in their plan, per district the batch's messages name. */
  readonly #districtTeams: Map<string, string[]>;
  readonly #rows = new Map<string, InboxRow>();
  readonly #created = new Set<string>();
  readonly #read = new Set<string>();

  private constructor(missionId: string, missionTeams: Set<string>, districtTeams: Map<string, string[]>) {
    this.#missionId = missionId;
    this.#missionTeams = missionTeams;
    this.#districtTeams = districtTeams;
  }

  static async load(tx: Tx, missionId: string, batch: EventInput[]): Promise<MessageBatch> {
    const sends = batch.filter((e): e is EventInputOf<'message_sent'> => e.type === 'message_sent');
    const districts = [...new Set(sends.flatMap((e) => ('district' in e.to ? [e.to.district] : [])))];
    // Rows a read or an answer names (of the team that posts it).
    const named = batch.flatMap((e) =>
      e.type === 'message_read'
        ? [{ eventId: e.messageId, teamId: e.teamId }]
        : e.type === 'team_message' && e.replyTo
          ? [{ eventId: e.replyTo, teamId: e.teamId }]
          : [],
    );
    const [teamRows, districtRows, namedRows] = await Promise.all([
      sends.length ? tx.select({ id: teams.id }).from(teams).where(eq(teams.missionId, missionId)) : [],
      districts.length
        ? tx
            .selectDistinct({ district: stations.district, teamId: teamAssignments.teamId })
            .from(teamAssignments)
            .innerJoin(
              stations,
              and(eq(stations.missionId, teamAssignments.missionId), eq(stations.id, teamAssignments.stationId)),
            )
            .where(
              and(
                eq(teamAssignments.missionId, missionId),
                eq(stations.missionId, missionId),
                inList(stations.district, districts, 'text'),
              ),
            )
        : [],
      named.length
        ? tx
            .select()
            .from(teamInbox)
            .where(
              and(
                eq(teamInbox.missionId, missionId),
                or(...named.map((n) => and(eq(teamInbox.eventId, n.eventId), eq(teamInbox.teamId, n.teamId)))),
              ),
            )
        : [],
    ]);
    const districtTeams = new Map<string, string[]>(districts.map((d) => [d, []]));
    for (const row of districtRows) districtTeams.get(row.district)?.push(row.teamId);
    const self = new MessageBatch(missionId, new Set(teamRows.map((r) => r.id)), districtTeams);
    for (const row of namedRows) self.#rows.set(keyOf(row.eventId, row.teamId), row);
    return self;
  }

  send(event: EventInputOf<'message_sent'>, at: Date, seq: number, from: string): MessageVerdict {
    let recipients: string[];
    if ('teamIds' in event.to) {
      const unknown = event.to.teamIds.findIndex((id) => !this.#missionTeams.has(id));
      if (unknown >= 0) return { ok: false, field: `/to/teamIds/${unknown}`, error: 'no such team in this mission' };
      recipients = event.to.teamIds;
    } else if ('district' in event.to) {
      recipients = this.#districtTeams.get(event.to.district) ?? [];
      if (recipients.length === 0)
        return { ok: false, field: '/to/district', error: 'no team has a station of this district in its plan' };
    } else {
      recipients = [...this.#missionTeams];
      if (recipients.length === 0) return { ok: false, field: '/to', error: 'the mission has no teams' };
    }
    const stationId = event.stationId ?? null;
    for (const teamId of recipients)
      this.#add({ eventId: event.id, teamId, seq, kind: 'message', at, fromName: from, text: event.text, stationId });
    return { ok: true, teamId: null, stationId };
  }

  read(event: EventInputOf<'message_read'>, at: Date): MessageVerdict {
    const row = this.#rows.get(keyOf(event.messageId, event.teamId));
    if (!row) return { ok: false, field: '/messageId', error: 'no such message for this team' };
    if (row.readAt === null) {
      row.readAt = at;
      this.#read.add(keyOf(row.eventId, row.teamId));
    }
    return { ok: true, teamId: event.teamId, stationId: null };
  }

  reply(event: EventInputOf<'team_message'>, at: Date, seq: number, from: string): MessageVerdict {
    const answered = event.replyTo ? this.#rows.get(keyOf(event.replyTo, event.teamId)) : undefined;
    if (event.replyTo && !answered) return { ok: false, field: '/replyTo', error: 'no such message for this team' };
    this.#add({
      eventId: event.id,
      teamId: event.teamId,
      seq,
      kind: 'reply',
      at,
      fromName: from,
      text: event.text,
      stationId: answered?.stationId ?? null,
      replyTo: event.replyTo ?? null,
    });
    return { ok: true, teamId: event.teamId, stationId: null };
  }

  /** A coordinator acted on the team's help request or on one of its findings: the team's phones are told. */
  notice(
    row: Pick<InboxRow, 'eventId' | 'teamId' | 'seq' | 'kind' | 'at' | 'fromName' | 'text'> & Partial<InboxRow>,
  ): void {
    this.#add(row);
  }

  /** The rows this batch added, for the team sockets. */
  deliveries(): InboxItem[] {
    return [...this.#created].map((key) => toInboxItem(this.#rows.get(key)!));
  }

  async flush(tx: Tx): Promise<void> {
    const created = [...this.#created].map((key) => this.#rows.get(key)!);
    const read = [...this.#read].filter((key) => !this.#created.has(key)).map((key) => this.#rows.get(key)!);
    await Promise.all([
      created.length ? tx.insert(teamInbox).values(created) : undefined,
      ...read.map((row) =>
        tx
          .update(teamInbox)
          .set({ readAt: row.readAt })
          .where(
            and(
              eq(teamInbox.missionId, row.missionId),
              eq(teamInbox.eventId, row.eventId),
              eq(teamInbox.teamId, row.teamId),
            ),
          ),
      ),
    ]);
  }

  #add(row: Pick<InboxRow, 'eventId' | 'teamId' | 'seq' | 'kind' | 'at' | 'fromName'> & Partial<InboxRow>): void {
    const full: InboxRow = {
      missionId: this.#missionId,
      text: null,
      stationId: null,
      findingId: null,
      status: null,
      replyTo: null,
      readAt: null,
      ...row,
    };
    const key = keyOf(full.eventId, full.teamId);
    this.#rows.set(key, full);
    this.#created.add(key);
  }
}
