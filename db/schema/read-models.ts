/**
 * Read models: what dashboards load, kept in step with the event log in the same transaction as each insert.
 * They can always be rebuilt by replaying the log.
 */
import {
  pgTable,
  uuid,
  text,
  jsonb,
  integer,
  bigint,
  timestamp,
  boolean,
  doublePrecision,
  index,
  primaryKey,
  foreignKey,
} from 'drizzle-orm/pg-core';
import type { Assessment, Phase, Severity } from '../../shared/schemas/events';
import type { FindingState } from '../../shared/schemas/findings';
import { missions } from './missions';
import { stations } from './stations';
import { teams } from './teams';

export type LatestAssessments = Partial<Record<Phase, { assessment: Assessment; at: string; teamId: string }>>;

export const stationStatus = pgTable(
  'station_status',
  {
    stationId: uuid().notNull(),
    missionId: uuid()
      .notNull()
      .references(() => missions.id),
    presentTeamIds: jsonb().$type<string[]>().notNull().default([]),
    visitCount: integer().notNull().default(0),
    firstVisitAt: timestamp({ withTimezone: true }),
    lastVisitAt: timestamp({ withTimezone: true }),
    latestAssessments: jsonb().$type<LatestAssessments>().notNull().default({}),
    openFindings: integer().notNull().default(0),
    worstOpenSeverity: text().$type<Severity>(),
    updatedSeq: bigint({ mode: 'number' }).notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.missionId, t.stationId] }),
    foreignKey({
      name: 'station_status_station_fk',
      columns: [t.missionId, t.stationId],
      foreignColumns: [stations.missionId, stations.id],
    }),
  ],
);

export const teamStatus = pgTable(
  'team_status',
  {
    teamId: uuid().notNull(),
    missionId: uuid()
      .notNull()
      .references(() => missions.id),
    lastSeenAt: timestamp({ withTimezone: true }),
    currentStationId: uuid(),
    lastLat: doublePrecision(),
    lastLng: doublePrecision(),
    lastPositionAt: timestamp({ withTimezone: true }),
    helpOpen: boolean().notNull().default(false),
    helpRequestedAt: timestamp({ withTimezone: true }),
    /** When a coordinator last acknowledged the team's help request; it covers the request made before it. */
    helpAcknowledgedAt: timestamp({ withTimezone: true }),
    /** When a coordinator last acknowledged the team's silence; it covers the silence since lastSeenAt. */
    silentAcknowledgedAt: timestamp({ withTimezone: true }),
    updatedSeq: bigint({ mode: 'number' }).notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.missionId, t.teamId] }),
    foreignKey({
      name: 'team_status_team_fk',
      columns: [t.missionId, t.teamId],
      foreignColumns: [teams.missionId, teams.id],
    }),
  ],
);

/** One row per arrival: who was where, from when to when. */
export const visits = pgTable(
  'visits',
  {
    /** The arrival event's id. */
    id: uuid().notNull(),
    missionId: uuid()
      .notNull()
      .references(() => missions.id),
    teamId: uuid().notNull(),
    stationId: uuid().notNull(),
    arrivedAt: timestamp({ withTimezone: true }).notNull(),
    departedAt: timestamp({ withTimezone: true }),
    /** 'departure' when the team checked out; 'next_arrival' when it checked in elsewhere without checking out. */
    closedBy: text().$type<'departure' | 'next_arrival'>(),
  },
  (t) => [
    primaryKey({ columns: [t.missionId, t.id] }),
    foreignKey({
      name: 'visits_team_fk',
      columns: [t.missionId, t.teamId],
      foreignColumns: [teams.missionId, teams.id],
    }),
    foreignKey({
      name: 'visits_station_fk',
      columns: [t.missionId, t.stationId],
      foreignColumns: [stations.missionId, stations.id],
    }),
    index().on(t.missionId, t.teamId, t.stationId),
    index().on(t.missionId, t.stationId),
  ],
);

export type { FindingState };

/** Current state of each finding, for triage and for the station's open-findings figures. */
export const findings = pgTable(
  'findings',
  {
    /** The finding event's id. */
    id: uuid().notNull(),
    missionId: uuid()
      .notNull()
      .references(() => missions.id),
    /** Null for an incident away from any station: it has `lat`/`lng` instead. */
    stationId: uuid(),
    teamId: uuid().notNull(),
    /** Where an incident away from a station happened (the finding's position); null at a station. */
    lat: doublePrecision(),
    lng: doublePrecision(),
    category: text().notNull(),
    severity: text().$type<Severity>().notNull(),
    status: text().$type<FindingState>().notNull().default('new'),
    reportedAt: timestamp({ withTimezone: true }).notNull(),
    statusChangedAt: timestamp({ withTimezone: true }),
    /** The first triage (acknowledged, escalated or resolved): when and by which coordinator. */
    acknowledgedAt: timestamp({ withTimezone: true }),
    acknowledgedBy: text(),
    /** The latest triage's coordinator (statusChangedAt is its time). */
    statusChangedBy: text(),
    /** The resolution: when and by whom. */
    resolvedAt: timestamp({ withTimezone: true }),
    resolvedBy: text(),
    /** The coordinator (username) the finding is assigned to, and since when; null when nobody has it. */
    assignedTo: text(),
    assignedAt: timestamp({ withTimezone: true }),
    /** The note of the latest triage that had one. */
    lastNote: text(),
    seq: bigint({ mode: 'number' }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.missionId, t.id] }),
    foreignKey({
      name: 'findings_station_fk',
      columns: [t.missionId, t.stationId],
      foreignColumns: [stations.missionId, stations.id],
    }),
    foreignKey({
      name: 'findings_team_fk',
      columns: [t.missionId, t.teamId],
      foreignColumns: [teams.missionId, teams.id],
    }),
    index().on(t.missionId, t.stationId),
  ],
);
