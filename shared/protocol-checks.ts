/**
 * The arithmetic of a results protocol, as on the counting checklist: the phone shows each failing check beside the
 * figures while they are typed, and the server stores the same flags with the protocol. A check that fails does not
 * stop the report: a protocol that does not add up may be exactly what the commission posted.
 */
import type { ProtocolFigures, ProtocolVotes, ReportFlag } from './schemas/results';

export interface ProtocolCheck {
  flag: ReportFlag;
  /** The figures the check reads, for the phone to mark. */
  figures: readonly (keyof ProtocolFigures | 'votes')[];
  /** In plain words, English; the client translates by `flag`. */
  message: string;
}

export const PROTOCOL_CHECKS: readonly (ProtocolCheck & {
  fails: (f: ProtocolFigures, votesTotal: number) => boolean;
})[] = [
  {
    flag: 'valid_invalid_found',
    figures: ['valid', 'invalid', 'foundInBoxes'],
    message: 'valid + invalid ballots should equal the ballots found in the boxes',
    fails: (f) => f.valid + f.invalid !== f.foundInBoxes,
  },
  {
    flag: 'votes_valid',
    figures: ['votes', 'valid'],
    message: 'the votes for all candidates should add up to the valid ballots',
    fails: (f, votes) => votes !== f.valid,
  },
  {
    flag: 'found_issued',
    figures: ['foundInBoxes', 'issued'],
    message: 'more ballots were found in the boxes than were issued',
    fails: (f) => f.foundInBoxes > f.issued,
  },
  {
    flag: 'received_accounted',
    figures: ['ballotsReceived', 'issued', 'spoilt', 'unused'],
    message: 'ballots received should equal those issued + spoilt + unused',
    fails: (f) => f.ballotsReceived !== f.issued + f.spoilt + f.unused,
  },
  {
    flag: 'issued_registered',
    figures: ['issued', 'registered'],
    message: 'more ballots were issued than voters are registered',
    fails: (f) => f.issued > f.registered,
  },
];

/** The checks a protocol fails, and `candidate_missing` when it leaves out a candidate of its contest. */
export function protocolFlags(
  figures: ProtocolFigures,
  votes: ProtocolVotes,
  candidateIds: readonly string[],
): ReportFlag[] {
  const total = Object.values(votes).reduce((sum, n) => sum + n, 0);
  const flags = PROTOCOL_CHECKS.filter((c) => c.fails(figures, total)).map((c) => c.flag);
  if (candidateIds.some((id) => votes[id] === undefined)) flags.push('candidate_missing');
  return flags;
}
