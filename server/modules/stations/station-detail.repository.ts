/** SQL for one station's story: its visits, its checklist and finding events, its event history. */
import { and, desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client';
import { events, findings, teams, visits } from '../../../db/schema/index';
import type { FindingState } from '../../../shared/schemas/findings';
import type { Severity } from '../../../shared/schemas/events';
import { type EventRow } from '../log/rows';

export interface VisitRow {
  id: string;
  teamId: string;
  callSign: string;
  arrivedAt: Date;
  departedAt: Date | null;
  closedBy: 'departure' | 'next_arrival' | null;
}

/** The station's visits, newest arrival first. */
export async function listStationVisits(db: Db, missionId: string, stationId: string): Promise<VisitRow[]> {
  return db
    .select({
      id: visits.id,
      teamId: visits.teamId,
      callSign: teams.callSign,
      arrivedAt: visits.arrivedAt,
      departedAt: visits.departedAt,
      closedBy: visits.closedBy,
    })
    .from(visits)
    .innerJoin(teams, and(eq(teams.missionId, visits.missionId), eq(teams.id, visits.teamId)))
    .where(and(eq(visits.missionId, missionId), eq(visits.stationId, stationId)))
    .orderBy(desc(visits.arrivedAt));
}

export interface FindingRow {
  id: string;
  seq: number;
  teamId: string;
  callSign: string;
  category: string;
  severity: Severity;
  status: FindingState;
  text: string | null;
  photoId: string | null;
  reportedAt: Date;
  acknowledgedAt: Date | null;
  acknowledgedBy: string | null;
  statusChangedAt: Date | null;
  statusChangedBy: string | null;
  resolvedAt: Date | null;
  resolvedBy: string | null;
  assignedTo: string | null;
}

/** The station's findings with their triage status and the observers' text, newest first. */
export async function listStationFindings(db: Db, missionId: string, stationId: string): Promise<FindingRow[]> {
  return db
    .select({
      id: findings.id,
      seq: findings.seq,
      teamId: findings.teamId,
      callSign: teams.callSign,
      category: findings.category,
      severity: findings.severity,
      status: findings.status,
      text: sql<string | null>`${events.payload}->>'text'`,
      photoId: sql<string | null>`${events.payload}->>'photoId'`,
      reportedAt: findings.reportedAt,
      acknowledgedAt: findings.acknowledgedAt,
      acknowledgedBy: findings.acknowledgedBy,
      statusChangedAt: findings.statusChangedAt,
      statusChangedBy: findings.statusChangedBy,
      resolvedAt: findings.resolvedAt,
      resolvedBy: findings.resolvedBy,
      assignedTo: findings.assignedTo,
    })
    .from(findings)
    .innerJoin(teams, and(eq(teams.missionId, findings.missionId), eq(teams.id, findings.teamId)))
    .leftJoin(events, and(eq(events.missionId, findings.missionId), eq(events.id, findings.id)))
    .where(and(eq(findings.missionId, missionId), eq(findings.stationId, stationId)))
    .orderBy(desc(findings.seq));
}

/** The station's checklist events, newest first. */
export async function listStationChecklists(
  db: Db,
  missionId: string,
  stationId: string,
  limit: number,
): Promise<EventRow[]> {
  return db
    .select()
    .from(events)
    .where(and(eq(events.missionId, missionId), eq(events.stationId, stationId), eq(events.type, 'checklist')))
    .orderBy(desc(events.seq))
    .limit(limit);
}

/** The station's newest events (any type), newest first. */
export async function listStationEvents(
  db: Db,
  missionId: string,
  stationId: string,
  limit: number,
): Promise<EventRow[]> {
  return db
    .select()
    .from(events)
    .where(and(eq(events.missionId, missionId), eq(events.stationId, stationId)))
    .orderBy(desc(events.seq))
    .limit(limit);
}

/** Call signs of the mission's teams by id. */
export async function teamCallSigns(db: Db, missionId: string): Promise<Map<string, string>> {
  const rows = await db
    .select({ id: teams.id, callSign: teams.callSign })
    .from(teams)
    .where(eq(teams.missionId, missionId));
  return new Map(rows.map((row) => [row.id, row.callSign]));
}
