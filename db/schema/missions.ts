import { pgTable, uuid, text, doublePrecision, jsonb, boolean, bigint, integer, timestamp } from 'drizzle-orm/pg-core';
import type { Geometry } from 'geojson';
import type { EmergencyContact } from '../../shared/schemas/route-sheets';

/** [[west, south], [east, north]] in degrees. */
export type Bounds = [[number, number], [number, number]];

export const missions = pgTable('missions', {
  id: uuid().primaryKey(),
  name: text().notNull(),
  /** Local election date, YYYY-MM-DD. */
  electionDate: text().notNull(),
  /** IANA zone the mission's times are shown in, e.g. Asia/Bishkek. */
  timeZone: text().notNull(),
  centerLat: doublePrecision().notNull(),
  centerLng: doublePrecision().notNull(),
  bounds: jsonb().$type<Bounds>().notNull(),
  /** City outline (GeoJSON geometry) drawn on the offline map. */
  outline: jsonb().$type<Geometry | null>(),
  languages: jsonb().$type<string[]>().notNull(),
  isDemo: boolean().notNull().default(false),
  /** Wall displays show findings' free text only when the mission allows it (a room may hold press or guests). */
  displayShowsFindingText: boolean().notNull().default(false),
  /** Wall displays receive team positions only when the mission allows it. */
  displayShowsTeamPositions: boolean().notNull().default(false),
  /** Wall displays show the quick count's estimates only when the mission allows it. */
  displayShowsQuickCount: boolean().notNull().default(false),
  /**
   * Drill mode: every event in the log is rehearsal data. Turned on only while the log is empty; while on, a coordinator
   * may wipe the log back to genesis; the mission goes live only with an empty log, so a record never mixes the two.
   */
  drill: boolean().notNull().default(false),
  /**
   * When the mission went live after a drill: reports made before it are drill reports a phone sends late, and are
   * refused so they never enter the live record. Null for a mission that never rehearsed.
   */
  recordStartsAt: timestamp({ withTimezone: true }),
  /**
   * When the current drill started (drill mode turned on, or its data last cleared): its local date is the drill's
   * observation day, the "today" of coverage and of the silent-team alert. Null while live.
   */
  drillStartedAt: timestamp({ withTimezone: true }),
  /**
   * A drill that plays a compressed day (the simulator) runs its own clock: from `realStart` on, the drill's time is
   * `startsAt` (HH:MM of the observation day) plus the real time elapsed times `speed`. Null: the drill runs in real time.
   */
  drillClock: jsonb().$type<{ realStart: string; startsAt: string; speed: number }>(),
  /** A team not heard from for this long during polling hours raises an alert on the coordinators' page. */
  silentTeamAlertMinutes: integer().notNull().default(45),
  /** Polling hours in the mission's time zone, HH:MM (the silent-team alert applies only inside them). */
  pollingStartsAt: text().notNull().default('07:00'),
  pollingEndsAt: text().notNull().default('20:00'),
  /** A critical finding nobody acknowledged within this long stands out in the feed and the alert strip. */
  criticalAckMinutes: integer().notNull().default(15),
  /** Printed on every route sheet (name, role, phone); coordinators set them. Never sent to displays or phones. */
  emergencyContacts: jsonb().$type<EmergencyContact[]>().notNull().default([]),
  /** Head of the event log: the last sequence number and hash given out. Locking this row orders the mission's inserts. */
  lastSeq: bigint({ mode: 'number' }).notNull().default(0),
  lastHash: text().notNull(),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});
