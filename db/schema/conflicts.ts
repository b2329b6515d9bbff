import {
  pgTable,
  uuid,
  text,
  jsonb,
  bigint,
  timestamp,
  index,
  unique,
  primaryKey,
  foreignKey,
} from 'drizzle-orm/pg-core';
import type { Phase } from '../../shared/schemas/events';
import type { ConflictKind, ConflictReport } from '../../shared/schemas/conflicts';
import { missions } from './missions';
import { stations } from './stations';

/**
 * Read model: contradictory reports of different teams about one station and phase (a different overall assessment,
 * or opposite answers to the same yes/no question), for a coordinator to resolve. One row per station, phase and
 * subject (`questionId` '' for the assessment); a new contradicting report after a resolution opens it again.
 */
export const conflicts = pgTable(
  'conflicts',
  {
    id: uuid().notNull(),
    missionId: uuid()
      .notNull()
      .references(() => missions.id),
    stationId: uuid().notNull(),
    phase: text().$type<Phase>().notNull(),
    kind: text().$type<ConflictKind>().notNull(),
    /** The yes/no question the answers contradict on; '' for the overall assessment. */
    questionId: text().notNull(),
    /** Each team's latest report on the subject (by device time). */
    reports: jsonb().$type<ConflictReport[]>().notNull(),
    status: text().$type<'open' | 'resolved'>().notNull(),
    raisedAt: timestamp({ withTimezone: true }).notNull(),
    resolvedAt: timestamp({ withTimezone: true }),
    resolutionNote: text(),
    updatedSeq: bigint({ mode: 'number' }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.missionId, t.id] }),
    foreignKey({
      name: 'conflicts_station_fk',
      columns: [t.missionId, t.stationId],
      foreignColumns: [stations.missionId, stations.id],
    }),
    unique().on(t.missionId, t.stationId, t.phase, t.questionId),
    index().on(t.missionId, t.status),
  ],
);
