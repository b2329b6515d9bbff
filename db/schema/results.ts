import {
  pgTable,
  uuid,
  text,
  jsonb,
  integer,
  bigint,
  timestamp,
  primaryKey,
  index,
  foreignKey,
} from 'drizzle-orm/pg-core';
import type { Ballot, ProtocolFigures, ProtocolVotes, ReportFlag } from '../../shared/schemas/results';
import { missions } from './missions';
import { stations } from './stations';

/**
 * Read model: the mission's ballot (contests, candidates, the stations each covers, turnout hours), as the last
 * `ballot_set` event in the log set it. A mission without a row has an empty ballot.
 */
export const ballots = pgTable('ballots', {
  missionId: uuid()
    .primaryKey()
    .references(() => missions.id),
  ballot: jsonb().$type<Ballot>().notNull(),
  updatedSeq: bigint({ mode: 'number' }).notNull(),
});

/**
 * Read model: the latest turnout report (by device time) per station and hour; every report stays in the log.
 */
export const turnoutReports = pgTable(
  'turnout_reports',
  {
    missionId: uuid()
      .notNull()
      .references(() => missions.id),
    stationId: uuid().notNull(),
    /** The turnout hour reported for, HH:MM. */
    at: text().notNull(),
    voted: integer().notNull(),
    teamId: uuid().notNull(),
    eventId: uuid().notNull(),
    occurredAt: timestamp({ withTimezone: true }).notNull(),
    flags: jsonb().$type<ReportFlag[]>().notNull(),
    updatedSeq: bigint({ mode: 'number' }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.missionId, t.stationId, t.at] }),
    foreignKey({
      name: 'turnout_reports_station_fk',
      columns: [t.missionId, t.stationId],
      foreignColumns: [stations.missionId, stations.id],
    }),
  ],
);

/**
 * Read model: each team's latest results protocol (by device time) per station and contest. A later one of the same
 * team supersedes it here; both stay in the log. Teams whose latest protocols differ raise a conflict.
 */
export const resultsProtocols = pgTable(
  'results_protocols',
  {
    missionId: uuid()
      .notNull()
      .references(() => missions.id),
    stationId: uuid().notNull(),
    contestId: text().notNull(),
    teamId: uuid().notNull(),
    eventId: uuid().notNull(),
    figures: jsonb().$type<ProtocolFigures>().notNull(),
    votes: jsonb().$type<ProtocolVotes>().notNull(),
    photoId: text(),
    flags: jsonb().$type<ReportFlag[]>().notNull(),
    supersedes: integer().notNull().default(0),
    occurredAt: timestamp({ withTimezone: true }).notNull(),
    updatedSeq: bigint({ mode: 'number' }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.missionId, t.stationId, t.contestId, t.teamId] }),
    foreignKey({
      name: 'results_protocols_station_fk',
      columns: [t.missionId, t.stationId],
      foreignColumns: [stations.missionId, stations.id],
    }),
    index().on(t.missionId, t.contestId),
  ],
);
