/** The rules of results worth a look and the election fingerprint (shared/result-checks.ts), on their own. */
import { describe, expect, it } from 'vitest';
import { fingerprint, leaderOf, resultChecks, type StationResult } from '../../shared/result-checks';
import { DEFAULT_RESULT_CHECKS } from '../../shared/schemas/results';

const clean = { registered: 1000, ballotsReceived: 1000, issued: 600, foundInBoxes: 600, valid: 590, invalid: 10 };

function station(code: string, votes: Record<string, number>, over: Partial<StationResult> = {}): StationResult {
  return {
    stationId: `id-${code}`,
    stationCode: code,
    stationName: `School ${code}`,
    district: 'Leninsky',
    contestId: 'mayor',
    figures: { ...clean, spoilt: 0, unused: 400 },
    votes,
    registeredFallback: null,
    ...over,
  };
}

const checksOf = (results: StationResult[], thresholds = DEFAULT_RESULT_CHECKS) =>
  resultChecks(results, thresholds).map((c) => [c.stationCode, c.check]);

describe('results worth a look', () => {
  it('passes clean, alike stations', () => {
    expect(checksOf([station('1', { A: 300, B: 290 }), station('2', { A: 310, B: 280 })])).toEqual([]);
  });

  it('flags turnout above the threshold, using the station list when the result has no registered figure', () => {
    const stuffed = station(
      '1',
      { A: 560, B: 0 },
      {
        figures: { foundInBoxes: 950, valid: 560, invalid: 390 },
        registeredFallback: 1000,
      },
    );
    const checks = resultChecks([stuffed], { ...DEFAULT_RESULT_CHECKS, invalidShareAbove: 1 });
    expect(checks.map((c) => [c.check, c.value])).toEqual([['high_turnout', 0.95]]);
    // At the threshold exactly is not above it; without any registered figure there is no turnout to judge.
    expect(checksOf([stuffed], { ...DEFAULT_RESULT_CHECKS, turnoutAbove: 0.95, invalidShareAbove: 1 })).toEqual([]);
    expect(
      checksOf([{ ...stuffed, registeredFallback: null }], { ...DEFAULT_RESULT_CHECKS, invalidShareAbove: 1 }),
    ).toEqual([]);
  });

  it('flags an invalid share above the threshold, of the ballots found (or valid + invalid)', () => {
    const many = station('1', { A: 540 }, { figures: { ...clean, valid: 540, invalid: 60 } });
    expect(resultChecks([many], DEFAULT_RESULT_CHECKS).find((c) => c.check === 'high_invalid')!.value).toBeCloseTo(0.1);
    const partial = station('2', { A: 90 }, { figures: { valid: 90, invalid: 10 }, registeredFallback: 1000 });
    expect(checksOf([partial])).toEqual([['2', 'high_invalid']]);
  });

  it('flags arithmetic that does not reconcile, only by the checks whose figures the source has', () => {
    const off = station('1', { A: 300, B: 300 });
    const [check] = resultChecks([off], DEFAULT_RESULT_CHECKS);
    expect(check).toMatchObject({ check: 'arithmetic', value: 1, detail: 'votes_valid' });
    // An official file with votes and the valid count only: the one check it can be held to.
    const sparse = station('2', { A: 10 }, { figures: { valid: 11 }, registeredFallback: 1000 });
    expect(resultChecks([sparse], DEFAULT_RESULT_CHECKS).map((c) => c.detail)).toEqual(['votes_valid']);
  });

  it("flags a station whose share for the district's leader is far from the district's, per district", () => {
    const alike = ['1', '2', '3', '4'].map((code) => station(code, { A: 354, B: 236 })); // A 60 %
    const unlike = station('5', { A: 59, B: 531 }); // A 10 %
    const elsewhere = station('9', { A: 59, B: 531 }, { district: 'Sverdlovsky' });
    const checks = resultChecks([...alike, unlike, elsewhere], DEFAULT_RESULT_CHECKS);
    expect(checks.map((c) => [c.stationCode, c.check])).toEqual([['5', 'far_from_district']]);
    // The district: (4 × 354 + 59) / (5 × 590) = 0.5 for A; the station 0.1 → 0.4 apart.
    expect(checks[0]!.value).toBeCloseTo(0.4, 9);
    expect(checks[0]!.detail).toBe('A: 0.100 here, 0.500 in Leninsky');
    expect(checksOf([...alike, unlike], { ...DEFAULT_RESULT_CHECKS, districtShareDeviation: 0.4 })).toEqual([]);
  });

  it('names the leader by total votes, ties going to the first id', () => {
    expect(leaderOf([station('1', { B: 5, A: 5 })])).toBe('A');
    expect(leaderOf([station('1', { A: 1, B: 5 }), station('2', { A: 3 })])).toBe('B');
    expect(leaderOf([station('1', {})])).toBeNull();
  });
});

describe('the election fingerprint', () => {
  it('counts stations per cell of turnout × share, from the bottom-left, and leaves out those without turnout', () => {
    const bins = 10;
    const results = [
      station('1', { A: 300, B: 290 }), // turnout 0.6, A 0.508 → cell (x 6, y 5)
      station('2', { A: 300, B: 290 }),
      station('3', { A: 600, B: 0 }, { figures: { registered: 500, foundInBoxes: 600 } }), // 1.2 → last column, y 9
      station('4', { A: 1 }, { figures: {} }),
    ];
    const { cells, stations } = fingerprint(results, 'A', bins);
    expect(stations).toBe(3);
    expect(cells).toHaveLength(100);
    expect(cells[5 * bins + 6]).toBe(2);
    expect(cells[9 * bins + 9]).toBe(1);
    expect(cells.reduce((a, b) => a + b, 0)).toBe(3);
  });
});
