/**
 * The quick count (parallel vote tabulation): turnout and each candidate's share of the valid votes, estimated from the
 * protocols of a random sample of stations, with 95 % margins of error.
 *
 * Stations are the sampled clusters, so a share is a ratio of two totals (votes for the candidate / valid votes) and is
 * estimated with the combined ratio estimator over strata (districts, when the sample was drawn per district):
 *
 *   R̂ = Σ_h N_h ȳ_h / Σ_h N_h x̄_h
 *
 * where stratum h has N_h stations of which n_h reported, and ȳ_h, x̄_h are the sample means of the numerator and the
 * denominator per station. Its variance by linearisation (Cochran, Sampling Techniques, 3rd ed., §6.11; Lohr, Sampling:
 * Design and Analysis, §4.1 and §4.6):
 *
 *   v(R̂) = (1 / X̂²) Σ_h N_h² (1 − n_h/N_h) s²_{d,h} / n_h,   d_hi = y_hi − R̂ x_hi,   X̂ = Σ_h N_h x̄_h
 *
 * and the margin of error is 1.96 √v. A simple random sample is the one-stratum case. Pure: shared by the server (which
 * computes it live) and the tests.
 */

/** One reporting sample station: its stratum and the figures of its protocol. */
export interface SampleProtocol {
  stratum: string;
  /** Registered voters on the station's list. */
  registered: number;
  /** Ballots found in the boxes: those who voted. */
  voted: number;
  /** Valid ballots: the denominator of every candidate's share. */
  valid: number;
  /** Valid votes per candidate id. */
  votes: Readonly<Record<string, number>>;
}

export interface Estimate {
  /** Between 0 and 1. */
  value: number;
  /** Half-width of the 95 % interval, in the same unit; null when it cannot be estimated (a stratum with one report). */
  marginOfError: number | null;
}

export interface QuickCount {
  /** Sample stations that reported, and how many the sample holds. */
  reported: number;
  sampleSize: number;
  turnout: Estimate;
  shares: { candidateId: string; estimate: Estimate }[];
}

/** z for a two-sided 95 % interval. */
export const Z_95 = 1.959964;

interface Pair {
  y: number;
  x: number;
}

/**
 * The combined ratio estimate Σ y / Σ x over strata and its margin of error. `stationsInStratum` gives N_h for every
 * stratum of the sample frame; strata with no report yet are left out of both totals (the estimate is then of the
 * strata that have reported).
 */
export function ratioEstimate(
  pairsByStratum: ReadonlyMap<string, readonly Pair[]>,
  stationsInStratum: ReadonlyMap<string, number>,
): Estimate {
  let totalY = 0;
  let totalX = 0;
  for (const [stratum, pairs] of pairsByStratum) {
    if (pairs.length === 0) continue;
    const N = stationsInStratum.get(stratum) ?? pairs.length;
    totalY += (N * pairs.reduce((sum, p) => sum + p.y, 0)) / pairs.length;
    totalX += (N * pairs.reduce((sum, p) => sum + p.x, 0)) / pairs.length;
  }
  if (totalX === 0) return { value: 0, marginOfError: null };
  const ratio = totalY / totalX;
  let variance = 0;
  for (const [stratum, pairs] of pairsByStratum) {
    const n = pairs.length;
    if (n === 0) continue;
    const N = stationsInStratum.get(stratum) ?? n;
    if (n >= N) continue; // the whole stratum reported: no sampling error there
    if (n < 2) return { value: ratio, marginOfError: null };
    const residuals = pairs.map((p) => p.y - ratio * p.x);
    const mean = residuals.reduce((sum, d) => sum + d, 0) / n;
    const s2 = residuals.reduce((sum, d) => sum + (d - mean) ** 2, 0) / (n - 1);
    variance += (N * N * (1 - n / N) * s2) / n;
  }
  return { value: ratio, marginOfError: (Z_95 * Math.sqrt(variance)) / totalX };
}

/**
 * Turnout (voted / registered) and each candidate's share of the valid votes, from the sample's reported protocols.
 * `stationsInStratum`: how many stations of the mission each stratum holds (N_h); `sampleSize`: stations drawn.
 */
export function estimateQuickCount(
  protocols: readonly SampleProtocol[],
  candidateIds: readonly string[],
  stationsInStratum: ReadonlyMap<string, number>,
  sampleSize: number,
): QuickCount {
  const byStratum = <T>(pick: (p: SampleProtocol) => T): Map<string, T[]> => {
    const grouped = new Map<string, T[]>();
    for (const p of protocols) {
      const list = grouped.get(p.stratum) ?? [];
      list.push(pick(p));
      grouped.set(p.stratum, list);
    }
    return grouped;
  };
  return {
    reported: protocols.length,
    sampleSize,
    turnout: ratioEstimate(
      byStratum((p) => ({ y: p.voted, x: p.registered })),
      stationsInStratum,
    ),
    shares: candidateIds.map((candidateId) => ({
      candidateId,
      estimate: ratioEstimate(
        byStratum((p) => ({ y: p.votes[candidateId] ?? 0, x: p.valid })),
        stationsInStratum,
      ),
    })),
  };
}
