/** The quick count's estimator: a worked example, the stratified case, and its interval's coverage over 1,000 samples. */
import { describe, expect, it } from 'vitest';
import { estimateQuickCount, ratioEstimate, type SampleProtocol } from '../../shared/quick-count';
import { SeededRandom } from '../../db/seed/seeded-random';

describe('quick count estimator', () => {
  it('matches the simple random sample ratio estimator worked by hand', () => {
    // 4 of 10 stations; y = votes for a candidate, x = valid votes.
    const pairs = [
      { y: 30, x: 100 },
      { y: 50, x: 150 },
      { y: 20, x: 80 },
      { y: 40, x: 120 },
    ];
    const N = 10;
    const n = pairs.length;
    // Textbook SRS form (Cochran 6.9): v(R) = (1 − f) s²_d / (n x̄²), d = y − R x.
    const R = 140 / 450;
    const xBar = 450 / n;
    const d = pairs.map((p) => p.y - R * p.x);
    const s2 = d.reduce((sum, v) => sum + v * v, 0) / (n - 1); // the d's mean is 0 under SRS
    const expectedMoe = 1.959964 * Math.sqrt(((1 - n / N) * s2) / (n * xBar * xBar));

    const estimate = ratioEstimate(new Map([['all', pairs]]), new Map([['all', N]]));
    expect(estimate.value).toBeCloseTo(0.311111, 5);
    expect(estimate.marginOfError).toBeCloseTo(expectedMoe, 10);
    expect(estimate.marginOfError).toBeCloseTo(0.02565, 4);
  });

  it('weights strata by their size, and a stratum that reported whole adds no error', () => {
    // Stratum a: 2 of 100 stations report 10 of 100 valid votes each; stratum b: all 3 stations report 90 of 100.
    const pairs = new Map([
      [
        'a',
        [
          { y: 10, x: 100 },
          { y: 10, x: 100 },
        ],
      ],
      [
        'b',
        [
          { y: 90, x: 100 },
          { y: 90, x: 100 },
          { y: 90, x: 100 },
        ],
      ],
    ]);
    const estimate = ratioEstimate(
      pairs,
      new Map([
        ['a', 100],
        ['b', 3],
      ]),
    );
    // (100·10 + 3·90) / (100·100 + 3·100): stratum a dominates, unlike the unweighted 290/500.
    expect(estimate.value).toBeCloseTo(1270 / 10300, 10);
    expect(estimate.marginOfError).toBeCloseTo(0, 10); // identical reports in a, whole b
  });

  it('says it cannot give a margin while a sampled stratum has one report', () => {
    const estimate = ratioEstimate(new Map([['a', [{ y: 5, x: 10 }]]]), new Map([['a', 50]]));
    expect(estimate).toEqual({ value: 0.5, marginOfError: null });
  });

  it('over 1,000 stratified samples of a synthetic country, the 95 % interval holds the true share in 93–97 % of them', () => {
    const random = new SeededRandom(2026, 'quick-count');
    const strataSizes = { north: 300, south: 500, east: 400, west: 200, capital: 600 };
    const population: SampleProtocol[] = [];
    for (const [stratum, size] of Object.entries(strataSizes)) {
      const turnout = random.between(0.4, 0.7);
      const shareA = random.between(0.3, 0.6);
      for (let i = 0; i < size; i++) {
        const registered = random.int(400, 2500);
        const voted = Math.round(registered * Math.min(0.95, Math.max(0.1, turnout + random.between(-0.15, 0.15))));
        const valid = Math.round(voted * random.between(0.94, 0.99));
        const a = Math.round(valid * Math.min(1, Math.max(0, shareA + random.between(-0.2, 0.2))));
        population.push({ stratum, registered, voted, valid, votes: { A: a, B: valid - a } });
      }
    }
    const trueShareA = population.reduce((s, p) => s + p.votes.A!, 0) / population.reduce((s, p) => s + p.valid, 0);
    const trueTurnout = population.reduce((s, p) => s + p.voted, 0) / population.reduce((s, p) => s + p.registered, 0);
    const byStratum = new Map(Object.keys(strataSizes).map((s) => [s, population.filter((p) => p.stratum === s)]));
    const sizes = new Map(Object.entries(strataSizes));

    let shareCovered = 0;
    let turnoutCovered = 0;
    const runs = 1000;
    for (let run = 0; run < runs; run++) {
      // A 10 % sample in each stratum, without replacement (partial Fisher–Yates).
      const sample: SampleProtocol[] = [];
      for (const stations of byStratum.values()) {
        const pool = [...stations];
        const n = Math.round(pool.length / 10);
        for (let i = 0; i < n; i++) {
          const j = random.int(i, pool.length - 1);
          [pool[i], pool[j]] = [pool[j]!, pool[i]!];
          sample.push(pool[i]!);
        }
      }
      const count = estimateQuickCount(sample, ['A', 'B'], sizes, sample.length);
      const a = count.shares[0]!.estimate;
      if (Math.abs(a.value - trueShareA) <= a.marginOfError!) shareCovered++;
      if (Math.abs(count.turnout.value - trueTurnout) <= count.turnout.marginOfError!) turnoutCovered++;
    }
    console.info(`coverage: share ${shareCovered / runs}, turnout ${turnoutCovered / runs}`);
    expect(shareCovered / runs).toBeGreaterThanOrEqual(0.93);
    expect(shareCovered / runs).toBeLessThanOrEqual(0.97);
    expect(turnoutCovered / runs).toBeGreaterThanOrEqual(0.93);
    expect(turnoutCovered / runs).toBeLessThanOrEqual(0.97);
  });
});
