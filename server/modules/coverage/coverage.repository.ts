/**
 * Coverage in two statements: per district from the station read model (one snapshot), and per hour from the event
 * log (arrivals and findings by the device's hour). Both read under one repeatable-read transaction, so the figures
 * and the head describe the same moment.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../../../db/client';
import { PHASES } from '../../../shared/schemas/events';
import type { CoverageHour, DistrictCoverage } from '../../../shared/schemas/coverage';

export interface CoverageRows {
  head: number;
  districts: DistrictCoverage[];
  hours: CoverageHour[];
}

function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

/** Constant identifiers from our own list (never input), so sql.raw is safe here. */
const perPhase = sql.raw(
  PHASES.map((p) => `count(*) filter (where s.latest_assessments->'${p}' is not null)::int as observed_${p}`).join(
    ', ',
  ),
);

export async function readCoverage(db: Db, missionId: string): Promise<CoverageRows | undefined> {
  return db.transaction(
    async (tx) => {
      const [mission] = rowsOf<{ head: string }>(
        await tx.execute(sql`select last_seq::text as head from missions where id = ${missionId}`),
      );
      if (!mission) return undefined;
      const districtRows = rowsOf<Record<string, unknown>>(
        await tx.execute(sql`
          select st.district,
                 -- A district belongs to one region; should a list disagree with itself, the first name in order wins
                 -- rather than splitting the district's figures in two.
                 min(st.region) as region,
                 count(*)::int as total,
                 count(*) filter (where s.visit_count > 0 or s.first_visit_at is not null or s.latest_assessments <> '{}'::jsonb)::int as visited,
                 count(*) filter (where jsonb_array_length(s.present_team_ids) > 0)::int as present_now,
                 ${perPhase}
          from station_status s join stations st on st.id = s.station_id
          where s.mission_id = ${missionId}
          group by st.district
          order by min(st.region) nulls last, st.district
        `),
      );
      const hourRows = rowsOf<{ hour: string | Date; check_ins: number; findings: number }>(
        await tx.execute(sql`
          select date_trunc('hour', occurred_at) as hour,
                 count(*) filter (where type = 'arrival')::int as check_ins,
                 count(*) filter (where type = 'finding')::int as findings
          from events
          where mission_id = ${missionId} and type in ('arrival', 'finding')
          group by 1
          order by 1
        `),
      );
      const n = (row: Record<string, unknown>, key: string) => Number(row[key] ?? 0);
      const districts = districtRows.map((row): DistrictCoverage => {
        const total = n(row, 'total');
        const visited = n(row, 'visited');
        return {
          district: String(row.district),
          region: row.region === null || row.region === undefined || row.region === '' ? null : String(row.region),
          total,
          visited,
          presentNow: n(row, 'present_now'),
          neverVisited: total - visited,
          observedByPhase: {
            opening: n(row, 'observed_opening'),
            voting: n(row, 'observed_voting'),
            closing: n(row, 'observed_closing'),
          },
        };
      });
      return {
        head: Number(mission.head),
        districts,
        hours: hourRows.map((row) => ({
          hour: new Date(row.hour).toISOString(),
          checkIns: Number(row.check_ins),
          findings: Number(row.findings),
        })),
      };
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
}
