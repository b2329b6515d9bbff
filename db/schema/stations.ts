import { pgTable, uuid, text, doublePrecision, integer, timestamp, unique, index } from 'drizzle-orm/pg-core';
import { missions } from './missions';

export const stations = pgTable(
  'stations',
  {
    id: uuid().primaryKey(),
    missionId: uuid()
      .notNull()
      .references(() => missions.id),
    /** The election commission's number, e.g. "1001"; unique within a mission. */
    number: text().notNull(),
    name: text().notNull(),
    address: text().notNull(),
    /** Administrative district (rayon), e.g. Leninsky. */
    district: text().notNull(),
    /** Electoral district (okrug), e.g. "21". */
    electoralDistrict: text(),
    lat: doublePrecision().notNull(),
    lng: doublePrecision().notNull(),
    registeredVoters: integer(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique().on(t.missionId, t.number), index().on(t.missionId)],
);
