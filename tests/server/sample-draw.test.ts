/**
 * Drawing the quick count's sample from a seed: the same seed and stations give the same sample whatever their order,
 * the method is the documented one (a reviewer can redo it with sha256sum), and a stratified draw allocates in
 * proportion with at least one station per district where the size allows it.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { allocate, drawSample, pickSeed, sampleKey } from '../../server/modules/results/sample-draw';

const frame = [
  ...Array.from({ length: 60 }, (_, i) => ({ code: `L-${1000 + i}`, district: 'Leninsky' })),
  ...Array.from({ length: 30 }, (_, i) => ({ code: `S-${2000 + i}`, district: 'Sverdlovsky' })),
  ...Array.from({ length: 9 }, (_, i) => ({ code: `O-${3000 + i}`, district: 'Oktyabrsky' })),
  { code: 'P-4000', district: 'Pervomaisky' },
];

/**
 * Computed independently in a shell: `for c in …; do printf '%s\n%s' 123456789012 $c | sha256sum; done | sort`. If this
 * changes, every published seed draws another sample than it did.
 */
const PINNED = ['O-3004', 'S-2007', 'P-4000'];

const shuffled = <T>(list: readonly T[]) => [...list].sort((a, b) => (JSON.stringify(a) > JSON.stringify(b) ? -1 : 1));

describe('sample draw', () => {
  it('gives the same sample for the same seed and stations, whatever their order, and another for another seed', async () => {
    const a = await drawSample(frame, 20, '7291 0384 5512', 'simple_random');
    const b = await drawSample(shuffled(frame), 20, '7291 0384 5512', 'simple_random');
    expect(b.stations).toEqual(a.stations);
    expect(new Set(a.stations).size).toBe(20);
    const other = await drawSample(frame, 20, '7291 0384 5513', 'simple_random');
    expect(other.stations).not.toEqual(a.stations);
    expect((await drawSample(shuffled(frame), 20, 'x', 'stratified')).stations).toEqual(
      (await drawSample(frame, 20, 'x', 'stratified')).stations,
    );
  });

  it('is the documented method: stations in order of SHA-256(seed, line feed, code), as sha256sum computes it', async () => {
    const key = execFileSync('sha256sum', { input: 'seed-1\nL-1000' }).toString().split(' ')[0];
    expect(sampleKey('seed-1', 'L-1000')).toBe(key);
    const byKey = [...frame].sort((x, y) => (sampleKey('seed-1', x.code) < sampleKey('seed-1', y.code) ? -1 : 1));
    expect((await drawSample(frame, 5, 'seed-1', 'simple_random')).stations).toEqual(
      byKey.slice(0, 5).map((s) => s.code),
    );
    expect((await drawSample(frame, 3, '123456789012', 'simple_random')).stations).toEqual(PINNED);
  });

  it('allocates a stratified sample in proportion, at least one per district where possible, the first of each by key', async () => {
    const drawn = await drawSample(frame, 20, 'seed-2', 'stratified');
    expect(drawn.allocation).toEqual([
      { district: 'Leninsky', stations: 60, drawn: 12 },
      { district: 'Oktyabrsky', stations: 9, drawn: 1 },
      { district: 'Pervomaisky', stations: 1, drawn: 1 },
      { district: 'Sverdlovsky', stations: 30, drawn: 6 },
    ]);
    const ofDistrict = (d: string) =>
      frame
        .filter((s) => s.district === d)
        .sort((x, y) => (sampleKey('seed-2', x.code) < sampleKey('seed-2', y.code) ? -1 : 1))
        .map((s) => s.code);
    expect(new Set(drawn.stations)).toEqual(
      new Set([
        ...ofDistrict('Leninsky').slice(0, 12),
        ...ofDistrict('Oktyabrsky').slice(0, 1),
        ...ofDistrict('Pervomaisky'),
        ...ofDistrict('Sverdlovsky').slice(0, 6),
      ]),
    );
  });

  it('allocation: exact when proportions are whole, sums to the size, and cannot give every district one below their count', async () => {
    const counts = new Map([
      ['A', 50],
      ['B', 30],
      ['C', 20],
    ]);
    expect(Object.fromEntries(allocate(10, counts))).toEqual({ A: 5, B: 3, C: 2 });
    expect(Object.fromEntries(allocate(100, counts))).toEqual({ A: 50, B: 30, C: 20 });
    const skewed = new Map([
      ['big', 97],
      ['small1', 1],
      ['small2', 1],
      ['small3', 1],
    ]);
    expect(Object.fromEntries(allocate(4, skewed))).toEqual({ big: 1, small1: 1, small2: 1, small3: 1 });
    const two = allocate(2, skewed);
    expect([...two.values()].reduce((a, b) => a + b)).toBe(2);
    expect(two.get('big')).toBe(2);
    for (const size of [1, 5, 17, 33, 99, 100]) {
      const n = allocate(size, new Map([...counts, ['D', 1]]));
      expect([...n.values()].reduce((a, b) => a + b)).toBe(size);
      for (const [d, k] of n) expect(k).toBeLessThanOrEqual(d === 'D' ? 1 : counts.get(d)!);
    }
  });

  it('refuses a size outside 1..stations, and picks twelve-digit seeds', async () => {
    await expect(drawSample(frame, 101, 's', 'simple_random')).rejects.toThrow(RangeError);
    await expect(drawSample(frame, 0, 's', 'stratified')).rejects.toThrow(RangeError);
    expect(pickSeed()).toMatch(/^\d{12}$/);
    expect(pickSeed()).not.toBe(pickSeed());
  });
});
