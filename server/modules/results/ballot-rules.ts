/**
 * What makes a ballot storable. Pure, unit-tested on their own:
 *  - contest ids are unique, and candidate ids unique within their contest;
 *  - every station code a contest names is one of the mission's;
 *  - a contest that already has results protocols keeps its id and every candidate it had (it may gain candidates):
 *    the protocols name them, and phones that hold the older ballot still send them. The same rule as forms.
 */
import type { Ballot } from '../../../shared/schemas/results';

export interface BallotProblem {
  field: string;
  problem: string;
}

export function ballotProblems(
  next: Ballot,
  current: Ballot | null,
  reportedContestIds: ReadonlySet<string>,
  isStationCode: (code: string) => boolean,
): BallotProblem[] {
  const problems: BallotProblem[] = [];
  const contestIds = new Set<string>();
  for (const [i, contest] of next.contests.entries()) {
    if (contestIds.has(contest.id))
      problems.push({ field: `/contests/${i}/id`, problem: `contest "${contest.id}" appears twice` });
    contestIds.add(contest.id);
    const candidateIds = new Set<string>();
    for (const [j, candidate] of contest.candidates.entries()) {
      if (candidateIds.has(candidate.id))
        problems.push({
          field: `/contests/${i}/candidates/${j}/id`,
          problem: `candidate "${candidate.id}" appears twice in contest "${contest.id}"`,
        });
      candidateIds.add(candidate.id);
    }
    if (contest.stations !== 'all') {
      const unknown = contest.stations.filter((code) => !isStationCode(code));
      if (unknown.length > 0)
        problems.push({
          field: `/contests/${i}/stations`,
          problem: `no station with code ${unknown
            .slice(0, 5)
            .map((c) => `"${c}"`)
            .join(', ')}${unknown.length > 5 ? ` and ${unknown.length - 5} more` : ''} in this mission`,
        });
    }
  }
  if (next.sample) {
    const unknown = next.sample.stations.filter((code) => !isStationCode(code));
    if (unknown.length > 0)
      problems.push({
        field: '/sample/stations',
        problem: `no station with code ${unknown
          .slice(0, 5)
          .map((c) => `"${c}"`)
          .join(', ')}${unknown.length > 5 ? ` and ${unknown.length - 5} more` : ''} in this mission`,
      });
  }
  for (const contest of current?.contests ?? []) {
    if (!reportedContestIds.has(contest.id)) continue;
    const kept = next.contests.find((c) => c.id === contest.id);
    if (!kept) {
      problems.push({
        field: '/contests',
        problem: `contest "${contest.id}" has results protocols: it may gain candidates but not be removed`,
      });
      continue;
    }
    for (const candidate of contest.candidates) {
      if (!kept.candidates.some((c) => c.id === candidate.id))
        problems.push({
          field: `/contests/${next.contests.indexOf(kept)}/candidates`,
          problem: `candidate "${candidate.id}" (${candidate.name}) of contest "${contest.id}" has results protocols: it may not be removed`,
        });
    }
  }
  return problems;
}

/** Does the contest cover the station with this code? */
export function contestCovers(contest: Ballot['contests'][number], stationCode: string): boolean {
  return contest.stations === 'all' || contest.stations.includes(stationCode);
}
