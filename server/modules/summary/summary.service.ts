/** The mission's headline figures for dashboards and wall displays: counts only, safe for every role. */
import type { Db } from '../../../db/client';
import { ACTIVE_TEAM_WITHIN_MS } from '../../../shared/constants';
import { PHASES, type Phase } from '../../../shared/schemas/events';
import type { PhaseAssessments, Summary } from '../../../shared/schemas/summary';
import { readSummary } from './summary.repository';

export function createSummaryService(db: Db, clock: () => Date = () => new Date()) {
  async function summary(missionId: string): Promise<Summary> {
    const now = clock();
    const row = await readSummary(db, missionId, new Date(now.getTime() - ACTIVE_TEAM_WITHIN_MS));
    if (!row) throw new Error(`mission ${missionId} vanished`);
    const assessments = Object.fromEntries(
      PHASES.map((phase): [Phase, PhaseAssessments] => {
        const { observed, bad, veryBad } = row.assessments[phase];
        return [phase, { observed, bad, veryBad, negativeShare: observed === 0 ? null : (bad + veryBad) / observed }];
      }),
    ) as Summary['assessments'];
    return {
      head: row.head,
      computedAt: now.toISOString(),
      stations: { ...row.stations, dayStartedAt: row.dayStartedAt.toISOString() },
      teams: { ...row.teams, activeWithinMinutes: Math.round(ACTIVE_TEAM_WITHIN_MS / 60_000) },
      findings: { open: row.open, reported: row.reported },
      assessments,
    };
  }
  return { summary };
}

export type SummaryService = ReturnType<typeof createSummaryService>;
