/**
 * The headline figures in one SQL statement over the read models (station_status, team_status, findings), so every
 * figure comes from the same snapshot and equals what the database holds.
 */
import { sql, type SQL } from 'drizzle-orm';
import { rowsOf, type Db } from '../../../db/client';
import { PHASES, SEVERITIES, type Phase, type Severity } from '../../../shared/schemas/events';

export interface SummaryRow {
  head: number;
  dayStartedAt: Date;
  stations: { total: number; coveredNow: number; coveredToday: number };
  teams: { total: number; active: number; helpOpen: number };
  open: Record<Severity, number>;
  reported: Record<Severity, number>;
  assessments: Record<Phase, { observed: number; bad: number; veryBad: number }>;
}

/** Constant identifiers from our own lists (never input), so sql.raw is safe here. */
const raw = (text: string) => sql.raw(text);

function stationColumns(): SQL {
  const assessedToday = PHASES.map((p) => `(s.latest_assessments->'${p}'->>'at')::timestamptz >= m.day_start`).join(
    ' or ',
  );
  const perPhase = PHASES.map(
    (p) =>
      `count(*) filter (where s.latest_assessments->'${p}' is not null)::int as ${p}_observed, ` +
      `count(*) filter (where s.latest_assessments->'${p}'->>'assessment' = 'bad')::int as ${p}_bad, ` +
      `count(*) filter (where s.latest_assessments->'${p}'->>'assessment' = 'very_bad')::int as ${p}_very_bad`,
  ).join(', ');
  return raw(
    `count(*)::int as stations_total, ` +
      `count(*) filter (where jsonb_array_length(s.present_team_ids) > 0)::int as covered_now, ` +
      // An assessment is only filed on a visit, so it counts as one even if the arrival never came (shared/station-state.ts).
      `count(*) filter (where s.last_visit_at >= m.day_start or ${assessedToday})::int as covered_today, ` +
      perPhase,
  );
}

function findingColumns(): SQL {
  return raw(
    SEVERITIES.map(
      (v) =>
        `count(*) filter (where f.severity = '${v}')::int as reported_${v}, ` +
        `count(*) filter (where f.severity = '${v}' and f.status <> 'resolved')::int as open_${v}`,
    ).join(', '),
  );
}

/** undefined when there is no such mission. `activeSince`: a team seen at or after it counts as active. */
export async function readSummary(db: Db, missionId: string, activeSince: Date): Promise<SummaryRow | undefined> {
  const result = await db.execute(sql`
    with m as (
      -- The observation day: the election date, or in a drill the day the drill started (shared/observation-day.ts).
      select id, last_seq, ((case when drill then (coalesce(drill_started_at, now()) at time zone time_zone)::date
                                  else election_date::date end)::timestamp at time zone time_zone) as day_start
      from missions where id = ${missionId}
    )
    select m.last_seq::text as head, m.day_start, s.*, t.*, f.*
    from m
    cross join lateral (select ${stationColumns()} from station_status s where s.mission_id = m.id) s
    cross join lateral (
      select count(*)::int as teams_total,
             count(*) filter (where t.last_seen_at >= ${activeSince.toISOString()}::timestamptz)::int as teams_active,
             count(*) filter (where t.help_open)::int as help_open
      from team_status t where t.mission_id = m.id
    ) t
    cross join lateral (select ${findingColumns()} from findings f where f.mission_id = m.id) f
  `);
  const [row] = rowsOf<Record<string, unknown>>(result);
  if (!row) return undefined;
  const n = (key: string) => Number(row[key] ?? 0);
  return {
    head: n('head'),
    dayStartedAt: new Date(row.day_start as string | Date),
    stations: { total: n('stations_total'), coveredNow: n('covered_now'), coveredToday: n('covered_today') },
    teams: { total: n('teams_total'), active: n('teams_active'), helpOpen: n('help_open') },
    open: Object.fromEntries(SEVERITIES.map((v) => [v, n(`open_${v}`)])) as Record<Severity, number>,
    reported: Object.fromEntries(SEVERITIES.map((v) => [v, n(`reported_${v}`)])) as Record<Severity, number>,
    assessments: Object.fromEntries(
      PHASES.map((p) => [p, { observed: n(`${p}_observed`), bad: n(`${p}_bad`), veryBad: n(`${p}_very_bad`) }]),
    ) as SummaryRow['assessments'],
  };
}
