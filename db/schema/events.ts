import { pgTable, uuid, text, jsonb, bigint, timestamp, primaryKey, unique, index } from 'drizzle-orm/pg-core';
import type { Actor, EventType } from '../../shared/schemas/events';
import { missions } from './missions';

/**
 * The append-only event log: the mission's record and the source every read model is derived from.
 * `seq` has no gaps within a mission (it is taken under the mission row's lock, in commit order).
 * `hash` = SHA-256 over the canonical JSON of the event and `prevHash`, so any edit, deletion or reordering shows.
 */
export const events = pgTable(
  'events',
  {
    missionId: uuid()
      .notNull()
      .references(() => missions.id),
    seq: bigint({ mode: 'number' }).notNull(),
    /** Client-generated UUID: the idempotency key. */
    id: uuid().notNull(),
    type: text().$type<EventType>().notNull(),
    teamId: uuid(),
    stationId: uuid(),
    occurredAt: timestamp({ withTimezone: true }).notNull(),
    receivedAt: timestamp({ withTimezone: true }).notNull(),
    actor: jsonb().$type<Actor>().notNull(),
    /** The type's own fields (everything but the envelope columns above). */
    payload: jsonb().$type<Record<string, unknown>>().notNull(),
    prevHash: text().notNull(),
    hash: text().notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.missionId, t.seq] }),
    unique().on(t.missionId, t.id),
    index().on(t.missionId, t.stationId),
    // A team's own events newest first: its trail on the map.
    index().on(t.missionId, t.teamId, t.seq),
  ],
);
