import { describe, expect, it } from 'vitest';
import type { Station, StationStatus } from '../../shared/schemas/stations';
import { STATION_STATES } from '../../shared/station-state';
import { StationIndex } from '../../client/src/lib/state/live-mission/station-index.svelte';
import { inBatches, inStationOrder } from '../../client/src/lib/state/live-mission/station-list-order';
import type { StationMarkChange } from '../../client/src/lib/state/live-mission/types';

const TEAM = '5b1f3c7e-2a4d-4e8f-9c1b-0d2e3f4a5b6c';
const AT = '2025-11-30T08:15:00+06:00';

function status(updatedSeq: number, present = false): StationStatus {
  return {
    presentTeamIds: present ? [TEAM] : [],
    visitCount: present ? 1 : 0,
    firstVisitAt: present ? AT : null,
    lastVisitAt: present ? AT : null,
    latestAssessments: {},
    openFindings: 0,
    worstOpenSeverity: null,
    updatedSeq,
  };
}

function station(code: string, seq = 1, present = false): Station {
  return {
    id: `id-${code}`,
    number: code,
    code,
    name: `Station ${code}`,
    address: '',
    district: 'D',
    region: null,
    electoralDistrict: null,
    lat: 42,
    lng: 74,
    registeredVoters: null,
    status: status(seq, present),
  };
}

const noCounts = () => Object.fromEntries(STATION_STATES.map((state) => [state, 0])) as Record<string, number>;

describe('the station list in station-number order', () => {
  it('keeps a list already in order as it is, and sorts one that is not by number as people read it', () => {
    const ordered = ['1', '2', '10', '10-2'].map((code) => station(code));
    expect(inStationOrder(ordered)).toBe(ordered);
    const shuffled = ['10', '2', '1', '10-2'].map((code) => station(code));
    expect(inStationOrder(shuffled).map((s) => s.code)).toEqual(['1', '2', '10', '10-2']);
  });

  it('hands items over in slices of the given size, the last one shorter', () => {
    expect([...inBatches([1, 2, 3, 4, 5], 2)]).toEqual([[1, 2], [3, 4], [5]]);
    expect([...inBatches([], 2)]).toEqual([]);
    expect([...inBatches([1, 2], 0)]).toEqual([[1], [2]]);
  });
});

describe('a summary-first station index taking the list in batches', () => {
  function summaryFirst() {
    const index = new StationIndex();
    const drawn: StationMarkChange[][] = [];
    index.attachMap({ setStates: (changes) => drawn.push([...changes]), addStations: () => undefined });
    index.preload(3, { ...noCounts(), never_visited: 3 } as never);
    return { index, drawn };
  }

  it('shows the summary until the last batch is in, then the list with what was heard meanwhile over it', () => {
    const { index, drawn } = summaryFirst();
    index.beginLoad();
    index.loadBatch([station('1'), station('2', 1)]);
    // Heard while the list loads: a check-in at station 2, newer than the list's row of it.
    index.applyStatuses([{ id: 'id-2', status: status(5, true) }]);
    index.loadBatch([station('10', 1)]);
    expect(index.partial).toBe(true);
    expect(index.get('id-1')).toBeUndefined();
    expect(index.counts.never_visited).toBe(3);

    expect(index.completeLoad()).toEqual([]);
    expect(index.partial).toBe(false);
    expect(index.count).toBe(3);
    expect(index.get('id-2')?.state).toBe('present');
    expect(index.counts.present).toBe(1);
    expect(index.counts.never_visited).toBe(2);
    expect(index.entries().map((e) => e.station.code)).toEqual(['1', '2', '10']);
    expect(drawn.at(-1)).toEqual([{ id: 'id-2', state: 'present', badge: null }]);
  });

  it('keeps the list row where it is newer than what was heard, and asks for stations the list does not hold', () => {
    const { index, drawn } = summaryFirst();
    index.beginLoad();
    index.applyStatuses([
      { id: 'id-1', status: status(3, true) },
      { id: 'id-new', status: status(9, true) },
    ]);
    index.loadBatch([station('1', 7, false), station('2')]);
    expect(index.completeLoad()).toEqual([8]);
    expect(index.get('id-1')?.station.status.updatedSeq).toBe(7);
    expect(index.get('id-1')?.state).toBe('never_visited');
    // Station 1 was drawn present from the early news: drawn again as the list has it.
    expect(drawn.at(-1)).toEqual([{ id: 'id-1', state: 'never_visited', badge: null }]);
  });

  it('starts again from nothing when the list is read again after a failure', () => {
    const { index } = summaryFirst();
    index.beginLoad();
    index.loadBatch([station('1')]);
    index.beginLoad();
    index.loadBatch([station('1'), station('2')]);
    index.completeLoad();
    expect(index.entries().map((e) => e.station.code)).toEqual(['1', '2']);
  });
});

describe('the list rows and unplaced stations of a national mission under check-ins', () => {
  function national(count: number) {
    const index = new StationIndex();
    index.attachMap({ setStates: () => undefined, addStations: () => undefined });
    const stations = Array.from({ length: count }, (_, i) => station(String(i + 1), 1, i % 7 === 0));
    // Every tenth station has no position yet.
    for (const s of stations.filter((_, i) => i % 10 === 3)) Object.assign(s, { lat: null, lng: null });
    index.load(stations);
    return index;
  }

  it('gives unfiltered and state-filtered rows and totals as a full search would, reading only what it shows', () => {
    const index = national(1_000);
    index.applyStatuses([
      { id: 'id-2', status: status(5, true) },
      { id: 'id-8', status: status(6, false) },
    ]);
    for (const state of ['all', ...STATION_STATES] as const) {
      for (const limit of [0, 3, 500, 2_000]) {
        // Every station's name contains "station": the same query through the text search, which reads every station.
        const searched = index.rows({ state, text: 'station', limit });
        const shown = index.rows({ state, text: '', limit });
        expect(shown.total, `${state} total`).toBe(searched.total);
        expect(shown.rows, `${state} rows up to ${limit}`).toEqual(searched.rows);
      }
    }
    expect(index.rows({ state: 'present', text: '', limit: 10 }).rows.map((row) => row.number)).toContain('2');
    expect(index.rows({ state: 'present', text: '', limit: 1_000 }).total).toBe(index.counts.present);
  });

  it('hands out the same unplaced list through check-ins, and a new one once a station is placed', () => {
    const index = national(1_000);
    const before = index.unplaced();
    expect(before).toHaveLength(100);
    index.applyStatuses([{ id: 'id-4', status: status(9, true) }]);
    expect(index.unplaced()).toBe(before);

    const placed = { ...station('4'), lat: 42.9, lng: 74.6, status: status(9, true) };
    index.applyDetails([placed]);
    const after = index.unplaced();
    expect(after).not.toBe(before);
    expect(after.map((s) => s.code)).not.toContain('4');
    expect(after).toHaveLength(99);
  });
});
