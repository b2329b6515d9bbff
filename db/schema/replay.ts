import { pgTable, uuid, text, bigint, primaryKey } from 'drizzle-orm/pg-core';
import { missions } from './missions';

/**
 * Snapshots of the read models in memory at every Nth event of the log, so a past moment of the day is rebuilt from
 * the nearest one before it plus at most N events. Derived data only: each is bound to the hash of the event at its
 * `seq`, so a snapshot of a log that was since wiped (a drill cleared) never matches again.
 */
export const replaySnapshots = pgTable(
  'replay_snapshots',
  {
    missionId: uuid()
      .notNull()
      .references(() => missions.id),
    seq: bigint({ mode: 'number' }).notNull(),
    /** The hash of the log's event at `seq` when the snapshot was taken. */
    hash: text().notNull(),
    /** The replay state as JSON (times as ISO strings). */
    state: text().notNull(),
  },
  (t) => [primaryKey({ columns: [t.missionId, t.seq] })],
);
