/** The wall display's pure rules: the views it cycles through, when it reloads itself, and its bounded findings list. */
import { describe, expect, it } from 'vitest';
import { addLive, mergeFetched, withStatus, type TickerFinding } from '../../client/src/lib/live/recent-findings';
import {
  MAX_WAIT_FOR_QUIET_MS,
  QUIET_AFTER_MS,
  outOfDate,
  shouldReload,
  type ReloadCheck,
} from '../../client/src/lib/wall/reload';
import { boxAround, wallViews } from '../../client/src/lib/wall/views';
import { districtFigures } from '../../client/src/lib/wall/district-figures';
import { RecentFindingsState } from '../../client/src/lib/state/recent-findings.svelte';
import type { DisplayEventOf } from '../../shared/schemas/events';
import type { Station } from '../../shared/schemas/stations';
import type { StationState } from '../../shared/station-state';
import { momentCounts, momentSummary, renewHeld, shownWallReplay } from '../../client/src/lib/wall/wall-replay';
import { WALL_REPLAY_LEASE_MS } from '../../shared/constants';
import type { ReplayReply } from '../../shared/schemas/replay';
import type { Severity } from '../../shared/schemas/events';
import type { StationStatus } from '../../shared/schemas/stations';

describe('wall views', () => {
  const stations = [
    { lng: 74.55, lat: 42.84, district: 'Leninsky' },
    { lng: 74.57, lat: 42.86, district: 'Leninsky' },
    { lng: 74.65, lat: 42.83, district: 'Oktyabrsky' },
    { lng: 74.6, lat: 42.9, district: 'Pervomaisky' },
  ];

  it('starts with the whole city fitted to its stations, then each district in name order', () => {
    const views = wallViews(stations, 'Whole city', (d) => `${d} district`);
    expect(views.map((v) => v.id)).toEqual(['city', 'Leninsky', 'Oktyabrsky', 'Pervomaisky']);
    expect(views[0]).toEqual({
      id: 'city',
      kind: 'city',
      name: '',
      label: 'Whole city',
      bounds: [74.55, 42.83, 74.65, 42.9],
    });
    expect(views[1]).toMatchObject({ label: 'Leninsky district', bounds: [74.55, 42.84, 74.57, 42.86] });
  });

  it('gives a lone station a box around it rather than a point, and no views without stations', () => {
    const [west, south, east, north] = boxAround([{ lng: 74.6, lat: 42.87 }])!;
    expect(east - west).toBeCloseTo(0.005);
    expect(north - south).toBeCloseTo(0.005);
    expect(west).toBeLessThan(74.6);
    expect(boxAround([])).toBeNull();
    expect(wallViews([], 'Whole city', (d) => d)).toEqual([]);
  });

  it('has only the city view when every station is in one district', () => {
    expect(wallViews(stations.slice(0, 2), 'Whole city', (d) => d).map((v) => v.id)).toEqual(['city']);
  });

  it('shows each region, then its districts, and districts without a region last', () => {
    const withRegions = [
      { lng: 74.55, lat: 42.84, district: 'Sector II', region: 'North' },
      { lng: 74.56, lat: 42.85, district: 'Sector I', region: 'North' },
      { lng: 74.65, lat: 42.83, district: 'Sector IV', region: 'East' },
      { lng: 74.6, lat: 42.9, district: 'Old town', region: null },
    ];
    const views = wallViews(
      withRegions,
      'Whole city',
      (d, r) => (r === null ? d : `${d}, ${r}`),
      [],
      (r) => `${r} region`,
    );
    expect(views.map((v) => [v.kind, v.name, v.label])).toEqual([
      ['city', '', 'Whole city'],
      // A region of one district: its view already is that district's.
      ['region', 'East', 'East region'],
      ['region', 'North', 'North region'],
      ['district', 'Sector I', 'Sector I, North'],
      ['district', 'Sector II', 'Sector II, North'],
      ['district', 'Old town', 'Old town'],
    ]);
    expect(views.find((v) => v.name === 'North')).toMatchObject({
      id: 'region:North',
      bounds: [74.55, 42.84, 74.56, 42.85],
    });
  });
});

describe('wall figures of a district or a region', () => {
  let n = 0;
  const entry = (
    district: string,
    region: string | null,
    present: boolean,
    state: StationState = 'never_visited',
  ): { station: Station; state: StationState } => ({
    station: {
      id: `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`,
      number: String(n),
      code: String(n),
      name: '',
      address: '',
      district,
      region,
      electoralDistrict: null,
      lat: null,
      lng: null,
      registeredVoters: null,
      status: {
        presentTeamIds: present ? ['t'] : [],
        visitCount: present ? 1 : 0,
        firstVisitAt: null,
        lastVisitAt: present ? '2026-12-06T08:00:00Z' : null,
        latestAssessments: {},
        openFindings: 0,
        worstOpenSeverity: null,
        updatedSeq: 0,
      },
    },
    state,
  });
  const entries = [
    entry('Sector I', 'North', true, 'present'),
    entry('Sector I', 'North', false),
    entry('Sector II', 'North', false),
    entry('Sector IV', 'South', true, 'present'),
    entry('Old town', null, false),
  ];

  it("a region counts its stations alone, with a line per district; a district's view has no lines", () => {
    const north = districtFigures(entries, { kind: 'region', name: 'North' }, '2026-12-06T00:00:00Z');
    expect(north).toMatchObject({ area: { kind: 'region', name: 'North' }, total: 3, coveredNow: 1, coveredToday: 1 });
    expect(north.counts.present).toBe(1);
    expect(north.districts).toEqual([
      { district: 'Sector I', total: 2, coveredNow: 1, coveredToday: 1 },
      { district: 'Sector II', total: 1, coveredNow: 0, coveredToday: 0 },
    ]);
    const sector = districtFigures(entries, { kind: 'district', name: 'Sector I' }, null);
    expect(sector).toMatchObject({ total: 2, coveredNow: 1, districts: [] });
  });
});

describe('reloading for a new version', () => {
  const base: ReloadCheck = {
    pageBuild: 'old',
    serverBuild: 'new',
    lastReloadFor: null,
    urgentOnScreen: false,
    msSinceLastEvent: QUIET_AFTER_MS,
    msOutOfDate: 0,
  };

  it('reloads at a quiet moment when the server serves another build', () => {
    expect(shouldReload(base)).toBe(true);
    expect(outOfDate('a', 'a')).toBe(false);
    expect(shouldReload({ ...base, serverBuild: 'old' })).toBe(false);
  });

  it('never reloads without both builds known (a development server, a server serving no client)', () => {
    expect(shouldReload({ ...base, pageBuild: null })).toBe(false);
    expect(shouldReload({ ...base, serverBuild: null })).toBe(false);
  });

  it('waits while something urgent is on screen, and while news keeps coming (up to a limit)', () => {
    expect(shouldReload({ ...base, urgentOnScreen: true, msOutOfDate: MAX_WAIT_FOR_QUIET_MS * 10 })).toBe(false);
    expect(shouldReload({ ...base, msSinceLastEvent: 1000 })).toBe(false);
    expect(shouldReload({ ...base, msSinceLastEvent: 1000, msOutOfDate: MAX_WAIT_FOR_QUIET_MS })).toBe(true);
  });

  it('reloads only once for a server build, so a reload that brought back the old page cannot loop', () => {
    expect(shouldReload({ ...base, lastReloadFor: 'new' })).toBe(false);
    expect(shouldReload({ ...base, lastReloadFor: 'older' })).toBe(true);
  });
});

describe('the findings ticker list', () => {
  const item = (seq: number, extra: Partial<TickerFinding> = {}): TickerFinding => ({
    id: `f${seq}`,
    seq,
    category: 'ballot_stuffing',
    severity: 'serious',
    status: 'new',
    statusSeq: seq,
    stationId: 's',
    stationNumber: '1001',
    district: 'Leninsky',
    reportedAt: '2025-11-30T10:00:00Z',
    ...extra,
  });

  it('keeps the newest findings first and never more than its size', () => {
    let list: TickerFinding[] = [];
    for (let seq = 1; seq <= 500; seq++) list = addLive(list, [item(seq)], 20);
    expect(list).toHaveLength(20);
    expect(list[0]!.seq).toBe(500);
    expect(list.at(-1)!.seq).toBe(481);
    expect(addLive(list, [item(490)], 20)).toEqual(list);
  });

  it('takes a fetched page as the truth up to its head, keeping what came live after it', () => {
    const held = [item(12), item(9, { status: 'acknowledged', statusSeq: 11 })];
    const fetched = [item(10), item(9, { statusSeq: 0 })].map(({ statusSeq: _s, ...f }) => f);
    const merged = mergeFetched(held, fetched, 10, 20);
    expect(merged.map((f) => f.seq)).toEqual([12, 10, 9]);
    // The status change at 11 is newer than the page read at 10.
    expect(merged[2]).toMatchObject({ status: 'acknowledged', statusSeq: 11 });
    // An item held from before the page that the page no longer lists (it fell off the end) goes.
    expect(mergeFetched([item(3)], fetched, 10, 20).map((f) => f.seq)).toEqual([10, 9]);
  });

  it('applies triage changes to findings it holds, and ignores older news', () => {
    const list = [item(5), item(4)];
    const resolved = withStatus(list, 'f4', 'resolved', 6);
    expect(resolved[1]).toMatchObject({ status: 'resolved', statusSeq: 6 });
    expect(withStatus(resolved, 'f4', 'acknowledged', 5)).toBe(resolved);
    expect(withStatus(list, 'f99', 'resolved', 7)).toBe(list);
  });
});

describe("the wall's ticker, live", () => {
  it('takes in a finding away from any station as it arrives: no number, no district, and nothing but what a wall gets', () => {
    const ticker = new RecentFindingsState((id) =>
      id === 'st-1' ? { number: '1001', district: 'Leninsky' } : undefined,
    );
    const envelope = {
      occurredAt: '2025-11-30T10:00:00.000Z',
      receivedAt: '2025-11-30T10:00:01.000Z',
      teamId: 'team-1',
    };
    const offStation: DisplayEventOf<'finding'> = {
      ...envelope,
      id: 'f-away',
      seq: 8,
      type: 'finding',
      stationId: null,
      category: 'carousel',
      severity: 'critical',
    };
    const atStation: DisplayEventOf<'finding'> = {
      ...envelope,
      id: 'f-at',
      seq: 7,
      type: 'finding',
      stationId: 'st-1',
      category: 'intimidation',
      severity: 'minor',
    };
    ticker.applied([atStation, offStation]);
    expect(ticker.items.map((f) => [f.id, f.stationNumber, f.district, f.severity])).toEqual([
      ['f-away', null, null, 'critical'],
      ['f-at', '1001', 'Leninsky', 'minor'],
    ]);
    expect(ticker.items[0]).not.toHaveProperty('text');
  });
});

describe('a past moment on the wall', () => {
  const at = '2025-11-30T10:00:00.000Z';
  const dayStartedAt = '2025-11-29T18:00:00.000Z';
  const station = (id: string, status: Partial<StationStatus>) => ({
    id,
    status: {
      presentTeamIds: [],
      visitCount: 0,
      firstVisitAt: null,
      lastVisitAt: null,
      latestAssessments: {},
      openFindings: 0,
      worstOpenSeverity: null,
      updatedSeq: 0,
      ...status,
    },
  });
  const team = (id: string, lastSeenAt: string | null, helpOpen = false) => ({
    id,
    status: {
      lastSeenAt,
      currentStationId: null,
      lastPosition: null,
      helpOpen,
      helpRequestedAt: null,
      helpAcknowledgedAt: null,
      silentAcknowledgedAt: null,
      updatedSeq: 0,
    },
  });
  const finding = (id: string, severity: Severity, status: 'new' | 'resolved') => ({
    id,
    seq: 1,
    category: 'other',
    severity,
    status,
    stationId: null,
    teamId: null,
    reportedAt: at,
    statusChangedAt: null,
    position: null,
  });
  const moment = {
    at,
    seq: 40,
    head: 90,
    stations: [
      station('s1', { presentTeamIds: ['t1'], visitCount: 1, lastVisitAt: '2025-11-30T09:00:00.000Z' }),
      // Assessed today without an arrival: covered today, as the server counts it.
      station('s2', {
        latestAssessments: { opening: { assessment: 'bad', at: '2025-11-30T07:00:00.000Z', teamId: 't2' } },
      }),
      // Visited yesterday only.
      station('s3', { visitCount: 1, lastVisitAt: '2025-11-29T12:00:00.000Z' }),
    ],
    teams: [team('t1', '2025-11-30T09:45:00.000Z'), team('t2', '2025-11-30T09:00:00.000Z', true), team('t3', null)],
    findings: [finding('f1', 'critical', 'new'), finding('f2', 'minor', 'resolved'), finding('f3', 'critical', 'new')],
    coverage: {} as ReplayReply['coverage'],
  } as unknown as ReplayReply;
  // Live figures that differ everywhere: the moment's must not borrow any of them.
  const live = {
    head: 90,
    computedAt: '2025-11-30T15:00:00.000Z',
    stations: { total: 3, coveredNow: 3, coveredToday: 3, dayStartedAt },
    teams: { total: 3, active: 3, activeWithinMinutes: 30, helpOpen: 0 },
    findings: {
      open: { info: 5, minor: 5, serious: 5, critical: 5 },
      reported: { info: 5, minor: 5, serious: 5, critical: 5 },
    },
    assessments: {
      opening: { observed: 3, bad: 0, veryBad: 0, negativeShare: 0 },
      voting: { observed: 3, bad: 0, veryBad: 0, negativeShare: 0 },
      closing: { observed: 0, bad: 0, veryBad: 0, negativeShare: null },
    },
  };

  it("counts the moment's figures from its stations, teams and findings, by the server's rules", () => {
    expect(momentSummary(moment, live)).toEqual({
      head: 40,
      computedAt: at,
      stations: { total: 3, coveredNow: 1, coveredToday: 2, dayStartedAt },
      // Active within 30 minutes of the moment, not of now.
      teams: { total: 3, active: 1, activeWithinMinutes: 30, helpOpen: 1 },
      findings: {
        open: { info: 0, minor: 0, serious: 0, critical: 2 },
        reported: { info: 0, minor: 1, serious: 0, critical: 2 },
      },
      assessments: {
        opening: { observed: 1, bad: 1, veryBad: 0, negativeShare: 1 },
        voting: { observed: 0, bad: 0, veryBad: 0, negativeShare: null },
        closing: { observed: 0, bad: 0, veryBad: 0, negativeShare: null },
      },
    });
    expect(momentSummary(moment, null)).toBeNull();
    expect(momentCounts(moment)).toEqual({
      critical: 0,
      serious: 0,
      bad_assessment: 1,
      present: 1,
      minor: 0,
      visited: 1,
      never_visited: 0,
    });
  });

  it('holds the moment for the lease from the last news of it; a renewal of another moment is ignored', () => {
    const held = { replay: { moment, expiresAt: '2025-11-30T15:00:30.000Z' }, receivedAtMs: 1_000 };
    expect(shownWallReplay(held, 1_000 + WALL_REPLAY_LEASE_MS)).toBe(held.replay);
    expect(shownWallReplay(held, 1_001 + WALL_REPLAY_LEASE_MS)).toBeNull();
    expect(shownWallReplay(null, 1_000)).toBeNull();
    const renewed = renewHeld(held, { at, expiresAt: '2025-11-30T15:00:35.000Z' }, 20_000);
    expect(renewed).toEqual({ ...held, receivedAtMs: 20_000 });
    expect(shownWallReplay(renewed, 1_001 + WALL_REPLAY_LEASE_MS)).toBe(held.replay);
    expect(renewHeld(held, { at: '2025-11-30T11:00:00.000Z', expiresAt: at }, 20_000)).toBe(held);
    expect(renewHeld(null, { at, expiresAt: at }, 20_000)).toBeNull();
  });
});
