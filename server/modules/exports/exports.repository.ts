/**
 * SQL for exports: every reader walks its table in key order, a page at a time (keyset pagination), so an export of any
 * size holds one page in memory on either driver (postgres.js or PGlite) and never one huge result.
 */
import { and, asc, eq, gt, inArray, lte, sql, type SQL } from 'drizzle-orm';
import { rowsOf, type Db } from '../../../db/client';
import {
  ballots,
  conflicts,
  events,
  findings,
  resultsProtocols,
  stationStatus,
  stations,
  teamAssignments,
  teams,
  turnoutReports,
  visits,
} from '../../../db/schema/index';
import type { Ballot, ReportFlag } from '../../../shared/schemas/results';

export const EXPORT_PAGE_ROWS = 1000;

export type ExportEventRow = typeof events.$inferSelect;
export type ExportVisitRow = typeof visits.$inferSelect;
export type ExportStationRow = { station: typeof stations.$inferSelect; status: typeof stationStatus.$inferSelect };

/** Events of the mission up to `head` (optionally of one type), in sequence order, page by page. */
export async function* eventPages(
  db: Db,
  missionId: string,
  head: number,
  type?: ExportEventRow['type'],
): AsyncGenerator<ExportEventRow[]> {
  let after = 0;
  for (;;) {
    const page = await db
      .select()
      .from(events)
      .where(
        and(
          eq(events.missionId, missionId),
          gt(events.seq, after),
          lte(events.seq, head),
          type ? eq(events.type, type) : undefined,
        ),
      )
      .orderBy(asc(events.seq))
      .limit(EXPORT_PAGE_ROWS);
    if (page.length === 0) return;
    yield page;
    after = page[page.length - 1]!.seq;
    if (page.length < EXPORT_PAGE_ROWS) return;
  }
}

export async function* visitPages(db: Db, missionId: string): AsyncGenerator<ExportVisitRow[]> {
  let after: { at: Date; id: string } | null = null;
  for (;;) {
    const keyset: SQL | undefined = after
      ? sql`(${visits.arrivedAt}, ${visits.id}) > (${after.at.toISOString()}::timestamptz, ${after.id}::uuid)`
      : undefined;
    const page: ExportVisitRow[] = await db
      .select()
      .from(visits)
      .where(and(eq(visits.missionId, missionId), keyset))
      .orderBy(asc(visits.arrivedAt), asc(visits.id))
      .limit(EXPORT_PAGE_ROWS);
    if (page.length === 0) return;
    yield page;
    const last: ExportVisitRow = page[page.length - 1]!;
    after = { at: last.arrivedAt, id: last.id };
    if (page.length < EXPORT_PAGE_ROWS) return;
  }
}

export async function* findingPages(db: Db, missionId: string, head: number) {
  let after = 0;
  for (;;) {
    const page = await db
      .select({ finding: findings, payload: events.payload })
      .from(findings)
      .innerJoin(events, and(eq(events.missionId, findings.missionId), eq(events.id, findings.id)))
      .where(and(eq(findings.missionId, missionId), gt(findings.seq, after), lte(findings.seq, head)))
      .orderBy(asc(findings.seq))
      .limit(EXPORT_PAGE_ROWS);
    if (page.length === 0) return;
    yield page;
    after = page[page.length - 1]!.finding.seq;
    if (page.length < EXPORT_PAGE_ROWS) return;
  }
}

export async function* stationPages(db: Db, missionId: string): AsyncGenerator<ExportStationRow[]> {
  let after = '';
  for (;;) {
    const page = await db
      .select({ station: stations, status: stationStatus })
      .from(stations)
      .innerJoin(stationStatus, eq(stationStatus.stationId, stations.id))
      .where(and(eq(stations.missionId, missionId), gt(stations.code, after)))
      .orderBy(asc(stations.code))
      .limit(EXPORT_PAGE_ROWS);
    if (page.length === 0) return;
    yield page;
    after = page[page.length - 1]!.station.code;
    if (page.length < EXPORT_PAGE_ROWS) return;
  }
}

export interface ExportTurnoutRow {
  row: typeof turnoutReports.$inferSelect;
  code: string;
  district: string;
  registered: number | null;
  receivedAt: Date | null;
}

/** Each station's latest turnout report per hour, with the station and when the server received it, by code and hour. */
export async function* turnoutPages(db: Db, missionId: string): AsyncGenerator<ExportTurnoutRow[]> {
  let after: { code: string; at: string } | null = null;
  for (;;) {
    const keyset: SQL | undefined = after
      ? sql`(${stations.code}, ${turnoutReports.at}) > (${after.code}, ${after.at})`
      : undefined;
    const page: ExportTurnoutRow[] = await db
      .select({
        row: turnoutReports,
        code: stations.code,
        district: stations.district,
        registered: stations.registeredVoters,
        receivedAt: events.receivedAt,
      })
      .from(turnoutReports)
      .innerJoin(stations, eq(stations.id, turnoutReports.stationId))
      .leftJoin(events, and(eq(events.missionId, turnoutReports.missionId), eq(events.id, turnoutReports.eventId)))
      .where(and(eq(turnoutReports.missionId, missionId), keyset))
      .orderBy(asc(stations.code), asc(turnoutReports.at))
      .limit(EXPORT_PAGE_ROWS);
    if (page.length === 0) return;
    yield page;
    const last: ExportTurnoutRow = page[page.length - 1]!;
    after = { code: last.code, at: last.row.at };
    if (page.length < EXPORT_PAGE_ROWS) return;
  }
}

/** Of these protocol events, the ones that stand as a team's latest for their station and contest, with their flags. */
export async function readLatestProtocolFlags(
  db: Db,
  missionId: string,
  eventIds: string[],
): Promise<Map<string, ReportFlag[]>> {
  if (eventIds.length === 0) return new Map();
  const rows = await db
    .select({ eventId: resultsProtocols.eventId, flags: resultsProtocols.flags })
    .from(resultsProtocols)
    .where(and(eq(resultsProtocols.missionId, missionId), inArray(resultsProtocols.eventId, eventIds)));
  return new Map(rows.map((r) => [r.eventId, r.flags]));
}

export async function readBallot(db: Db, missionId: string): Promise<Ballot | null> {
  const [row] = await db.select({ ballot: ballots.ballot }).from(ballots).where(eq(ballots.missionId, missionId));
  return row?.ballot ?? null;
}

/** Call signs and station codes for naming rows (a mission has hundreds or thousands, not millions). */
export async function readNames(db: Db, missionId: string) {
  const [teamRows, stationRows, openConflicts, planned] = await Promise.all([
    db.select({ id: teams.id, callSign: teams.callSign }).from(teams).where(eq(teams.missionId, missionId)),
    db
      .select({
        id: stations.id,
        code: stations.code,
        district: stations.district,
        region: stations.region,
        lat: stations.lat,
        lng: stations.lng,
      })
      .from(stations)
      .where(eq(stations.missionId, missionId)),
    db
      .select({ stationId: conflicts.stationId, n: sql<number>`count(*)::int` })
      .from(conflicts)
      .where(and(eq(conflicts.missionId, missionId), eq(conflicts.status, 'open')))
      .groupBy(conflicts.stationId),
    db
      .select({ stationId: teamAssignments.stationId, callSign: teams.callSign, phases: teamAssignments.phases })
      .from(teamAssignments)
      .innerJoin(teams, eq(teams.id, teamAssignments.teamId))
      .where(eq(teams.missionId, missionId))
      .orderBy(asc(teams.callSign)),
  ]);
  const plannedBy = new Map<string, string[]>();
  for (const p of planned) plannedBy.set(p.stationId, [...(plannedBy.get(p.stationId) ?? []), p.callSign]);
  return {
    team: new Map(teamRows.map((t) => [t.id, t.callSign])),
    station: new Map(stationRows.map((s) => [s.id, s])),
    openConflicts: new Map(openConflicts.map((c) => [c.stationId, c.n])),
    plannedBy,
    planned,
  };
}
export type ExportNames = Awaited<ReturnType<typeof readNames>>;

/** Per region, district and phase (region empty when the list has none): stations, how many were observed and the latest assessments' counts, from station_status. */
export async function readDistrictTable(db: Db, missionId: string) {
  const result = await db.execute(sql`
    select coalesce(s.region, '') as region, s.district, p.phase,
      count(*)::int as stations,
      count(*) filter (where st.latest_assessments ? p.phase)::int as observed,
      count(*) filter (where st.latest_assessments->p.phase->>'assessment' = 'very_good')::int as very_good,
      count(*) filter (where st.latest_assessments->p.phase->>'assessment' = 'good')::int as good,
      count(*) filter (where st.latest_assessments->p.phase->>'assessment' = 'bad')::int as bad,
      count(*) filter (where st.latest_assessments->p.phase->>'assessment' = 'very_bad')::int as very_bad
    from stations s
    join station_status st on st.station_id = s.id
    cross join (values ('opening', 1), ('voting', 2), ('closing', 3)) as p(phase, rank)
    where s.mission_id = ${missionId}
    group by s.region, s.district, p.phase, p.rank
    order by coalesce(s.region, ''), s.district, p.rank`);
  return rowsOf<{
    region: string;
    district: string;
    phase: string;
    stations: number;
    observed: number;
    very_good: number;
    good: number;
    bad: number;
    very_bad: number;
  }>(result);
}

/** Findings per district: reported and still open, by severity. */
export async function readDistrictFindings(db: Db, missionId: string) {
  const result = await db.execute(sql`
    select s.district, f.severity, count(*)::int as reported, count(*) filter (where f.status <> 'resolved')::int as open
    from findings f join stations s on s.id = f.station_id
    where f.mission_id = ${missionId}
    group by s.district, f.severity`);
  return rowsOf<{ district: string; severity: string; reported: number; open: number }>(result);
}

/** Figures of the printable mission summary, each one SQL count over the record. */
export async function readSummaryFigures(db: Db, missionId: string) {
  const [span] = rowsOf<{ first: Date | string | null; last: Date | string | null; events: number }>(
    await db.execute(
      sql`select min(occurred_at) as first, max(occurred_at) as last, count(*)::int as events from events where mission_id = ${missionId}`,
    ),
  );
  const [coverage] = rowsOf<{
    total: number;
    visited: number;
    planned: number;
    planned_visited: number;
    teams: number;
    teams_seen: number;
  }>(
    await db.execute(sql`
      select
        (select count(*)::int from stations where mission_id = ${missionId}) as total,
        (select count(*)::int from station_status where mission_id = ${missionId} and visit_count > 0) as visited,
        (select count(distinct a.station_id)::int from team_assignments a join teams t on t.id = a.team_id where t.mission_id = ${missionId}) as planned,
        (select count(distinct a.station_id)::int from team_assignments a join teams t on t.id = a.team_id
           join station_status st on st.station_id = a.station_id where t.mission_id = ${missionId} and st.visit_count > 0) as planned_visited,
        (select count(*)::int from teams where mission_id = ${missionId}) as teams,
        (select count(*)::int from team_status where mission_id = ${missionId} and last_seen_at is not null) as teams_seen`),
  );
  const assessments = rowsOf<{ phase: string; assessment: string; n: number }>(
    await db.execute(sql`
      select e.payload->>'phase' as phase, e.payload->>'assessment' as assessment, count(*)::int as n
      from events e where e.mission_id = ${missionId} and e.type = 'checklist'
      group by 1, 2`),
  );
  const findingCounts = rowsOf<{ category: string; severity: string; n: number; open: number }>(
    await db.execute(sql`
      select category, severity, count(*)::int as n, count(*) filter (where status <> 'resolved')::int as open
      from findings where mission_id = ${missionId} group by 1, 2 order by 1, 2`),
  );
  const [conflictCounts] = rowsOf<{ open: number; resolved: number }>(
    await db.execute(sql`
      select count(*) filter (where status = 'open')::int as open, count(*) filter (where status = 'resolved')::int as resolved
      from conflicts where mission_id = ${missionId}`),
  );
  return { span: span!, coverage: coverage!, assessments, findingCounts, conflicts: conflictCounts! };
}
