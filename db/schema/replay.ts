import { pgTable, uuid, text, bigint, primaryKey, timestamp } from 'drizzle-orm/pg-core';
import { missions } from './missions';
import { coordinators } from './credentials';

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

/**
 * The past moment a coordinator shows the mission's walls (PUT /api/replay/walls), one row per mission while a replay is
 * on the walls. The truth for every instance: a wall that connects mid-replay is sent it at once, and a renewal of the
 * same moment is told apart from a new one. Redis only carries the news. A row whose lease has run out means live.
 */
export const wallReplays = pgTable('wall_replays', {
  missionId: uuid()
    .primaryKey()
    .references(() => missions.id),
  /** The moment shown, as the coordinator asked for it. */
  at: timestamp({ withTimezone: true }).notNull(),
  /** The walls go back to live at this time unless the coordinator's page renews it. */
  expiresAt: timestamp({ withTimezone: true }).notNull(),
  /** The coordinator who put this moment on the walls (null once their account is gone). */
  startedBy: uuid().references(() => coordinators.id, { onDelete: 'set null' }),
  /** When this moment was put on the walls (a renewal keeps it). */
  startedAt: timestamp({ withTimezone: true }).notNull(),
});
