import { pgTable, uuid, text, jsonb, integer, timestamp, unique, primaryKey, foreignKey } from 'drizzle-orm/pg-core';
import type { Phase } from '../../shared/schemas/events';
import { missions } from './missions';
import { stations } from './stations';

export const teams = pgTable(
  'teams',
  {
    id: uuid().notNull(),
    missionId: uuid()
      .notNull()
      .references(() => missions.id),
    callSign: text().notNull(),
    /** Observers' names: personal data, never sent to displays. */
    members: jsonb().$type<string[]>().notNull(),
    phone: text(),
    languages: jsonb().$type<string[]>().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.missionId, t.id] }), unique().on(t.missionId, t.callSign)],
);

/** A team's planned stations in route order, and the phases it observes there (who opens where, who counts where). */
export const teamAssignments = pgTable(
  'team_assignments',
  {
    missionId: uuid()
      .notNull()
      .references(() => missions.id),
    teamId: uuid().notNull(),
    routeOrder: integer().notNull(),
    stationId: uuid().notNull(),
    phases: jsonb().$type<Phase[]>().notNull().default(['opening', 'voting', 'closing']),
  },
  (t) => [
    primaryKey({ columns: [t.missionId, t.teamId, t.routeOrder] }),
    foreignKey({
      name: 'team_assignments_team_fk',
      columns: [t.missionId, t.teamId],
      foreignColumns: [teams.missionId, teams.id],
    }),
    foreignKey({
      name: 'team_assignments_station_fk',
      columns: [t.missionId, t.stationId],
      foreignColumns: [stations.missionId, stations.id],
    }),
  ],
);
