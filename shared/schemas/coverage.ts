/**
 * GET /api/coverage: where the mission's teams have been, per district and per phase, and its day hour by hour —
 * computed in SQL from the read models and the event log at the moment of the request (coordinators only).
 */
import { Type, type Static } from 'typebox';
import { IsoTime, Seq } from './common';

const Count = Type.Integer({ minimum: 0 });

/** Stations observed in each phase (with a checklist of that phase): the count behind each percentage. */
export const PhaseCoverage = Type.Object({ opening: Count, voting: Count, closing: Count });
export type PhaseCoverage = Static<typeof PhaseCoverage>;

export const CoverageFigures = Type.Object({
  total: Count,
  /** Stations with at least one visit (an arrival, or a checklist that implies one). */
  visited: Count,
  /** Stations with a team checked in right now. */
  presentNow: Count,
  /** total − visited. */
  neverVisited: Count,
  observedByPhase: PhaseCoverage,
});
export type CoverageFigures = Static<typeof CoverageFigures>;

export const DistrictCoverage = Type.Object({
  district: Type.String(),
  /** The region above the district, when the station list has one (null otherwise). */
  region: Type.Union([Type.String(), Type.Null()]),
  ...CoverageFigures.properties,
});
export type DistrictCoverage = Static<typeof DistrictCoverage>;

/** A region's own totals (the sum of its districts) and its districts' names, in the order `districts` lists them. */
export const RegionCoverage = Type.Object({
  region: Type.String(),
  districts: Type.Array(Type.String()),
  ...CoverageFigures.properties,
});
export type RegionCoverage = Static<typeof RegionCoverage>;

export const CoverageHour = Type.Object({
  /** Start of the hour (an instant; shown in the mission's time zone). */
  hour: IsoTime,
  checkIns: Count,
  findings: Count,
});
export type CoverageHour = Static<typeof CoverageHour>;

export const CoverageReply = Type.Object({
  head: Seq,
  computedAt: IsoTime,
  overall: CoverageFigures,
  /** By region (districts without one last), then by district name. */
  districts: Type.Array(DistrictCoverage),
  /** By region name; empty when no station has a region, so a list without that level looks as it always did. */
  regions: Type.Array(RegionCoverage),
  /** Check-ins (arrivals) and findings per hour of device time, from the first hour with any to the last; no gaps. */
  timeline: Type.Array(CoverageHour),
});
export type CoverageReply = Static<typeof CoverageReply>;
