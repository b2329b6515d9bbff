/**
 * A wall's district view counts that district only: its stations' states for the legend, and the station figures
 * (covered now and today, open findings, assessments per phase) from the stations' read model, the same rules as the
 * server's summary (server/modules/summary/summary.repository.ts) applied to one district.
 */
import { PHASES, type Phase } from '../../../../shared/schemas/events';
import type { Station } from '../../../../shared/schemas/stations';
import { STATION_STATES, type StationState } from '../../../../shared/station-state';

export interface DistrictFigures {
  district: string;
  total: number;
  coveredNow: number;
  coveredToday: number;
  openFindings: number;
  stationsWithOpenFindings: number;
  counts: Record<StationState, number>;
  assessments: Record<Phase, { observed: number; bad: number; veryBad: number; negativeShare: number | null }>;
}

export function districtFigures(entries: Iterable<{ station: Station; state: StationState }>, district: string, dayStartedAt: string | null): DistrictFigures {
  const dayStart = dayStartedAt === null ? -Infinity : Date.parse(dayStartedAt);
  const counts = Object.fromEntries(STATION_STATES.map((s) => [s, 0])) as Record<StationState, number>;
  const assessments = Object.fromEntries(PHASES.map((p) => [p, { observed: 0, bad: 0, veryBad: 0, negativeShare: null as number | null }])) as DistrictFigures['assessments'];
  const figures: DistrictFigures = { district, total: 0, coveredNow: 0, coveredToday: 0, openFindings: 0, stationsWithOpenFindings: 0, counts, assessments };
  for (const { station, state } of entries) {
    if (station.district !== district) continue;
    const status = station.status;
    figures.total += 1;
    counts[state] += 1;
    if (status.presentTeamIds.length > 0) figures.coveredNow += 1;
    const assessedToday = PHASES.some((p) => {
      const at = status.latestAssessments[p]?.at;
      return at !== undefined && Date.parse(at) >= dayStart;
    });
    if ((status.lastVisitAt !== null && Date.parse(status.lastVisitAt) >= dayStart) || assessedToday) figures.coveredToday += 1;
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
  return figures;
}
