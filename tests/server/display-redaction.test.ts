/** The display's share of each event, team status and patch: a pure rule, tested on every type of the catalogue. */
import { randomUUID } from 'node:crypto';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { Compile } from 'typebox/compile';
import {
  redactCommitForDisplay,
  redactEventForDisplay,
  redactFindingSummaryForDisplay,
  redactPatchForDisplay,
  redactReplayForDisplay,
  redactTeamStatusForDisplay,
  redactQuickCountForDisplay,
  redactTurnoutForDisplay,
  STRICTEST_DISPLAY_POLICY,
} from '../../server/modules/events/display-redaction';
import type { QuickCountReply, TurnoutReply } from '../../shared/schemas/results';
import {
  DISPLAY_FIELDS,
  EVENT_TYPES,
  FeedEvent,
  type DisplayEvent,
  type StoredEvent,
} from '../../shared/schemas/events';
import type { FindingSummary } from '../../shared/schemas/findings';
import type { TeamStatus } from '../../shared/schemas/teams';
import type { ReplayReply } from '../../shared/schemas/replay';

const teamId = randomUUID();
const stationId = randomUUID();
const position = { lat: 42.861234, lng: 74.591234, accuracyM: 8 };
const stored = {
  seq: 7,
  receivedAt: '2025-11-30T10:00:01.000Z',
  occurredAt: '2025-11-30T10:00:00.000Z',
  actor: { role: 'team', id: teamId, name: 'T01' },
} as const;

/** One stored event of each type, every optional field filled with something that must not reach a wall. */
const samples: StoredEvent[] = [
  { ...stored, id: randomUUID(), type: 'arrival', teamId, stationId, position },
  { ...stored, id: randomUUID(), type: 'departure', teamId, stationId, position },
  {
    ...stored,
    id: randomUUID(),
    type: 'checklist',
    teamId,
    stationId,
    form: 'voting-v1',
    phase: 'voting',
    answers: { remarks: 'chairman Ivanov shouted', q2: true },
    assessment: 'bad',
  },
  {
    ...stored,
    id: randomUUID(),
    type: 'finding',
    teamId,
    stationId,
    category: 'ballot_stuffing',
    severity: 'critical',
    text: 'saw Mr Petrov stuff ballots',
    position,
    photoId: 'p-1.jpg',
  },
  {
    ...stored,
    id: randomUUID(),
    type: 'finding_status',
    teamId: null,
    stationId,
    findingId: randomUUID(),
    status: 'escalated',
    note: 'called the CEC hotline',
    actor: { role: 'coordinator', id: randomUUID(), name: 'aigerim.s' },
  },
  // Who handles a finding is coordinators' business: neither the assignee nor which finding reaches a wall.
  {
    ...stored,
    id: randomUUID(),
    type: 'finding_assigned',
    teamId: null,
    stationId,
    findingId: 'assigned-finding-secret',
    assignee: 'assignee-secret',
    actor: { role: 'coordinator', id: randomUUID(), name: 'aigerim.s' },
  },
  { ...stored, id: randomUUID(), type: 'position', teamId, stationId: null, position },
  { ...stored, id: randomUUID(), type: 'help_request', teamId, stationId, position, note: 'phone +996 555 123 456' },
  { ...stored, id: randomUUID(), type: 'help_resolved', teamId, stationId: null, note: 'driver picked them up' },
  // Where a team goes is not for a wall: the route stays off it.
  {
    ...stored,
    id: randomUUID(),
    type: 'plan_changed',
    teamId,
    stationId: null,
    stations: [{ stationId: 'route-stop-secret', phases: ['opening'] }],
    actor: { role: 'coordinator', id: randomUUID(), name: 'aigerim.s' },
  },
  {
    ...stored,
    id: randomUUID(),
    type: 'conflict_resolved',
    teamId: null,
    stationId,
    conflictId: randomUUID(),
    note: 'called the CEC hotline again',
    actor: { role: 'coordinator', id: randomUUID(), name: 'aigerim.s' },
  },
  {
    ...stored,
    id: randomUUID(),
    type: 'team_alert_acknowledged',
    teamId,
    stationId: null,
    alert: 'help',
    note: 'driver on the way',
    actor: { role: 'coordinator', id: randomUUID(), name: 'aigerim.s' },
  },
  // Messages never reach a wall: neither the text, nor to whom, nor what a team answered.
  {
    ...stored,
    id: randomUUID(),
    type: 'message_sent',
    teamId: null,
    stationId,
    to: { teamIds: ['recipient-secret'] },
    text: 'message to Ivanov',
    actor: { role: 'coordinator', id: randomUUID(), name: 'aigerim.s' },
  },
  { ...stored, id: randomUUID(), type: 'message_read', teamId, stationId: null, messageId: 'read-message-secret' },
  {
    ...stored,
    id: randomUUID(),
    type: 'team_message',
    teamId,
    stationId: null,
    text: 'answer about Petrov',
    replyTo: 'reply-to-secret',
  },
  // Walls get the turnout figure and the contest of a protocol, never the protocol's figures, votes or photo.
  {
    ...stored,
    id: randomUUID(),
    type: 'ballot_set',
    teamId: null,
    stationId: null,
    ballot: { contests: [], turnoutHours: ['10:00'], protocolPhotoRequired: false },
    actor: { role: 'coordinator', id: randomUUID(), name: 'aigerim.s' },
  },
  { ...stored, id: randomUUID(), type: 'turnout', teamId, stationId, at: '10:00', voted: 312 },
  {
    ...stored,
    id: randomUUID(),
    type: 'results_protocol',
    teamId,
    stationId,
    contestId: 'mayor',
    figures: {
      registered: 2000,
      ballotsReceived: 2000,
      issued: 900,
      foundInBoxes: 900,
      valid: 880,
      invalid: 20,
      spoilt: 0,
      unused: 1100,
    },
    votes: { A: 880 },
    photoId: 'protocol-photo-secret',
  },
  {
    ...stored,
    id: randomUUID(),
    type: 'official_results_imported',
    teamId: null,
    stationId: null,
    contestIds: ['mayor'],
    rows: 6,
    stations: 3,
    sha256: 'ab'.repeat(32),
    actor: { role: 'coordinator', id: randomUUID(), name: 'aigerim.s' },
  },
];
const secrets = [
  'Ivanov',
  'Petrov',
  'CEC hotline',
  '+996',
  'driver',
  'aigerim',
  'p-1.jpg',
  '42.861234',
  '74.591234',
  'T01',
  'route-stop-secret',
  'recipient-secret',
  'read-message-secret',
  'reply-to-secret',
  'assigned-finding-secret',
  'assignee-secret',
  'protocol-photo-secret',
];
const checkFeedEvent = Compile(FeedEvent);

describe('redaction for wall displays', () => {
  it('has a sample of every type of the catalogue', () => {
    expect(samples.map((e) => e.type).sort()).toEqual([...EVENT_TYPES].sort());
  });

  it('keeps the envelope and the listed fields, and nothing else, under the strictest policy', () => {
    for (const event of samples) {
      const redacted = redactEventForDisplay(event, STRICTEST_DISPLAY_POLICY) as Record<string, unknown>;
      expect(Object.keys(redacted).sort(), event.type).toEqual(
        ['id', 'type', 'occurredAt', 'seq', 'receivedAt', 'teamId', 'stationId', ...DISPLAY_FIELDS[event.type]].sort(),
      );
      for (const key of Object.keys(redacted))
        expect(redacted[key]).toEqual((event as unknown as Record<string, unknown>)[key]);
      expect(checkFeedEvent.Check(redacted), event.type).toBe(true);
    }
    const all = JSON.stringify(samples.map((e) => redactEventForDisplay(e, STRICTEST_DISPLAY_POLICY)));
    for (const secret of secrets) expect(all).not.toContain(secret);
  });

  it('adds the finding text only when the mission allows it, and positions only when it allows those', () => {
    const textOnly = samples.map((e) =>
      redactEventForDisplay(e, { showsFindingText: true, showsTeamPositions: false, showsQuickCount: false }),
    );
    expect(textOnly.find((e) => e.type === 'finding')).toMatchObject({ text: 'saw Mr Petrov stuff ballots' });
    expect(JSON.stringify(textOnly)).not.toContain('42.861234');

    const positionsOnly = samples.map((e) =>
      redactEventForDisplay(e, { showsFindingText: false, showsTeamPositions: true, showsQuickCount: false }),
    );
    expect(
      positionsOnly
        .filter((e) => 'position' in e)
        .map((e) => e.type)
        .sort(),
    ).toEqual(['arrival', 'departure', 'finding', 'help_request', 'position']);
    expect(JSON.stringify(positionsOnly)).not.toContain('Petrov');

    // Whatever the policy: never notes, answers, photos or who posted.
    const everything = JSON.stringify(
      samples.map((e) =>
        redactEventForDisplay(e, { showsFindingText: true, showsTeamPositions: true, showsQuickCount: false }),
      ),
    );
    for (const secret of [
      'Ivanov',
      'CEC hotline',
      '+996',
      'driver',
      'aigerim',
      'p-1.jpg',
      'T01',
      'route-stop-secret',
      'assignee-secret',
    ])
      expect(everything).not.toContain(secret);
  });

  it('never changes the event it was given', () => {
    const copy = structuredClone(samples);
    for (const event of samples) redactEventForDisplay(event, STRICTEST_DISPLAY_POLICY);
    expect(samples).toEqual(copy);
  });

  it('drops team positions from status rows and patches unless allowed', () => {
    const status: TeamStatus = {
      lastSeenAt: null,
      currentStationId: stationId,
      lastPosition: { lat: 42.86, lng: 74.59, at: stored.occurredAt },
      helpOpen: true,
      helpRequestedAt: null,
      helpAcknowledgedAt: null,
      silentAcknowledgedAt: null,
      updatedSeq: 3,
    };
    expect(redactTeamStatusForDisplay(status, STRICTEST_DISPLAY_POLICY)).toEqual({ ...status, lastPosition: null });
    expect(
      redactTeamStatusForDisplay(status, { showsFindingText: false, showsTeamPositions: true, showsQuickCount: false }),
    ).toEqual(status);
    const patch = { stations: [], teams: [{ id: teamId, status }] };
    expect(redactPatchForDisplay(patch, STRICTEST_DISPLAY_POLICY).teams[0]!.status.lastPosition).toBeNull();
    expect(patch.teams[0]!.status.lastPosition).not.toBeNull();
  });

  it("redacts a commit's frame whole: every event and every row, by the same rules", () => {
    const status: TeamStatus = {
      lastSeenAt: stored.occurredAt,
      currentStationId: stationId,
      lastPosition: { lat: position.lat, lng: position.lng, at: stored.occurredAt },
      helpOpen: false,
      helpRequestedAt: null,
      helpAcknowledgedAt: null,
      silentAcknowledgedAt: null,
      updatedSeq: 7,
    };
    const patch = { stations: [], teams: [{ id: teamId, status }] };
    const strict = redactCommitForDisplay(samples, patch, STRICTEST_DISPLAY_POLICY);
    expect(strict.events).toEqual(samples.map((e) => redactEventForDisplay(e, STRICTEST_DISPLAY_POLICY)));
    expect(strict.status).toEqual(redactPatchForDisplay(patch, STRICTEST_DISPLAY_POLICY));
    // Nothing of the team's whereabouts nor who posted, in events or rows.
    for (const secret of [String(position.lat), String(position.lng), 'T01']) {
      expect(JSON.stringify(strict), secret).not.toContain(secret);
    }
    const allowed = redactCommitForDisplay(samples, patch, {
      showsFindingText: false,
      showsTeamPositions: true,
      showsQuickCount: false,
    });
    expect(allowed.status!.teams[0]!.status.lastPosition).toEqual(status.lastPosition);
  });

  it('types a display event with the listed fields required and the rest optional', () => {
    expectTypeOf<Extract<DisplayEvent, { type: 'finding' }>['category']>().toEqualTypeOf<string>();
    expectTypeOf<Extract<DisplayEvent, { type: 'finding' }>['text']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<Extract<DisplayEvent, { type: 'position' }>['position']>().toMatchTypeOf<
      { lat: number } | undefined
    >();
    expectTypeOf<StoredEvent>().toMatchTypeOf<DisplayEvent>();
  });
});

describe('off-station incidents on a wall', () => {
  const incident: StoredEvent = {
    ...stored,
    id: randomUUID(),
    type: 'finding',
    teamId,
    stationId: null,
    category: 'vote_buying',
    severity: 'serious',
    text: 'a man near the bus hands out envelopes',
    position,
    photoId: 'p-2.jpg',
  };
  const summary: FindingSummary = {
    id: incident.id,
    seq: 7,
    category: 'vote_buying',
    severity: 'serious',
    status: 'new',
    stationId: null,
    stationNumber: null,
    district: null,
    reportedAt: stored.occurredAt,
    text: 'a man near the bus hands out envelopes',
    photoId: 'p-2.jpg',
    position: { lat: position.lat, lng: position.lng },
  };
  const policies = [
    { showsFindingText: false, showsTeamPositions: false, showsQuickCount: false },
    { showsFindingText: true, showsTeamPositions: false, showsQuickCount: false },
    { showsFindingText: false, showsTeamPositions: true, showsQuickCount: false },
    { showsFindingText: true, showsTeamPositions: true, showsQuickCount: false },
  ];

  it("shows the incident's dot (its position) only where the mission shows team positions, by event and summary alike", () => {
    for (const policy of policies) {
      const event = redactEventForDisplay(incident, policy) as Record<string, unknown>;
      const line = redactFindingSummaryForDisplay(summary, policy);
      expect(event, JSON.stringify(policy)).toMatchObject({ category: 'vote_buying', severity: 'serious' });
      expect(line, JSON.stringify(policy)).toMatchObject({ category: 'vote_buying', severity: 'serious' });
      if (policy.showsTeamPositions) {
        expect(event.position).toEqual(position);
        expect(line.position).toEqual({ lat: position.lat, lng: position.lng });
      } else {
        expect(JSON.stringify([event, line])).not.toContain('42.861234');
      }
    }
  });

  it("never puts the text on the wall unless the mission shows findings' text, and never the photo", () => {
    for (const policy of policies) {
      const both = JSON.stringify([
        redactEventForDisplay(incident, policy),
        redactFindingSummaryForDisplay(summary, policy),
      ]);
      expect(both).not.toContain('p-2.jpg');
      if (!policy.showsFindingText) expect(both).not.toContain('envelopes');
    }
    // The summary given is left as it was.
    expect(summary.text).toBe('a man near the bus hands out envelopes');
  });
});

describe('a past moment shown on the walls', () => {
  const teamStatus: TeamStatus = {
    lastSeenAt: '2025-11-30T10:00:00.000Z',
    currentStationId: stationId,
    lastPosition: { lat: position.lat, lng: position.lng, at: '2025-11-30T10:00:00.000Z' },
    helpOpen: false,
    helpRequestedAt: null,
    helpAcknowledgedAt: null,
    silentAcknowledgedAt: null,
    updatedSeq: 7,
  };
  /** A replayed moment as a coordinator gets it, with a stray text field as a later change to the replay might add. */
  const moment = {
    at: '2025-11-30T10:00:05.000Z',
    seq: 7,
    head: 9,
    stations: [],
    teams: [{ id: teamId, status: teamStatus }],
    findings: [
      {
        id: randomUUID(),
        seq: 7,
        category: 'ballot_stuffing',
        severity: 'critical',
        status: 'new',
        stationId: null,
        teamId,
        reportedAt: '2025-11-30T10:00:00.000Z',
        statusChangedAt: null,
        position: { lat: position.lat, lng: position.lng },
        text: 'saw Mr Petrov stuff ballots',
      },
    ],
    coverage: { head: 7 },
  } as unknown as ReplayReply;

  it('never carries finding text, and team or incident positions only where the mission shows them', () => {
    for (const policy of [
      STRICTEST_DISPLAY_POLICY,
      { showsFindingText: true, showsTeamPositions: false, showsQuickCount: false },
    ]) {
      const shown = JSON.stringify(redactReplayForDisplay(moment, policy));
      expect(shown).not.toContain('Petrov');
      expect(shown).not.toContain(String(position.lat));
      expect(shown).toContain('ballot_stuffing');
    }
    const allowed = redactReplayForDisplay(moment, {
      showsFindingText: true,
      showsTeamPositions: true,
      showsQuickCount: false,
    });
    expect(JSON.stringify(allowed)).not.toContain('Petrov');
    expect(allowed.teams[0]!.status.lastPosition).toEqual(teamStatus.lastPosition);
    expect(allowed.findings[0]!.position).toEqual({ lat: position.lat, lng: position.lng });
  });
});

describe('turnout on a wall', () => {
  it('keeps the sums by hour for the city and districts, never the flagged stations', () => {
    const point = { at: '10:00', stations: 2, voted: 450, registered: 4001, share: 450 / 4001 };
    const turnout: TurnoutReply = {
      turnoutHours: ['10:00'],
      city: [point],
      districts: [{ name: 'Leninsky', hours: [point] }],
      flagged: [{ stationId, stationCode: '1002', at: '10:00', voted: 2500, flags: ['turnout_above_registered'] }],
      head: 9,
    };
    const wall = redactTurnoutForDisplay(turnout);
    expect(wall).toEqual({ ...turnout, flagged: [] });
    expect(JSON.stringify(wall)).not.toContain(stationId);
    expect(turnout.flagged).toHaveLength(1);
  });
});

describe('the quick count on a wall', () => {
  const estimate = { value: 0.5123, marginOfError: 0.0312 };
  const quickCount: QuickCountReply = {
    sampled: true,
    stratified: true,
    origin: {
      source: 'draw',
      method: 'stratified',
      size: 30,
      seed: '918273645546',
      algorithm: 'sha256-order-v1',
      frameSize: 300,
    },
    contests: [
      {
        contestId: 'mayor',
        name: 'Mayor',
        reported: 12,
        sampleSize: 30,
        minReported: 10,
        turnout: { value: 0.4567, marginOfError: 0.02 },
        shares: [{ candidateId: 'A', name: 'Asanov', estimate }],
      },
    ],
    head: 41,
  };

  it('is there when the mission shows it (never the seed), and nothing of it (not even how many reported) otherwise', () => {
    const { origin: _origin, ...estimates } = quickCount;
    const shown = redactQuickCountForDisplay(quickCount, { ...STRICTEST_DISPLAY_POLICY, showsQuickCount: true });
    expect(shown).toEqual(estimates);
    expect(JSON.stringify(shown)).not.toContain('918273645546');
    for (const policy of [
      STRICTEST_DISPLAY_POLICY,
      { showsFindingText: true, showsTeamPositions: true, showsQuickCount: false },
    ]) {
      const wall = redactQuickCountForDisplay(quickCount, policy);
      expect(wall).toEqual({ sampled: false, stratified: false, contests: [], head: 41 });
      expect(JSON.stringify(wall)).not.toMatch(/0\.5123|Asanov|mayor/);
    }
    expect(STRICTEST_DISPLAY_POLICY.showsQuickCount).toBe(false);
  });
});
