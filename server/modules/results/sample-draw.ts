/**
 * The quick count's sample, drawn by Vigil from a seed so that anyone can draw it again and get the same stations.
 *
 * The method (`sha256-order-v1`) is sampling by a keyed hash, as in Rivest's consistent sampling for election audits:
 * every station's key is the SHA-256 of the seed, a line feed and its code (UTF-8), written as 64 lowercase hex
 * digits; stations are put in order of their keys, and the sample is the first `size` of them (simple random), or the
 * first n_h of each district (stratified). SHA-256 makes that order a random permutation that the seed fixes, and
 * that no-one can steer without trying seeds, which is why the seed is fixed (and published) before results are known.
 * The order does not depend on how the station list is sorted, so `printf '%s\n%s' SEED CODE | sha256sum` in a shell
 * or a spreadsheet's SHA-256 is all a reviewer needs.
 *
 * Stratified allocation is proportional to the districts' station counts (largest remainders), then every district
 * with none gets one where the size allows it, taken from the district furthest above its exact share.
 */
import { createHash, randomInt } from 'node:crypto';
import type { SampleMethod } from '../../../shared/schemas/results';

export interface FrameStation {
  code: string;
  district: string;
}

export interface DistrictAllocation {
  district: string;
  /** Stations of the district in the frame (N_h), and how many the sample takes (n_h). */
  stations: number;
  drawn: number;
}

export interface DrawnSample {
  /** The drawn codes, in the order drawn (by key). */
  stations: string[];
  /** Per district, by name; for a simple random draw it shows how the sample happened to fall. */
  allocation: DistrictAllocation[];
}

/** The station's key under a seed: SHA-256 of `seed + "\n" + code`, as hex. */
export function sampleKey(seed: string, code: string): string {
  return createHash('sha256').update(`${seed}\n${code}`, 'utf8').digest('hex');
}

/** Twelve random decimal digits: short enough to read out and write down, too many to try them all. */
export function pickSeed(): string {
  return String(randomInt(0, 1_000_000)).padStart(6, '0') + String(randomInt(0, 1_000_000)).padStart(6, '0');
}

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * n_h for each district: proportional (largest remainders, ties to the district first by name), then at least one
 * each where `size` allows it. Districts are given as name → station count; the sum of the result is `size`.
 */
export function allocate(size: number, counts: ReadonlyMap<string, number>): Map<string, number> {
  const names = [...counts.keys()].sort(byName);
  const total = names.reduce((n, d) => n + counts.get(d)!, 0);
  const quota = new Map(names.map((d) => [d, (size * counts.get(d)!) / total]));
  const drawn = new Map(names.map((d) => [d, Math.floor(quota.get(d)!)]));
  let left = size - [...drawn.values()].reduce((a, b) => a + b, 0);
  const byRemainder = [...names].sort(
    (a, b) => quota.get(b)! - drawn.get(b)! - (quota.get(a)! - drawn.get(a)!) || byName(a, b),
  );
  for (const d of byRemainder) {
    if (left === 0) break;
    drawn.set(d, drawn.get(d)! + 1);
    left -= 1;
  }
  if (size >= names.length) {
    for (const empty of names.filter((d) => drawn.get(d) === 0)) {
      // The donor keeps at least one, and is the one whose allocation most exceeds its exact share.
      const donor = names
        .filter((d) => drawn.get(d)! > 1)
        .sort((a, b) => drawn.get(b)! - quota.get(b)! - (drawn.get(a)! - quota.get(a)!) || byName(a, b))[0];
      if (!donor) break;
      drawn.set(donor, drawn.get(donor)! - 1);
      drawn.set(empty, 1);
    }
  }
  return drawn;
}

/** Stations hashed between two turns of the event loop: a national list takes about half a second to hash. */
const HASH_CHUNK = 5_000;
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Draws `size` stations of `frame` (1 ≤ size ≤ frame.length, codes unique), simple random or stratified by district.
 * Async only to let other requests through while a long list is hashed.
 */
export async function drawSample(
  frame: readonly FrameStation[],
  size: number,
  seed: string,
  method: SampleMethod,
): Promise<DrawnSample> {
  if (!Number.isInteger(size) || size < 1 || size > frame.length)
    throw new RangeError(`a sample of ${size} cannot be drawn from ${frame.length} stations`);
  const districtOf = new Map<string, string>();
  const counts = new Map<string, number>();
  // Key and code in one string sorted natively: keys are 64 hex digits, so the code only breaks (impossible) ties.
  const keyed: string[] = [];
  for (const [i, s] of frame.entries()) {
    districtOf.set(s.code, s.district);
    counts.set(s.district, (counts.get(s.district) ?? 0) + 1);
    keyed.push(`${sampleKey(seed, s.code)}\u0000${s.code}`);
    if (i % HASH_CHUNK === HASH_CHUNK - 1) await nextTurn();
  }
  keyed.sort();
  const ordered = keyed.map((k) => k.slice(65));
  let stations: string[];
  if (method === 'simple_random') stations = ordered.slice(0, size);
  else {
    const quota = allocate(size, counts);
    const taken = new Map<string, number>();
    stations = ordered.filter((code) => {
      const district = districtOf.get(code)!;
      const n = taken.get(district) ?? 0;
      if (n >= quota.get(district)!) return false;
      taken.set(district, n + 1);
      return true;
    });
  }
  const drawnIn = new Map<string, number>();
  for (const code of stations) {
    const district = districtOf.get(code)!;
    drawnIn.set(district, (drawnIn.get(district) ?? 0) + 1);
  }
  return {
    stations,
    allocation: [...counts.keys()]
      .sort(byName)
      .map((district) => ({ district, stations: counts.get(district)!, drawn: drawnIn.get(district) ?? 0 })),
  };
}
