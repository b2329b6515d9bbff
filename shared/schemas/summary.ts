/**
 * GET /api/summary: the mission's headline figures, computed in SQL from the read models at the moment of the request,
 * so what a wall shows is what the database holds. Safe for every role: counts only, no names, text or positions.
 */
import { Type, type Static } from 'typebox';
import { IsoTime, Seq } from './common';

const Count = Type.Integer({ minimum: 0 });

export const CountsBySeverity = Type.Object({ info: Count, minor: Count, serious: Count, critical: Count });
export type CountsBySeverity = Static<typeof CountsBySeverity>;

/** One phase's overall assessments: the latest assessment per station, and how many of them were bad or very bad. */
export const PhaseAssessments = Type.Object({
  /** Stations with an assessment for this phase: the count behind the share. */
  observed: Count,
  bad: Count,
  veryBad: Count,
  /** (bad + veryBad) / observed, from 0 to 1; null when no station was observed in this phase. */
  negativeShare: Type.Union([Type.Number({ minimum: 0, maximum: 1 }), Type.Null()]),
});
export type PhaseAssessments = Static<typeof PhaseAssessments>;

export const Summary = Type.Object({
  /** The mission's head sequence when the figures were read: a newer summary has a higher or equal head. */
  head: Seq,
  computedAt: IsoTime,
  stations: Type.Object({
    total: Count,
    /** Stations with a team checked in right now. */
    coveredNow: Count,
    /** Stations visited at least once since the observation day began (`dayStartedAt`). */
    coveredToday: Count,
    /** Midnight at the start of the observation day (the election date, or the day a drill started), mission time zone. */
    dayStartedAt: IsoTime,
  }),
  teams: Type.Object({
    total: Count,
    /** Teams with a sign of life within `activeWithinMinutes`. */
    active: Count,
    activeWithinMinutes: Count,
    helpOpen: Count,
  }),
  findings: Type.Object({
    /** Findings not yet resolved, by severity. */
    open: CountsBySeverity,
    /** Every finding reported, by severity. */
    reported: CountsBySeverity,
  }),
  assessments: Type.Object({ opening: PhaseAssessments, voting: PhaseAssessments, closing: PhaseAssessments }),
});
export type Summary = Static<typeof Summary>;
