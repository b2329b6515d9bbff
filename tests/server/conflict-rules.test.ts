/** The rules that decide when two teams' reports about one station and phase contradict each other. */
import { describe, expect, it } from 'vitest';
import { findConflicts, latestPerTeam, type ChecklistReport } from '../../server/modules/conflicts/conflict-rules';

const A = '00000000-0000-4000-8000-00000000000a';
const B = '00000000-0000-4000-8000-00000000000b';
const C = '00000000-0000-4000-8000-00000000000c';
let n = 0;
function report(
  teamId: string,
  assessment: ChecklistReport['assessment'],
  answers: Record<string, unknown> = {},
  minute = 0,
): ChecklistReport {
  n += 1;
  return {
    eventId: `00000000-0000-4000-9000-${String(n).padStart(12, '0')}`,
    teamId,
    phase: 'voting',
    assessment,
    answers,
    at: new Date(Date.UTC(2025, 10, 30, 8, minute)).toISOString(),
  };
}

describe('conflict rules', () => {
  it('one team alone never conflicts, even with itself over time', () => {
    expect(
      findConflicts([report(A, 'good', { secrecy: true }, 0), report(A, 'very_bad', { secrecy: false }, 5)]),
    ).toEqual([]);
  });

  it('teams agreeing raise nothing', () => {
    expect(
      findConflicts([
        report(A, 'good', { secrecy: true, queue_minutes: 5 }),
        report(B, 'good', { secrecy: true, queue_minutes: 40 }),
      ]),
    ).toEqual([]);
  });

  it('different overall assessments conflict', () => {
    const found = findConflicts([report(A, 'good'), report(B, 'bad')]);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ kind: 'assessment', questionId: '' });
    expect(found[0]!.reports.map((r) => [r.teamId, r.value])).toEqual([
      [A, 'good'],
      [B, 'bad'],
    ]);
  });

  it('yes against no on the same yes/no question conflicts; numbers, choices, text and empty answers do not', () => {
    const found = findConflicts([
      report(A, 'good', {
        secrecy: true,
        id_checked: true,
        queue_minutes: 3,
        issues: ['overcrowding'],
        note: 'x',
        seals: null,
      }),
      report(B, 'good', { secrecy: false, id_checked: true, queue_minutes: 30, issues: [], note: 'y', seals: true }),
    ]);
    expect(found.map((f) => [f.kind, f.questionId])).toEqual([['answer', 'secrecy']]);
  });

  it("only each team's latest checklist (by device time) counts: a team that corrects itself clears the conflict", () => {
    const early = report(A, 'bad', {}, 0);
    const corrected = report(A, 'good', {}, 10);
    expect(findConflicts([corrected, report(B, 'good', {}, 5), early])).toEqual([]);
    expect(latestPerTeam([corrected, early]).map((r) => r.eventId)).toEqual([corrected.eventId]);
  });

  it("a third team joins the existing conflict's reports", () => {
    const found = findConflicts([report(A, 'good'), report(B, 'bad'), report(C, 'good')]);
    expect(found[0]!.reports.map((r) => r.teamId)).toEqual([A, B, C]);
  });
});
