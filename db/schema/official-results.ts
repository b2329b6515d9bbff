import {
  pgTable,
  uuid,
  text,
  jsonb,
  bigint,
  integer,
  timestamp,
  primaryKey,
  index,
  foreignKey,
} from 'drizzle-orm/pg-core';
import type { ProtocolVotes } from '../../shared/schemas/results';
import type { OfficialFigures } from '../../shared/schemas/official-results';
import { missions } from './missions';
import { stations } from './stations';

/**
 * The commission's official result per station and contest, as last imported: figures the file carried and votes per
 * candidate. Not a read model of the log (a national file is far too large for an event): the import writes these rows
 * and its `official_results_imported` event (contests, rows, SHA-256 of the file, who) in one transaction, and a
 * re-import of a contest replaces its rows.
 */
export const officialResults = pgTable(
  'official_results',
  {
    missionId: uuid()
      .notNull()
      .references(() => missions.id),
    stationId: uuid().notNull(),
    contestId: text().notNull(),
    figures: jsonb().$type<OfficialFigures>().notNull(),
    votes: jsonb().$type<ProtocolVotes>().notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.missionId, t.stationId, t.contestId] }),
    foreignKey({
      name: 'official_results_station_fk',
      columns: [t.missionId, t.stationId],
      foreignColumns: [stations.missionId, stations.id],
    }),
    index().on(t.missionId, t.contestId),
  ],
);

/** The import each contest's official results came from: its event's seq, when, how many rows, the file's hash. */
export const officialResultImports = pgTable(
  'official_result_imports',
  {
    missionId: uuid()
      .notNull()
      .references(() => missions.id),
    contestId: text().notNull(),
    seq: bigint({ mode: 'number' }).notNull(),
    importedAt: timestamp({ withTimezone: true }).notNull(),
    rows: integer().notNull(),
    stations: integer().notNull(),
    sha256: text().notNull(),
  },
  (t) => [primaryKey({ columns: [t.missionId, t.contestId] })],
);
