import { customType, pgTable, uuid, text, integer, timestamp, primaryKey, foreignKey } from 'drizzle-orm/pg-core';
import { missions } from './missions';
import { teams } from './teams';

/** Raw bytes; postgres.js hands back a Buffer, PGlite a Uint8Array, and both accept either. */
const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (value) => new Uint8Array(value),
});

/**
 * Finding photos, kept in the database so every instance can serve them (no instance-local disk).
 * The id is made by the phone when the photo is taken: an upload retried after a lost answer finds its row and stores
 * nothing twice. Compressed on the phone, limited in size and type by the server.
 */
export const photos = pgTable(
  'photos',
  {
    id: uuid().notNull(),
    missionId: uuid()
      .notNull()
      .references(() => missions.id),
    /** The team whose phone sent it (null when a coordinator uploaded it). */
    teamId: uuid(),
    uploadedBy: text().notNull(),
    contentType: text().notNull(),
    byteSize: integer().notNull(),
    /** SHA-256 of the bytes: tells a retry of the same upload from a different photo under the same id. */
    sha256: text().notNull(),
    data: bytea().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.missionId, t.id] }),
    foreignKey({
      name: 'photos_team_fk',
      columns: [t.missionId, t.teamId],
      foreignColumns: [teams.missionId, teams.id],
    }),
  ],
);
