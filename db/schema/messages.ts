import { pgTable, uuid, text, bigint, timestamp, primaryKey, index } from 'drizzle-orm/pg-core';
import type { InboxKind } from '../../shared/schemas/messages';
import type { FindingStatusChange } from '../../shared/schemas/events';
import { missions } from './missions';

/**
 * Read model: what each team's phones are told, and what they answered. One row per event and team: a coordinator's
 * `message_sent` (one row per recipient team, resolved when it was stored), a coordinator acknowledging or closing the
 * team's help request, a triage of one of the team's findings, and the team's own `team_message` answers. A
 * `message_read` sets `readAt` (the first read wins). Kept by messages.projection.ts in the ingest transaction.
 */
export const teamInbox = pgTable(
  'team_inbox',
  {
    /** The event that put the row here. */
    eventId: uuid().notNull(),
    teamId: uuid().notNull(),
    missionId: uuid()
      .notNull()
      .references(() => missions.id),
    seq: bigint({ mode: 'number' }).notNull(),
    kind: text().$type<InboxKind>().notNull(),
    /** The event's device time. */
    at: timestamp({ withTimezone: true }).notNull(),
    /** Who wrote it: the coordinator's name, or the team's call sign for its own answers. */
    fromName: text().notNull(),
    text: text(),
    stationId: uuid(),
    findingId: uuid(),
    status: text().$type<FindingStatusChange>(),
    /** A team's answer names what it answers. */
    replyTo: uuid(),
    readAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.missionId, t.eventId, t.teamId] }),
    index().on(t.missionId, t.teamId, t.seq),
    index().on(t.missionId, t.kind, t.seq),
  ],
);
