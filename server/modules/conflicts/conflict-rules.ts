/**
 * When do two teams' reports about one station and phase contradict each other? Pure rules, unit-tested on their own.
 *
 * Each team counts with its latest checklist for the station and phase (by device time: a phone that was offline may
 * deliver late, and a team may correct itself). Two teams contradict each other when
 *  - their overall assessments differ (any two of very good, good, bad, very bad), or
 *  - they answered the same yes/no question with yes and no.
 * Answers a team left empty (null) contradict nothing; other question types (numbers, choices, text) are not compared:
 * figures differ legitimately with the time of the visit.
 */
import type { Assessment, Phase } from '../../../shared/schemas/events';
import type { ConflictKind, ConflictReport } from '../../../shared/schemas/conflicts';
import { PROTOCOL_FIGURES } from '../../../shared/schemas/results';

export interface ChecklistReport {
  eventId: string;
  teamId: string;
  phase: Phase;
  assessment: Assessment;
  answers: Record<string, unknown>;
  /** Device time, ISO. */
  at: string;
}

export interface FoundConflict {
  kind: ConflictKind;
  /** '' for the overall assessment. */
  questionId: string;
  /** Every team's latest report on the subject, teams in a stable order. */
  reports: ConflictReport[];
}

/** Each team's latest checklist among `reports` (all of one station and phase). */
export function latestPerTeam(reports: readonly ChecklistReport[]): ChecklistReport[] {
  const latest = new Map<string, ChecklistReport>();
  for (const report of reports) {
    const held = latest.get(report.teamId);
    if (
      !held ||
      Date.parse(held.at) < Date.parse(report.at) ||
      (held.at === report.at && held.eventId < report.eventId)
    ) {
      latest.set(report.teamId, report);
    }
  }
  return [...latest.values()].sort((a, b) => (a.teamId < b.teamId ? -1 : 1));
}

/** The contradictions among the checklists of one station and phase; empty when the teams agree or only one reported. */
export function findConflicts(reports: readonly ChecklistReport[]): FoundConflict[] {
  const latest = latestPerTeam(reports);
  if (latest.length < 2) return [];
  const found: FoundConflict[] = [];
  if (new Set(latest.map((r) => r.assessment)).size > 1) {
    found.push({
      kind: 'assessment',
      questionId: '',
      reports: latest.map((r) => ({ teamId: r.teamId, eventId: r.eventId, value: r.assessment, at: r.at })),
    });
  }
  const questionIds = [...new Set(latest.flatMap((r) => Object.keys(r.answers)))].sort();
  for (const questionId of questionIds) {
    const answered = latest.filter((r) => typeof r.answers[questionId] === 'boolean');
    if (new Set(answered.map((r) => r.answers[questionId])).size > 1) {
      found.push({
        kind: 'answer',
        questionId,
        reports: answered.map((r) => ({
          teamId: r.teamId,
          eventId: r.eventId,
          value: r.answers[questionId] as boolean,
          at: r.at,
        })),
      });
    }
  }
  return found;
}

/** One team's results protocol for a station and contest, as the conflicts read model compares them. */
export interface ProtocolReport {
  eventId: string;
  teamId: string;
  contestId: string;
  figures: Record<string, number>;
  votes: Record<string, number>;
  /** Device time, ISO. */
  at: string;
}

/** The protocol in a line a coordinator can compare: its figures, then the votes per candidate. */
export function protocolSummary(report: Pick<ProtocolReport, 'figures' | 'votes'>): string {
  const figures = PROTOCOL_FIGURES.map((k) => `${k} ${report.figures[k]}`);
  const votes = Object.keys(report.votes)
    .sort()
    .map((k) => `${k} ${report.votes[k]}`);
  return [...figures, ...votes].join(', ');
}

/**
 * Two teams contradict each other on a station's contest when their latest protocols (by device time: a later one of
 * the same team supersedes its earlier) differ in any figure or vote. Null when they agree or only one team reported.
 */
export function findProtocolConflict(reports: readonly ProtocolReport[]): FoundConflict | null {
  const latest = new Map<string, ProtocolReport>();
  for (const report of reports) {
    const held = latest.get(report.teamId);
    if (
      !held ||
      Date.parse(held.at) < Date.parse(report.at) ||
      (held.at === report.at && held.eventId < report.eventId)
    )
      latest.set(report.teamId, report);
  }
  const teams = [...latest.values()].sort((a, b) => (a.teamId < b.teamId ? -1 : 1));
  if (teams.length < 2) return null;
  const summaries = teams.map((r) => protocolSummary(r));
  if (new Set(summaries).size < 2) return null;
  return {
    kind: 'protocol',
    questionId: `protocol:${teams[0]!.contestId}`,
    reports: teams.map((r, i) => ({ teamId: r.teamId, eventId: r.eventId, value: summaries[i]!, at: r.at })),
  };
}
