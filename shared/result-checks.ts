/**
 * Results worth a look, station by station, and the "election fingerprint". Pure, so the rules are unit-tested alone
 * and run the same over observers' protocols and over the commission's official results:
 *  - turnout (ballots found over registered voters) above a threshold;
 *  - invalid ballots over ballots found above a threshold;
 *  - protocol arithmetic that does not reconcile (only the checks whose figures the source has);
 *  - the district's leading candidate's share at the station further from their share in the whole district than a
 *    threshold (a station voting unlike its neighbours).
 * The fingerprint counts stations on a grid of turnout × the contest winner's share: a clean count is one compact
 * blob; ballot stuffing smears it towards the top right corner (high turnout, high share).
 */
import { PROTOCOL_CHECKS } from './protocol-checks';
import {
  PROTOCOL_FIGURES,
  type ProtocolFigure,
  type ProtocolFigures,
  type ResultCheckThresholds,
} from './schemas/results';

/** One station's result for one contest, from either source; figures the source lacks are absent. */
export interface StationResult {
  stationId: string;
  stationCode: string;
  stationName: string;
  district: string;
  contestId: string;
  figures: Partial<Record<ProtocolFigure, number>>;
  votes: Readonly<Record<string, number>>;
  /** The station list's registered voters, when the result has none. */
  registeredFallback: number | null;
}

export const RESULT_CHECK_KINDS = ['high_turnout', 'high_invalid', 'arithmetic', 'far_from_district'] as const;
export type ResultCheckKind = (typeof RESULT_CHECK_KINDS)[number];

export interface ResultCheck {
  stationId: string;
  stationCode: string;
  stationName: string;
  district: string;
  contestId: string;
  check: ResultCheckKind;
  /** The share measured (turnout, invalid share, distance from the district in points as a fraction), or, for
   * arithmetic, how many checks fail. */
  value: number;
  /** What it was measured against; for arithmetic, the failing checks' names. */
  detail: string;
}

const sumVotes = (votes: Readonly<Record<string, number>>) => Object.values(votes).reduce((a, b) => a + b, 0);

/**
 * Voters who cast a ballot: found in the boxes, or valid + invalid when the source gives only those (valid alone when
 * an official file publishes no invalid count: a slight undercount beats no fingerprint).
 */
export function castOf(r: StationResult): number | null {
  const { foundInBoxes, valid, invalid } = r.figures;
  if (foundInBoxes !== undefined) return foundInBoxes;
  if (valid !== undefined) return valid + (invalid ?? 0);
  return null;
}

/** Turnout of a station, or null without a registered figure (or cast ballots). */
export function turnoutOf(r: StationResult): number | null {
  const registered = r.figures.registered ?? r.registeredFallback;
  const cast = castOf(r);
  return registered && cast !== null ? cast / registered : null;
}

/** A candidate's share of the votes cast for candidates; null with none. */
export function shareOf(r: StationResult, candidateId: string): number | null {
  const total = sumVotes(r.votes);
  return total > 0 ? (r.votes[candidateId] ?? 0) / total : null;
}

/** The candidate with the most votes over these results (ties: the first in id order); null with no votes. */
export function leaderOf(results: readonly StationResult[]): string | null {
  const totals = new Map<string, number>();
  for (const r of results) for (const [id, n] of Object.entries(r.votes)) totals.set(id, (totals.get(id) ?? 0) + n);
  let best: string | null = null;
  for (const [id, n] of [...totals].sort(([a], [b]) => a.localeCompare(b)))
    if (n > 0 && (best === null || n > totals.get(best)!)) best = id;
  return best;
}

/** The protocol checks a result fails, of those whose figures it has. */
export function failingChecks(r: StationResult): string[] {
  const total = sumVotes(r.votes);
  return PROTOCOL_CHECKS.filter((check) =>
    check.figures.every((f) => f === 'votes' || r.figures[f] !== undefined),
  ).flatMap((check) => {
    // Every figure the check reads is present: the zeros below are never read.
    const figures = Object.fromEntries(PROTOCOL_FIGURES.map((f) => [f, r.figures[f] ?? 0])) as ProtocolFigures;
    return check.fails(figures, total) ? [check.flag] : [];
  });
}

/** Every check each result fails, ordered by station code, contest, then check. */
export function resultChecks(results: readonly StationResult[], thresholds: ResultCheckThresholds): ResultCheck[] {
  const out: ResultCheck[] = [];
  const byArea = new Map<string, StationResult[]>();
  for (const r of results) {
    const key = `${r.contestId}|${r.district}`;
    const list = byArea.get(key);
    if (list) list.push(r);
    else byArea.set(key, [r]);
  }
  const districtShare = new Map<string, { leader: string; share: number } | null>();
  for (const [key, list] of byArea) {
    const leader = leaderOf(list);
    if (leader === null) {
      districtShare.set(key, null);
      continue;
    }
    const all = list.reduce((n, r) => n + sumVotes(r.votes), 0);
    const theirs = list.reduce((n, r) => n + (r.votes[leader] ?? 0), 0);
    districtShare.set(key, { leader, share: theirs / all });
  }
  for (const r of results) {
    const base = {
      stationId: r.stationId,
      stationCode: r.stationCode,
      stationName: r.stationName,
      district: r.district,
      contestId: r.contestId,
    };
    const turnout = turnoutOf(r);
    if (turnout !== null && turnout > thresholds.turnoutAbove)
      out.push({ ...base, check: 'high_turnout', value: turnout, detail: `above ${thresholds.turnoutAbove}` });
    const cast = castOf(r);
    if (cast && r.figures.invalid !== undefined && r.figures.invalid / cast > thresholds.invalidShareAbove)
      out.push({
        ...base,
        check: 'high_invalid',
        value: r.figures.invalid / cast,
        detail: `above ${thresholds.invalidShareAbove}`,
      });
    const failing = failingChecks(r);
    if (failing.length > 0)
      out.push({ ...base, check: 'arithmetic', value: failing.length, detail: failing.join(';') });
    const district = districtShare.get(`${r.contestId}|${r.district}`);
    const share = district ? shareOf(r, district.leader) : null;
    if (district && share !== null && Math.abs(share - district.share) > thresholds.districtShareDeviation)
      out.push({
        ...base,
        check: 'far_from_district',
        value: Math.abs(share - district.share),
        detail: `${district.leader}: ${share.toFixed(3)} here, ${district.share.toFixed(3)} in ${r.district}`,
      });
  }
  const order = (c: ResultCheck) => RESULT_CHECK_KINDS.indexOf(c.check);
  return out.sort(
    (a, b) =>
      a.stationCode.localeCompare(b.stationCode) || a.contestId.localeCompare(b.contestId) || order(a) - order(b),
  );
}

/** Grid cells per axis of the fingerprint: 2 % wide. */
export const FINGERPRINT_BINS = 50;

/**
 * Stations per cell of turnout (x, 0–100 %) × the candidate's share (y, 0–100 %), row-major from the bottom-left
 * (cell index = y * bins + x). Turnout above 100 % falls in the last column; stations without turnout or votes are
 * left out.
 */
export function fingerprint(
  results: readonly StationResult[],
  candidateId: string,
  bins = FINGERPRINT_BINS,
): { cells: number[]; stations: number } {
  const cells = new Array<number>(bins * bins).fill(0);
  const cell = (v: number) => Math.max(0, Math.min(bins - 1, Math.floor(v * bins)));
  let stations = 0;
  for (const r of results) {
    const turnout = turnoutOf(r);
    const share = shareOf(r, candidateId);
    if (turnout === null || share === null) continue;
    const i = cell(share) * bins + cell(turnout);
    cells[i] = (cells[i] ?? 0) + 1;
    stations += 1;
  }
  return { cells, stations };
}
