/** Exports of the record: files streamed as CSV or GeoJSON, and the printable mission summary. */
import { Type, type Static } from 'typebox';
import { IsoTime, oneOf } from './common';
import { ChainHead } from './operations';
import { ContestQuickCount, SampleOrigin, TurnoutPoint } from './results';

export const EXPORT_FILES = [
  'events.csv',
  'visits.csv',
  'checklists.csv',
  'findings.csv',
  'findings.geojson',
  'stations.csv',
  'stations.geojson',
  'districts.csv',
  'turnout.csv',
  'protocols.csv',
  'quick-count.csv',
  'official-comparison.csv',
  'result-checks.csv',
] as const;
export type ExportFile = (typeof EXPORT_FILES)[number];
export const ExportParams = Type.Object({ file: oneOf(EXPORT_FILES) }, { additionalProperties: false });
export type ExportParams = Static<typeof ExportParams>;

const Count = Type.Integer({ minimum: 0 });

/** GET /api/exports/summary: what the printable summary page shows, each figure counted in SQL over the record. */
export const MissionReport = Type.Object({
  mission: Type.Object({
    id: Type.String(),
    name: Type.String(),
    electionDate: Type.String(),
    timeZone: Type.String(),
  }),
  drill: Type.Boolean(),
  head: ChainHead,
  generatedAt: IsoTime,
  /** Device times of the first and last event in the log (null for an empty log). */
  span: Type.Object({
    first: Type.Union([IsoTime, Type.Null()]),
    last: Type.Union([IsoTime, Type.Null()]),
    events: Count,
  }),
  coverage: Type.Object({
    stations: Count,
    visited: Count,
    planned: Count,
    plannedVisited: Count,
    teams: Count,
    teamsSeen: Count,
  }),
  /** Every checklist filed, per phase and assessment (not only the latest per station). */
  assessments: Type.Array(Type.Object({ phase: Type.String(), assessment: Type.String(), count: Count })),
  findings: Type.Array(Type.Object({ category: Type.String(), severity: Type.String(), count: Count, open: Count })),
  conflicts: Type.Object({ open: Count, resolved: Count }),
  /**
   * Turnout by hour over the observed stations (as GET /api/turnout has it for the city) and the quick count (as
   * GET /api/quick-count has it; null without a sample); null when the mission has no ballot.
   */
  results: Type.Union([
    Type.Object({
      turnout: Type.Array(TurnoutPoint),
      quickCount: Type.Union([
        Type.Object({
          stratified: Type.Boolean(),
          /** How the sample was made: the record of the draw (seed and method) or of the import. */
          origin: Type.Optional(SampleOrigin),
          contests: Type.Array(ContestQuickCount),
        }),
        Type.Null(),
      ]),
    }),
    Type.Null(),
  ]),
});
export type MissionReport = Static<typeof MissionReport>;
