/**
 * Coverage in two statements: per district from the station read model (one snapshot), and per hour from the event
 * log (arrivals and findings by the device's hour). Both read under one repeatable-read transaction, so the figures
 * and the head describe the same moment.
 */
import { sql } from 'drizzle-orm';
import { rowsOf, type Db } from '../../../db/client';
import { PHASES } from '../../../shared/schemas/events';
import type { CoverageHour, DistrictCoverage } from '../../../shared/schemas/coverage';

export interface CoverageRows {
  head: number;
  districts: DistrictCoverage[];
  hours: CoverageHour[];
}

/** Constant identifiers from our own list (never input), so sql.raw is safe here. */
const perPhase = sql.raw(
  PHASES.map((p) => `count(*) filter (where s.latest_assessments->'${p}' is not null)::int as observed_${p}`).join(
    ', ',
  ),
);

/** The station status columns coverage counts, as a past moment gives them (times and ids as JSON strings). */
export interface StationStatusFigures {
  stationId: string;
  visitCount: number;
  firstVisitAt: string | null;
  latestAssessments: Record<string, unknown>;
  presentTeamIds: string[];
}

/**
 * Coverage from the read model now, or (`asOf`) at a past moment: the log up to `seq` and the station status rows a
 * replay computed for it (rows never changed may be left out). The same counting either way.
 */
export async function readCoverage(
  db: Db,
  missionId: string,
  asOf?: { seq: number; stations: StationStatusFigures[] },
): Promise<CoverageRows | undefined> {
  const statusRows = asOf
    ? sql`select * from jsonb_to_recordset(${JSON.stringify(
        asOf.stations.map((r) => ({
          station_id: r.stationId,
          visit_count: r.visitCount,
          first_visit_at: r.firstVisitAt,
          latest_assessments: r.latestAssessments,
          present_team_ids: r.presentTeamIds,
        })),
      )}::jsonb) as r(station_id uuid, visit_count int, first_visit_at timestamptz, latest_assessments jsonb, present_team_ids jsonb)`
    : sql`select station_id, visit_count, first_visit_at, latest_assessments, present_team_ids from station_status where mission_id = ${missionId}`;
  const upToSeq = asOf ? sql`and seq <= ${asOf.seq}` : sql``;
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
          from stations st left join (${statusRows}) s on s.station_id = st.id
          where st.mission_id = ${missionId}
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
          where mission_id = ${missionId} and type in ('arrival', 'finding') ${upToSeq}
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
        head: asOf ? asOf.seq : Number(mission.head),
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
