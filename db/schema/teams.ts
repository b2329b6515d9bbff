import { pgTable, uuid, text, jsonb, integer, timestamp, unique, primaryKey } from 'drizzle-orm/pg-core';
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

/** A team's planned stations in route order. */
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
  },
  (t) => [primaryKey({ columns: [t.teamId, t.routeOrder] })],
);
