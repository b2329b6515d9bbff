import { pgTable, uuid, text, jsonb, integer, timestamp, unique, primaryKey } from 'drizzle-orm/pg-core';
import type { Phase } from '../../shared/schemas/events';
import { missions } from './missions';
import { stations } from './stations';

export const teams = pgTable(
  'teams',
  {
    id: uuid().primaryKey(),
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
  (t) => [unique().on(t.missionId, t.callSign)],
);

/** A team's planned stations in route order, and the phases it observes there (who opens where, who counts where). */
export const teamAssignments = pgTable(
  'team_assignments',
  {
    teamId: uuid()
      .notNull()
      .references(() => teams.id),
    routeOrder: integer().notNull(),
    stationId: uuid()
      .notNull()
      .references(() => stations.id),
    phases: jsonb().$type<Phase[]>().notNull().default(['opening', 'voting', 'closing']),
  },
  (t) => [primaryKey({ columns: [t.teamId, t.routeOrder] })],
);
