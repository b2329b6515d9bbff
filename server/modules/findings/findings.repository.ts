/** SQL for finding summaries: the findings read model with its station's number and district. */
import { and, desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client';
import { events, findings, stations, teams } from '../../../db/schema/index';
import type { FindingSummary, TriageFinding } from '../../../shared/schemas/findings';

/**
 * The newest findings, by sequence. The free text lives only in the finding event, so it is read (a join on the event
 * log) only when `withText` — a display whose mission hides text never has it read at all.
 */
export async function listRecentFindings(
  db: Db,
  missionId: string,
  limit: number,
  withText: boolean,
  withPhoto = false,
): Promise<FindingSummary[]> {
  const columns = {
    id: findings.id,
    seq: findings.seq,
    category: findings.category,
    severity: findings.severity,
    status: findings.status,
    stationId: findings.stationId,
    stationNumber: stations.number,
    district: stations.district,
    reportedAt: findings.reportedAt,
    lat: findings.lat,
    lng: findings.lng,
  };
  const base = withText
    ? db
        .select({
          ...columns,
          text: sql<string | null>`${events.payload}->>'text'`,
          photoId: withPhoto ? sql<string | null>`${events.payload}->>'photoId'` : sql<null>`null`,
        })
        .from(findings)
        .leftJoin(stations, and(eq(stations.missionId, findings.missionId), eq(stations.id, findings.stationId)))
        .leftJoin(events, and(eq(events.missionId, findings.missionId), eq(events.id, findings.id)))
    : db
        .select(columns)
        .from(findings)
        .leftJoin(stations, and(eq(stations.missionId, findings.missionId), eq(stations.id, findings.stationId)));
  const rows: (Omit<FindingSummary, 'reportedAt' | 'text' | 'photoId' | 'position'> & {
    reportedAt: Date;
    lat: number | null;
    lng: number | null;
    text?: string | null;
    photoId?: string | null;
  })[] = await base.where(eq(findings.missionId, missionId)).orderBy(desc(findings.seq)).limit(limit);
  return rows.map(({ reportedAt, lat, lng, text, photoId, ...row }) => ({
    ...row,
    reportedAt: reportedAt.toISOString(),
    ...(row.stationId === null && lat !== null && lng !== null ? { position: { lat, lng } } : {}),
    ...(typeof text === 'string' ? { text } : {}),
    ...(typeof photoId === 'string' ? { photoId } : {}),
  }));
}

/** Every finding of the mission, newest first, with its text, place, team and triage (for coordinators). */
export async function listTriageFindings(db: Db, missionId: string): Promise<TriageFinding[]> {
  const rows = await db
    .select({
      id: findings.id,
      seq: findings.seq,
      category: findings.category,
      severity: findings.severity,
      status: findings.status,
      stationId: findings.stationId,
      stationNumber: stations.number,
      district: stations.district,
      reportedAt: findings.reportedAt,
      teamId: findings.teamId,
      teamCallSign: teams.callSign,
      lat: findings.lat,
      lng: findings.lng,
      statusChangedAt: findings.statusChangedAt,
      acknowledgedAt: findings.acknowledgedAt,
      acknowledgedBy: findings.acknowledgedBy,
      statusChangedBy: findings.statusChangedBy,
      resolvedAt: findings.resolvedAt,
      resolvedBy: findings.resolvedBy,
      assignedTo: findings.assignedTo,
      assignedAt: findings.assignedAt,
      lastNote: findings.lastNote,
      text: sql<string | null>`${events.payload}->>'text'`,
      photoId: sql<string | null>`${events.payload}->>'photoId'`,
    })
    .from(findings)
    .leftJoin(stations, and(eq(stations.missionId, findings.missionId), eq(stations.id, findings.stationId)))
    .innerJoin(teams, and(eq(teams.missionId, findings.missionId), eq(teams.id, findings.teamId)))
    .leftJoin(events, and(eq(events.missionId, findings.missionId), eq(events.id, findings.id)))
    .where(eq(findings.missionId, missionId))
    .orderBy(desc(findings.seq));
  return rows.map(
    ({ reportedAt, statusChangedAt, acknowledgedAt, resolvedAt, assignedAt, text, photoId, lat, lng, ...row }) => ({
      ...row,
      position: lat !== null && lng !== null ? { lat, lng } : null,
      reportedAt: reportedAt.toISOString(),
      statusChangedAt: statusChangedAt?.toISOString() ?? null,
      acknowledgedAt: acknowledgedAt?.toISOString() ?? null,
      resolvedAt: resolvedAt?.toISOString() ?? null,
      assignedAt: assignedAt?.toISOString() ?? null,
      text: text ?? '',
      ...(typeof photoId === 'string' ? { photoId } : {}),
    }),
  );
}
