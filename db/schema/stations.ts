import {
  pgTable,
  uuid,
  text,
  doublePrecision,
  integer,
  bigint,
  timestamp,
  unique,
  primaryKey,
} from 'drizzle-orm/pg-core';
import { missions } from './missions';

export const stations = pgTable(
  'stations',
  {
    id: uuid().notNull(),
    missionId: uuid()
      .notNull()
      .references(() => missions.id),
    /** The election commission's number, e.g. "1001"; unique within its district (national lists restart per county). */
    number: text().notNull(),
    /**
     * Unique in the mission: what phones show, search and type, what exports and the plan CSV carry. Defaults to the
     * number, or `district-number` when numbers repeat across districts.
     */
    code: text().notNull(),
    /** Named by the file, or else by its address, or else by its code (decided at import). */
    name: text().notNull(),
    address: text().notNull(),
    /** Administrative district (rayon), e.g. Leninsky. */
    district: text().notNull(),
    /** Optional level above the district (a county above its localities). */
    region: text(),
    /** Electoral district (okrug), e.g. "21". */
    electoralDistrict: text(),
    /** Both null for an unplaced station (most national lists have no coordinates). */
    lat: doublePrecision(),
    lng: doublePrecision(),
    registeredVoters: integer(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.missionId, t.id] }),
    unique().on(t.missionId, t.district, t.number),
    unique().on(t.missionId, t.code),
  ],
);

/**
 * Moves whenever a station's own fields change (import, placement), which the log head does not record. With the head
 * it names one version of the station list, by which the list is cached and tagged (ETag). A table of its own rather
 * than a column of `missions`: an import holds this row until it commits, and must not hold the row ingest locks.
 */
export const stationListVersions = pgTable('station_list_versions', {
  missionId: uuid()
    .primaryKey()
    .references(() => missions.id, { onDelete: 'cascade' }),
  version: bigint({ mode: 'number' }).notNull().default(0),
});
