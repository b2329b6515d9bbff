/**
 * Planning a national list's import in a running server must not hold the event loop for the whole list (about 1.4 s
 * at 200,000 rows): it plans in steps and lets other work run between them. The steps must not change the plan.
 */
import { describe, expect, it } from 'vitest';
import type { StationImportRow } from '../../shared/schemas/stations';
import {
  planStationImport,
  planStationImportInSteps,
  type StoredStation,
} from '../../server/modules/stations/station-import-plan';
import { ProblemList } from '../../server/modules/stations/station-import-row';

const BOUNDS: [[number, number], [number, number]] = [
  [74.5, 42.77],
  [74.68, 42.94],
];

/** 20,000 rows over 40 districts whose numbers repeat across districts, a few at 0,0 and far away, a third unplaced. */
function nationalRows(count: number): StationImportRow[] {
  return Array.from({ length: count }, (_, i) => {
    const district = `District ${i % 40}`;
    const placed = i % 3 !== 0;
    const far = i % 997 === 1;
    const zero = i % 1009 === 2;
    return {
      number: String(Math.floor(i / 40) + 1),
      district,
      code: i % 5000 === 7 ? 'SAME CODE' : null,
      region: `Region ${i % 8}`,
      name: i % 2 ? `School ${i}` : null,
      address: `Street ${i}`,
      electoralDistrict: null,
      lat: !placed ? null : zero ? 0 : far ? 40.1 : 42.8 + (i % 40) * 0.003 + (i % 7) * 0.0001,
      lng: !placed ? null : zero ? 0 : far ? 70.1 : 74.55 + (i % 40) * 0.002,
      registeredVoters: i % 4 ? 1000 + (i % 900) : null,
    };
  });
}

/** A tenth of the rows already stored, half of them at another address: updates and unchanged rows alike. */
function storedOf(rows: StationImportRow[]): StoredStation[] {
  return rows
    .filter((_, i) => i % 10 === 0)
    .map((row, k) => ({
      id: `00000000-0000-4000-8000-${String(k).padStart(12, '0')}`,
      number: row.number,
      district: row.district,
      code: `${row.district}-${row.number}`,
      name: row.name ?? `${row.district}-${row.number}`,
      address: k % 2 ? 'Old address' : (row.address ?? ''),
      region: row.region,
      electoralDistrict: row.electoralDistrict,
      lat: row.lat,
      lng: row.lng,
      registeredVoters: row.registeredVoters,
    }));
}

describe('planning a station import in steps', () => {
  const rows = nationalRows(20_000);
  const lines = rows.map((_, i) => i + 2);
  const stored = storedOf(rows);

  it('gives the same plan and problems as planning in one go', async () => {
    const oneGo = new ProblemList();
    const inSteps = new ProblemList();
    const whole = planStationImport(rows, lines, stored, { bounds: BOUNDS, clear: new Set(), problems: oneGo });
    const stepped = await planStationImportInSteps(rows, lines, stored, {
      bounds: BOUNDS,
      clear: new Set(['name']),
      problems: inSteps,
    });
    // Every kind of outcome is there, so the steps cover every pass of the planner.
    expect(whole.counts.created).toBeGreaterThan(0);
    expect(whole.counts.updated).toBeGreaterThan(0);
    expect(whole.counts.unplaced).toBeGreaterThan(0);
    expect(oneGo.kinds().map((k) => k.kind)).toEqual(
      expect.arrayContaining([
        'position 0,0',
        "position outside the mission's map area",
        'code: already used by another station',
      ]),
    );
    // Clearing names changes the plan: the comparison below is not between two plans that ignore their input.
    expect(stepped.rows).not.toEqual(whole.rows);

    const problems = new ProblemList();
    const sameInput = await planStationImportInSteps(rows, lines, stored, {
      bounds: BOUNDS,
      clear: new Set(),
      problems,
    });
    expect(sameInput).toEqual(whole);
    expect(problems.all()).toEqual(oneGo.all());
    expect(inSteps.all().length).toBeGreaterThan(0);
  });

  it('lets the event loop run between its steps', async () => {
    let turns = 0;
    let planning = true;
    const countTurns = () => {
      turns += 1;
      if (planning) setImmediate(countTurns);
    };
    setImmediate(countTurns);
    await planStationImportInSteps(rows, lines, stored, {
      bounds: BOUNDS,
      clear: new Set(),
      problems: new ProblemList(),
    });
    planning = false;
    // At least one turn per 4,000 rows of each pass; planned in one go, it would have been none.
    expect(turns).toBeGreaterThanOrEqual(5);
  });
});
