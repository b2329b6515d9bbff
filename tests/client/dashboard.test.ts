/** The coordinators' dashboard rules: the findings feed, its filters, patterns, and alerts under an injected clock. */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { FeedEvent, StoredEventOf } from '../../shared/schemas/events';
import type { TriageFinding } from '../../shared/schemas/findings';
import type { Team } from '../../shared/schemas/teams';
import {
  criticalAlertsByStation,
  deriveAlerts,
  helpAlertOpen,
  neverHeardFrom,
  silence,
  silentSince,
  withinPollingHours,
  type AlertSettings,
} from '../../client/src/lib/dashboard/alerts';
import type { MissionDay } from '../../shared/observation-day';
import {
  EMPTY_FILTER,
  allowedActions,
  applyFeedEvents,
  findPatterns,
  isOverdue,
  matchesFilter,
  mergeFetchedFeed,
  patternsOf,
  type FeedFinding,
  type PlaceOf,
} from '../../client/src/lib/dashboard/triage';
import { MissionClock, TriageFeedState } from '../../client/src/lib/state/dashboard.svelte';

const ZONE = 'Asia/Bishkek'; // UTC+6, no daylight saving
const SETTINGS: AlertSettings = {
  silentTeamMinutes: 45,
  pollingStartsAt: '07:00',
  pollingEndsAt: '20:00',
  criticalAckMinutes: 15,
};
/** 12:00 in Bishkek. */
const NOON = new Date('2025-11-30T06:00:00Z');
/** The election day itself: 2025-11-30 in Bishkek, in real time. */
const DAY: MissionDay = { timeZone: ZONE, observationDay: '2025-11-30', drillClock: null };
const minutesBefore = (at: Date, minutes: number) => new Date(at.getTime() - minutes * 60_000).toISOString();

function finding(over: Partial<TriageFinding> = {}): TriageFinding {
  return {
    id: randomUUID(),
    seq: 1,
    category: 'ballot_stuffing',
    severity: 'serious',
    status: 'new',
    stationId: 'st-1',
    stationNumber: '1001',
    district: 'Leninsky',
    reportedAt: minutesBefore(NOON, 5),
    text: 'Several ballots folded together',
    teamId: 'team-1',
    teamCallSign: 'T01',
    position: null,
    statusChangedAt: null,
    acknowledgedAt: null,
    acknowledgedBy: null,
    statusChangedBy: null,
    resolvedAt: null,
    resolvedBy: null,
    assignedTo: null,
    assignedAt: null,
    lastNote: null,
    ...over,
  };
}

function team(over: Partial<Team['status']> = {}, callSign = 'T01'): Team {
  return {
    id: `team-${callSign}`,
    callSign,
    languages: [],
    assignedStationIds: [],
    status: {
      lastSeenAt: minutesBefore(NOON, 10),
      currentStationId: null,
      lastPosition: null,
      helpOpen: false,
      helpRequestedAt: null,
      helpAcknowledgedAt: null,
      silentAcknowledgedAt: null,
      updatedSeq: 1,
      ...over,
    },
  };
}

const place: PlaceOf = {
  station: (id) => (id === 'st-1' ? { number: '1001', district: 'Leninsky' } : undefined),
  callSign: (id) => (id === 'team-1' ? 'T01' : undefined),
};

const envelope = { receivedAt: NOON.toISOString(), occurredAt: minutesBefore(NOON, 3) };
function findingEvent(seq: number, severity: 'critical' | 'minor' = 'critical'): StoredEventOf<'finding'> {
  return {
    ...envelope,
    id: randomUUID(),
    seq,
    type: 'finding',
    teamId: 'team-1',
    stationId: 'st-1',
    category: 'intimidation',
    severity,
    text: 'Men at the door',
    actor: { role: 'team', id: 'team-1', name: 'T01' },
  };
}
function statusEvent(
  seq: number,
  findingId: string,
  status: 'acknowledged' | 'escalated' | 'resolved',
  note?: string,
): StoredEventOf<'finding_status'> {
  return {
    ...envelope,
    id: randomUUID(),
    seq,
    type: 'finding_status',
    teamId: null,
    stationId: 'st-1',
    findingId,
    status,
    ...(note ? { note } : {}),
    actor: { role: 'coordinator', id: 'c1', name: 'aigerim.s' },
  };
}

describe('findings feed', () => {
  it('adds live findings and applies triage with who and the note, ignoring older news', () => {
    const rows = new Map<string, FeedFinding>();
    const reported = findingEvent(5);
    expect(applyFeedEvents(rows, [reported], place)).toBe(true);
    expect(rows.get(reported.id)).toMatchObject({
      stationNumber: '1001',
      district: 'Leninsky',
      teamCallSign: 'T01',
      status: 'new',
      text: 'Men at the door',
    });
    applyFeedEvents(
      rows,
      [statusEvent(6, reported.id, 'acknowledged'), statusEvent(7, reported.id, 'escalated', 'called the CEC')],
      place,
    );
    expect(rows.get(reported.id)).toMatchObject({
      status: 'escalated',
      acknowledgedBy: 'aigerim.s',
      acknowledgedAt: envelope.occurredAt,
      lastNote: 'called the CEC',
      changedSeq: 7,
    });
    // Replayed or older news changes nothing.
    expect(applyFeedEvents(rows, [statusEvent(6, reported.id, 'acknowledged')], place)).toBe(false);
    applyFeedEvents(rows, [statusEvent(8, reported.id, 'resolved')], place);
    expect(rows.get(reported.id)).toMatchObject({
      status: 'resolved',
      lastNote: 'called the CEC',
      statusChangedBy: 'aigerim.s',
      resolvedBy: 'aigerim.s',
      resolvedAt: envelope.occurredAt,
    });
  });

  it('applies assignments, and taking one back', () => {
    const rows = new Map<string, FeedFinding>();
    const reported = findingEvent(5);
    applyFeedEvents(rows, [reported], place);
    const assign = (seq: number, assignee: string | null): StoredEventOf<'finding_assigned'> => ({
      ...envelope,
      id: randomUUID(),
      seq,
      type: 'finding_assigned',
      teamId: null,
      stationId: 'st-1',
      findingId: reported.id,
      assignee,
      actor: { role: 'coordinator', id: 'c1', name: 'aigerim.s' },
    });
    applyFeedEvents(rows, [assign(6, 'aigerim.s')], place);
    expect(rows.get(reported.id)).toMatchObject({ assignedTo: 'aigerim.s', assignedAt: envelope.occurredAt });
    applyFeedEvents(rows, [assign(7, null)], place);
    expect(rows.get(reported.id)).toMatchObject({ assignedTo: null, assignedAt: null });
    expect(applyFeedEvents(rows, [assign(6, 'aigerim.s')], place)).toBe(false);
  });

  it('merges a fetched list with what came live after its head', () => {
    const early = { ...finding({ seq: 3 }), changedSeq: 3 };
    const late = { ...finding({ seq: 12 }), changedSeq: 12 };
    const triagedLive = { ...early, status: 'acknowledged' as const, changedSeq: 11 };
    const held = new Map([
      [early.id, triagedLive],
      [late.id, late],
    ]);
    const merged = mergeFetchedFeed(held, [finding({ ...early, status: 'new' })], 10);
    expect(merged.get(early.id)!.status).toBe('acknowledged');
    expect(merged.has(late.id)).toBe(true);
    // A finding held from before the head but missing from the fetch is gone from the database's view: dropped.
    const stale = { ...finding({ seq: 2 }), changedSeq: 2 };
    expect(mergeFetchedFeed(new Map([[stale.id, stale]]), [], 10).size).toBe(0);
  });

  it('filters by severity, category, district, status, team and free text', () => {
    const a = finding({
      severity: 'critical',
      category: 'intimidation',
      text: 'Men at the door',
      lastNote: 'police called',
    });
    const b = finding({
      severity: 'minor',
      district: 'Sverdlovsky',
      status: 'resolved',
      teamId: 'team-2',
      teamCallSign: 'T02',
    });
    const shown = (filter: Partial<typeof EMPTY_FILTER>) =>
      [a, b].filter((f) => matchesFilter(f, { ...EMPTY_FILTER, ...filter })).map((f) => (f === a ? 'a' : 'b'));
    expect(shown({})).toEqual(['a', 'b']);
    expect(shown({ severities: ['critical', 'serious'] })).toEqual(['a']);
    expect(shown({ category: 'ballot_stuffing' })).toEqual(['b']);
    expect(shown({ district: 'Sverdlovsky' })).toEqual(['b']);
    expect(shown({ status: 'open' })).toEqual(['a']);
    expect(shown({ status: 'resolved' })).toEqual(['b']);
    expect(shown({ teamId: 'team-2' })).toEqual(['b']);
    expect(shown({ text: 'POLICE door' })).toEqual(['a']);
    expect(shown({ text: 't02' })).toEqual(['b']);
  });

  it('shows only the findings assigned to me under "Mine"', () => {
    const a = finding({ assignedTo: 'aigerim.s' });
    const b = finding({ assignedTo: 'bakyt' });
    const c = finding();
    expect([a, b, c].filter((f) => matchesFilter(f, { ...EMPTY_FILTER, assignedTo: 'aigerim.s' }))).toEqual([a]);
    expect([a, b, c].filter((f) => matchesFilter(f, EMPTY_FILTER))).toEqual([a, b, c]);
  });

  it('offers only the triage steps the server accepts', () => {
    expect(allowedActions('new')).toEqual(['acknowledged', 'escalated', 'resolved']);
    expect(allowedActions('acknowledged')).toEqual(['escalated', 'resolved']);
    expect(allowedActions('escalated')).toEqual(['resolved']);
    expect(allowedActions('resolved')).toEqual([]);
  });
});

describe('systematic vs isolated', () => {
  it('flags a category at 3 stations of a district as systematic, 2 findings at one station as repeated, the rest isolated', () => {
    const inDistrict = ['s1', 's2', 's3'].map((stationId) => finding({ stationId, category: 'carousel_voting' }));
    const twoDistricts = [
      finding({ stationId: 's4', category: 'carousel_voting', district: 'Oktyabrsky' }),
      finding({ stationId: 's5', category: 'carousel_voting', district: 'Oktyabrsky' }),
    ];
    const repeated = [finding({ stationId: 's6', category: 'a' }), finding({ stationId: 's6', category: 'b' })];
    const lone = finding({ stationId: 's7', category: 'c' });
    const notes = [finding({ stationId: 's8', severity: 'info' }), finding({ stationId: 's8', severity: 'info' })];
    const all = [...inDistrict, ...twoDistricts, ...repeated, lone, ...notes];
    const patterns = findPatterns(all);
    expect(inDistrict.map((f) => patternsOf(f, patterns))).toEqual([['systematic'], ['systematic'], ['systematic']]);
    expect(twoDistricts.map((f) => patternsOf(f, patterns))).toEqual([[], []]);
    expect(repeated.map((f) => patternsOf(f, patterns))).toEqual([['repeated'], ['repeated']]);
    expect(patternsOf(lone, patterns)).toEqual([]);
    expect(notes.map((f) => patternsOf(f, patterns))).toEqual([[], []]);
    expect(patterns.districts.get('Leninsky')).toEqual(['carousel_voting']);
    // The same station three times is repeated, not systematic: the district rule counts distinct stations.
    const same = findPatterns(['x', 'y', 'z'].map(() => finding({ stationId: 's9', category: 'd' })));
    expect(same.districts.size).toBe(0);
    expect(same.stations.get('s9')).toBe(3);
  });

  it('gives a finding both reasons when its category is systematic in the district and its station has repeated findings', () => {
    const twice = [
      finding({ stationId: 's1', category: 'carousel_voting' }),
      finding({ stationId: 's1', category: 'carousel_voting' }),
    ];
    const others = ['s2', 's3'].map((stationId) => finding({ stationId, category: 'carousel_voting' }));
    const patterns = findPatterns([...twice, ...others]);
    expect(twice.map((f) => patternsOf(f, patterns))).toEqual([
      ['systematic', 'repeated'],
      ['systematic', 'repeated'],
    ]);
    expect(others.map((f) => patternsOf(f, patterns))).toEqual([['systematic'], ['systematic']]);
    // An observer's note is never a pattern, even at a station with repeated findings.
    expect(patternsOf(finding({ stationId: 's1', category: 'carousel_voting', severity: 'info' }), patterns)).toEqual(
      [],
    );
  });
});

describe('alerts with an injected clock', () => {
  it('knows the polling hours in the mission time zone, across midnight too', () => {
    expect(withinPollingHours(NOON, DAY, SETTINGS)).toBe(true);
    expect(withinPollingHours(new Date('2025-11-30T00:59:00Z'), DAY, SETTINGS)).toBe(false); // 06:59 local
    expect(withinPollingHours(new Date('2025-11-30T01:00:00Z'), DAY, SETTINGS)).toBe(true); // 07:00 local
    expect(withinPollingHours(new Date('2025-11-30T14:00:00Z'), DAY, SETTINGS)).toBe(false); // 20:00 local
    const night = { ...SETTINGS, pollingStartsAt: '20:00', pollingEndsAt: '04:00' };
    expect(withinPollingHours(new Date('2025-11-30T16:00:00Z'), DAY, night)).toBe(true); // 22:00 local
    expect(withinPollingHours(NOON, DAY, night)).toBe(false);
  });

  it('raises a silent team after the threshold during polling hours, until acknowledged or heard from again', () => {
    const quiet = team({ lastSeenAt: minutesBefore(NOON, 50) });
    expect(silentSince(team({ lastSeenAt: minutesBefore(NOON, 44) }), NOON, DAY, SETTINGS)).toBeNull();
    expect(silentSince(quiet, NOON, DAY, SETTINGS)?.toISOString()).toBe(quiet.status.lastSeenAt);
    // Outside polling hours nobody is expected to report.
    expect(silentSince(quiet, new Date('2025-11-30T15:00:00Z'), DAY, SETTINGS)).toBeNull();
    const acked = team({ lastSeenAt: minutesBefore(NOON, 50), silentAcknowledgedAt: minutesBefore(NOON, 2) });
    expect(silentSince(acked, NOON, DAY, SETTINGS)).toBeNull();
    // Heard from after the acknowledgement, then silent again: the alert comes back.
    const later = new Date(NOON.getTime() + 60 * 60_000);
    const again = team({ lastSeenAt: minutesBefore(NOON, 1), silentAcknowledgedAt: minutesBefore(NOON, 2) });
    expect(silentSince(again, later, DAY, SETTINGS)).not.toBeNull();
    // Never heard from: silent from the start of polling (07:00 local = 01:00Z).
    expect(silentSince(team({ lastSeenAt: null }), NOON, DAY, SETTINGS)?.toISOString()).toBe(
      '2025-11-30T01:00:00.000Z',
    );
  });

  it("raises silent teams only on the observation day: never on other days, nor before a brand-new mission's election day", () => {
    const quiet = team({ lastSeenAt: null });
    const dayBefore = new Date(NOON.getTime() - 24 * 3600_000);
    const weekAfter = new Date(NOON.getTime() + 7 * 24 * 3600_000);
    expect(silentSince(quiet, NOON, DAY, SETTINGS)).not.toBeNull();
    expect(silentSince(quiet, dayBefore, DAY, SETTINGS)).toBeNull();
    expect(silentSince(quiet, weekAfter, DAY, SETTINGS)).toBeNull();
    expect(deriveAlerts([quiet], [], dayBefore, DAY, SETTINGS)).toEqual([]);
    // Not heard from after the opening is a state in words; before the opening (or another day) it is not.
    expect(neverHeardFrom(quiet, NOON, DAY, SETTINGS)).toBe(true);
    expect(neverHeardFrom(quiet, new Date('2025-11-30T00:30:00Z'), DAY, SETTINGS)).toBe(false);
    expect(neverHeardFrom(quiet, dayBefore, DAY, SETTINGS)).toBe(false);
    // In a drill the observation day is the day it started, so a drill on 12 November raises alerts on 12 November.
    const drill: MissionDay = { ...DAY, observationDay: '2025-11-12' };
    expect(silentSince(quiet, new Date('2025-11-12T06:00:00Z'), drill, SETTINGS)).not.toBeNull();
    expect(silentSince(quiet, NOON, drill, SETTINGS)).toBeNull();
  });

  it("a compressed drill runs the alert on its own clock: polling hours and the silence pass at the drill's pace", () => {
    // The day from 06:30 plays from 18:00 real time (outside real polling hours) at 96 times real speed.
    const realStart = '2025-11-12T12:00:00Z'; // 18:00 in Bishkek
    const drill: MissionDay = {
      timeZone: ZONE,
      observationDay: '2025-11-12',
      drillClock: { realStart, startsAt: '06:30', speed: 96 },
    };
    const atDrill = (hhmm: string) => {
      const [h, m] = hhmm.split(':').map(Number);
      return new Date(Date.parse(realStart) + ((h! * 60 + m! - 390) * 60_000) / 96);
    };
    expect(withinPollingHours(atDrill('06:59'), drill, SETTINGS)).toBe(false);
    expect(withinPollingHours(atDrill('07:00'), drill, SETTINGS)).toBe(true);
    const quiet = team({ lastSeenAt: atDrill('13:00').toISOString() });
    expect(silence(quiet, atDrill('13:40'), drill, SETTINGS)).toBeNull();
    expect(silence(quiet, atDrill('14:00'), drill, SETTINGS)).toEqual({ since: atDrill('13:00'), minutes: 60 });
    expect(deriveAlerts([quiet], [], atDrill('14:00'), drill, SETTINGS)).toMatchObject([
      { kind: 'silent', silentMinutes: 60 },
    ]);
    // Without the drill's clock and day, the same moment (12 November, real time) raises nothing: what issue 19 saw.
    expect(
      silentSince(quiet, atDrill('14:00'), { ...drill, drillClock: null, observationDay: '2025-11-30' }, SETTINGS),
    ).toBeNull();
    // After the drill's 20:00 nobody is expected to report; a team never heard from counts from the drill's 07:00.
    expect(silence(quiet, atDrill('20:30'), drill, SETTINGS)).toBeNull();
    expect(silence(team({ lastSeenAt: null }), atDrill('08:00'), drill, SETTINGS)).toEqual({
      since: atDrill('07:00'),
      minutes: 60,
    });
  });

  it('keeps a help request raised until acknowledged, and raises a newer request again', () => {
    expect(helpAlertOpen(team({ helpOpen: true, helpRequestedAt: minutesBefore(NOON, 5) }))).toBe(true);
    expect(
      helpAlertOpen(
        team({ helpOpen: true, helpRequestedAt: minutesBefore(NOON, 5), helpAcknowledgedAt: minutesBefore(NOON, 4) }),
      ),
    ).toBe(false);
    expect(
      helpAlertOpen(
        team({ helpOpen: true, helpRequestedAt: minutesBefore(NOON, 1), helpAcknowledgedAt: minutesBefore(NOON, 4) }),
      ),
    ).toBe(true);
    expect(helpAlertOpen(team({ helpOpen: false, helpRequestedAt: minutesBefore(NOON, 5) }))).toBe(false);
  });

  it('orders help, overdue critical findings, then silent teams; a critical finding is overdue only unacknowledged past the threshold', () => {
    const teams = [
      team({ lastSeenAt: minutesBefore(NOON, 90) }, 'T03'),
      team({ helpOpen: true, helpRequestedAt: minutesBefore(NOON, 3) }, 'T02'),
    ];
    const overdue = finding({ severity: 'critical', reportedAt: minutesBefore(NOON, 16) });
    const fresh = finding({ severity: 'critical', reportedAt: minutesBefore(NOON, 14) });
    const seen = finding({
      severity: 'critical',
      reportedAt: minutesBefore(NOON, 30),
      acknowledgedAt: minutesBefore(NOON, 20),
      status: 'acknowledged',
    });
    expect(isOverdue(overdue, NOON, 15)).toBe(true);
    expect(isOverdue(fresh, NOON, 15)).toBe(false);
    expect(isOverdue(seen, NOON, 15)).toBe(false);
    const alerts = deriveAlerts(teams, [overdue, fresh, seen], NOON, DAY, SETTINGS);
    expect(alerts.map((a) => a.key)).toEqual(['help:team-T02', 'critical:station:st-1', 'silent:team-T03']);
    expect(alerts[2]).toMatchObject({ kind: 'silent', silentMinutes: 90 });
  });

  it('gives a station one critical alert however many of its critical findings are overdue, oldest first; off-station findings stay alone', () => {
    const first = finding({
      severity: 'critical',
      stationId: 'st-2',
      stationNumber: '1002',
      reportedAt: minutesBefore(NOON, 40),
    });
    const second = finding({
      severity: 'critical',
      stationId: 'st-2',
      stationNumber: '1002',
      reportedAt: minutesBefore(NOON, 20),
    });
    const elsewhere = finding({
      severity: 'critical',
      stationId: 'st-3',
      stationNumber: '1003',
      reportedAt: minutesBefore(NOON, 30),
    });
    const away = [1, 2].map(() =>
      finding({
        severity: 'critical',
        stationId: null,
        stationNumber: null,
        district: null,
        reportedAt: minutesBefore(NOON, 25),
      }),
    );
    const grouped = criticalAlertsByStation([second, elsewhere, ...away, first]);
    expect(grouped.map((a) => [a.key, a.findingIds])).toEqual([
      ['critical:station:st-2', [first.id, second.id]],
      ['critical:station:st-3', [elsewhere.id]],
      [`critical:${away[0]!.id}`, [away[0]!.id]],
      [`critical:${away[1]!.id}`, [away[1]!.id]],
    ]);
    expect(grouped[0]).toMatchObject({ findingId: first.id, stationNumber: '1002', since: first.reportedAt });
    // Through deriveAlerts: only overdue ones count, and the station is named once.
    const fresh = finding({ severity: 'critical', stationId: 'st-2', reportedAt: minutesBefore(NOON, 2) });
    const alerts = deriveAlerts([], [first, second, fresh], NOON, DAY, SETTINGS);
    expect(alerts).toMatchObject([{ kind: 'critical', stationId: 'st-2', findingIds: [first.id, second.id] }]);
  });

  it('re-derives alerts as the injected clock moves', () => {
    let now = NOON;
    const clock = new MissionClock(() => now);
    const quiet = team({ lastSeenAt: minutesBefore(NOON, 40) });
    expect(deriveAlerts([quiet], [], clock.now, DAY, SETTINGS)).toEqual([]);
    now = new Date(NOON.getTime() + 6 * 60_000);
    clock.tick();
    expect(deriveAlerts([quiet], [], clock.now, DAY, SETTINGS).map((a) => a.kind)).toEqual(['silent']);
  });
});

describe('feed state', () => {
  it('keeps a newest-first list and its patterns as live events arrive', () => {
    const state = new TriageFeedState(place);
    const first = findingEvent(1, 'minor');
    const second = findingEvent(2);
    state.applied([first, second] as FeedEvent[]);
    expect(state.items.map((f) => f.id)).toEqual([second.id, first.id]);
    expect(state.patterns.stations.get('st-1')).toBe(2);
    state.applied([statusEvent(3, second.id, 'resolved', 'false alarm')] as FeedEvent[]);
    expect(state.find(second.id)).toMatchObject({ status: 'resolved', lastNote: 'false alarm' });
  });
});
