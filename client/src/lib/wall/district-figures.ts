/**
 * A wall's district view counts that district only (a region's view, that region's stations, with a line per district): its stations' states for the legend, and the station figures
 * (covered now and today, open findings, assessments per phase) from the stations' read model, the same rules as the
 * server's summary (server/modules/summary/summary.repository.ts) applied to one district.
 */
import { PHASES, type Phase } from '../../../../shared/schemas/events';
import type { Station } from '../../../../shared/schemas/stations';
import { STATION_STATES, type StationState } from '../../../../shared/station-state';

/** What a wall view counts: one district, or one region with its districts. */
export interface WallArea {
  kind: 'district' | 'region';
  name: string;
}

/** One district's station figures in a region's view. */
export interface DistrictLine {
  district: string;
  total: number;
  coveredNow: number;
  coveredToday: number;
}

export interface DistrictFigures {
  area: WallArea;
  total: number;
  coveredNow: number;
  coveredToday: number;
  openFindings: number;
  stationsWithOpenFindings: number;
  counts: Record<StationState, number>;
  assessments: Record<Phase, { observed: number; bad: number; veryBad: number; negativeShare: number | null }>;
  /** In a region's view its districts in name order; empty in a district's view. */
  districts: DistrictLine[];
}

export function districtFigures(
  entries: Iterable<{ station: Station; state: StationState }>,
  area: WallArea,
  dayStartedAt: string | null,
): DistrictFigures {
  const dayStart = dayStartedAt === null ? -Infinity : Date.parse(dayStartedAt);
  const counts = Object.fromEntries(STATION_STATES.map((s) => [s, 0])) as Record<StationState, number>;
  const assessments = Object.fromEntries(
    PHASES.map((p) => [p, { observed: 0, bad: 0, veryBad: 0, negativeShare: null as number | null }]),
  ) as DistrictFigures['assessments'];
  const figures: DistrictFigures = {
    area,
    total: 0,
    coveredNow: 0,
    coveredToday: 0,
    openFindings: 0,
    stationsWithOpenFindings: 0,
    counts,
    assessments,
    districts: [],
  };
  const lines = new Map<string, DistrictLine>();
  for (const { station, state } of entries) {
    if ((area.kind === 'district' ? station.district : station.region) !== area.name) continue;
    const status = station.status;
    let line = lines.get(station.district);
    if (line === undefined)
      lines.set(station.district, (line = { district: station.district, total: 0, coveredNow: 0, coveredToday: 0 }));
    figures.total += 1;
    line.total += 1;
    counts[state] += 1;
    if (status.presentTeamIds.length > 0) {
      figures.coveredNow += 1;
      line.coveredNow += 1;
    }
    const assessedToday = PHASES.some((p) => {
      const at = status.latestAssessments[p]?.at;
      return at !== undefined && Date.parse(at) >= dayStart;
    });
    if ((status.lastVisitAt !== null && Date.parse(status.lastVisitAt) >= dayStart) || assessedToday) {
      figures.coveredToday += 1;
      line.coveredToday += 1;
    }
    figures.openFindings += status.openFindings;
    if (status.openFindings > 0) figures.stationsWithOpenFindings += 1;
    for (const phase of PHASES) {
      const latest = status.latestAssessments[phase];
      if (latest === undefined) continue;
      assessments[phase].observed += 1;
      if (latest.assessment === 'bad') assessments[phase].bad += 1;
      if (latest.assessment === 'very_bad') assessments[phase].veryBad += 1;
    }
  }
  for (const phase of PHASES) {
    const a = assessments[phase];
    a.negativeShare = a.observed === 0 ? null : (a.bad + a.veryBad) / a.observed;
  }
  if (area.kind === 'region')
    figures.districts = [...lines.values()].sort((a, b) => a.district.localeCompare(b.district));
  return figures;
}
