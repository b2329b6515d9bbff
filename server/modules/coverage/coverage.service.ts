/** Coverage per district and phase, and the day hour by hour, for the coordinators' coverage panel. */
import type { Db } from '../../../db/client';
import type {
  CoverageFigures,
  CoverageHour,
  CoverageReply,
  DistrictCoverage,
  RegionCoverage,
} from '../../../shared/schemas/coverage';
import { readCoverage, type StationStatusFigures } from './coverage.repository';

export type { StationStatusFigures };

const HOUR_MS = 3_600_000;
/** The timeline shows at most this many hours, the newest (an election day and its night count fit). */
export const MAX_TIMELINE_HOURS = 48;

/** Sums districts into the city's figures. */
export function sumCoverage(parts: readonly CoverageFigures[]): CoverageFigures {
  const sum: CoverageFigures = {
    total: 0,
    visited: 0,
    presentNow: 0,
    neverVisited: 0,
    observedByPhase: { opening: 0, voting: 0, closing: 0 },
  };
  for (const part of parts) {
    sum.total += part.total;
    sum.visited += part.visited;
    sum.presentNow += part.presentNow;
    sum.neverVisited += part.neverVisited;
    sum.observedByPhase.opening += part.observedByPhase.opening;
    sum.observedByPhase.voting += part.observedByPhase.voting;
    sum.observedByPhase.closing += part.observedByPhase.closing;
  }
  return sum;
}

/** Groups districts under their regions, each with the sum of its districts; districts without a region stay out. */
export function regionsOf(districts: readonly DistrictCoverage[]): RegionCoverage[] {
  const byRegion = new Map<string, DistrictCoverage[]>();
  for (const d of districts) {
    if (d.region === null) continue;
    const list = byRegion.get(d.region);
    if (list === undefined) byRegion.set(d.region, [d]);
    else list.push(d);
  }
  return [...byRegion.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([region, parts]) => ({ region, districts: parts.map((d) => d.district), ...sumCoverage(parts) }));
}

/** Every hour from the first with news to the last (at most MAX_TIMELINE_HOURS), quiet hours as zeros. */
export function fillHours(hours: readonly CoverageHour[]): CoverageHour[] {
  const last = hours.at(-1);
  if (last === undefined) return [];
  const end = Date.parse(last.hour);
  const start = Math.max(Date.parse(hours[0]!.hour), end - (MAX_TIMELINE_HOURS - 1) * HOUR_MS);
  const byHour = new Map(hours.map((h) => [Date.parse(h.hour), h]));
  const filled: CoverageHour[] = [];
  for (let at = start; at <= end; at += HOUR_MS) {
    filled.push(byHour.get(at) ?? { hour: new Date(at).toISOString(), checkIns: 0, findings: 0 });
  }
  return filled;
}

export function createCoverageService(db: Db, clock: () => Date = () => new Date()) {
  /** Now, or (`asOf`) at a past moment the replay of the day computed: the same figures, counted the same way. */
  async function coverage(
    missionId: string,
    asOf?: { seq: number; stations: StationStatusFigures[] },
  ): Promise<CoverageReply> {
    const rows = await readCoverage(db, missionId, asOf);
    if (!rows) throw new Error(`mission ${missionId} vanished`);
    return {
      head: rows.head,
      computedAt: clock().toISOString(),
      overall: sumCoverage(rows.districts),
      districts: rows.districts,
      regions: regionsOf(rows.districts),
      timeline: fillHours(rows.hours),
    };
  }
  return { coverage };
}

export type CoverageService = ReturnType<typeof createCoverageService>;
