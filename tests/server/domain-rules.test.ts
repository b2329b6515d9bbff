/** Pure domain rules: the event catalogue's checks, the hash chain, and the secrets. */
import { randomUUID } from 'node:crypto';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { validateEvent, reportableId } from '../../server/modules/events/event-validation';
import { eventHash, genesisHash, type ChainedFields } from '../../server/modules/log/hash-chain';
import {
  hashJoinCode,
  hashPassword,
  newJoinCode,
  normalizeJoinCode,
  verifyPassword,
} from '../../server/modules/auth/secrets';
import { MAX_CLOCK_AHEAD_MS, MAX_EVENT_AGE_MS } from '../../shared/constants';
import { EVENT_TYPES, type StoredEvent } from '../../shared/schemas/events';
import type { events } from '../../db/schema/events';
import { toStoredEvent } from '../../server/modules/log/rows';

const now = new Date('2025-11-30T10:00:00Z');
const base = { id: randomUUID(), teamId: randomUUID(), stationId: randomUUID(), occurredAt: '2025-11-30T09:59:00Z' };

describe('event validation', () => {
  it('accepts each type of the catalogue in its documented shape', () => {
    const samples = [
      { ...base, type: 'arrival' },
      { ...base, type: 'departure', position: { lat: 42.87, lng: 74.6, accuracyM: 12 } },
      {
        ...base,
        type: 'checklist',
        form: 'voting-v1',
        phase: 'voting',
        answers: { q1: true, q2: 3, q3: 'x', q4: ['a'], q5: null },
        assessment: 'good',
      },
      { ...base, type: 'finding', category: 'ballot_stuffing', severity: 'critical', text: 'seen', photoId: 'p-1.jpg' },
      {
        id: base.id,
        occurredAt: base.occurredAt,
        type: 'finding_status',
        findingId: randomUUID(),
        status: 'escalated',
        note: '',
      },
      {
        id: base.id,
        occurredAt: base.occurredAt,
        type: 'finding_assigned',
        findingId: randomUUID(),
        assignee: 'aigerim.s',
      },
      { id: base.id, occurredAt: base.occurredAt, teamId: base.teamId, type: 'position', position: { lat: 0, lng: 0 } },
      { id: base.id, occurredAt: base.occurredAt, teamId: base.teamId, type: 'help_request' },
      { id: base.id, occurredAt: base.occurredAt, teamId: base.teamId, type: 'help_resolved', note: 'ok' },
      {
        id: base.id,
        occurredAt: base.occurredAt,
        teamId: base.teamId,
        type: 'plan_changed',
        stations: [{ stationId: base.stationId, phases: ['opening', 'closing'] }, { stationId: randomUUID() }],
      },
      {
        id: base.id,
        occurredAt: base.occurredAt,
        type: 'conflict_resolved',
        conflictId: randomUUID(),
        note: 'both teams called',
      },
      {
        id: base.id,
        occurredAt: base.occurredAt,
        teamId: base.teamId,
        type: 'team_alert_acknowledged',
        alert: 'silent',
        note: 'called them',
      },
      {
        id: base.id,
        occurredAt: base.occurredAt,
        type: 'message_sent',
        to: { district: 'Leninsky' },
        text: 'Count starts late',
        stationId: base.stationId,
      },
      { id: base.id, occurredAt: base.occurredAt, teamId: base.teamId, type: 'message_read', messageId: randomUUID() },
      {
        id: base.id,
        occurredAt: base.occurredAt,
        teamId: base.teamId,
        type: 'team_message',
        text: 'On our way',
        replyTo: randomUUID(),
      },
      {
        id: base.id,
        occurredAt: base.occurredAt,
        type: 'ballot_set',
        ballot: {
          contests: [
            {
              id: 'mayor',
              name: 'Mayor',
              kind: 'constituency',
              candidates: [{ id: 'A', name: 'Asanov' }],
              stations: 'all',
            },
          ],
          turnoutHours: ['10:00', '14:00'],
          protocolPhotoRequired: true,
        },
      },
      { ...base, type: 'turnout', at: '10:00', voted: 312 },
      {
        ...base,
        type: 'results_protocol',
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
        photoId: 'protocol-1.jpg',
      },
      {
        id: base.id,
        occurredAt: base.occurredAt,
        type: 'official_results_imported',
        contestIds: ['mayor'],
        rows: 354000,
        stations: 177000,
        sha256: 'ab'.repeat(32),
      },
    ];
    expect(samples.map((s) => s.type).sort()).toEqual([...EVENT_TYPES].sort());
    for (const sample of samples) expect(validateEvent(sample, now), sample.type).toMatchObject({ ok: true });
  });

  it.each([
    [{ ...base, type: 'checklist', form: 'f', phase: 'lunch', answers: {}, assessment: 'good' }, '/phase'],
    [{ ...base, type: 'checklist', form: 'f', phase: 'voting', answers: {}, assessment: 'excellent' }, '/assessment'],
    [{ ...base, type: 'finding', category: 'x', severity: 'apocalyptic', text: 't' }, '/severity'],
    [{ ...base, type: 'finding', category: 'x', severity: 'minor', text: '' }, '/text'],
    [{ ...base, type: 'arrival', position: { lat: 91, lng: 0 } }, '/position/lat'],
    [{ ...base, type: 'arrival', teamId: undefined }, '/teamId'],
    [{ ...base, type: 'arrival', occurredAt: 'yesterday' }, '/occurredAt'],
    [{ ...base, type: 'arrival', extra: 1 }, '/extra'],
    [{ id: base.id, occurredAt: base.occurredAt, type: 'message_sent', to: { teamIds: [] }, text: 'x' }, '/to/teamIds'],
    [{ ...base, type: 'turnout', at: '10:00', voted: -1 }, '/voted'],
    [{ ...base, type: 'turnout', at: '10', voted: 1 }, '/at'],
  ])('names the field of a malformed event (%#)', (event, field) => {
    expect(validateEvent(event, now)).toMatchObject({ ok: false, field });
  });

  it('rejects device times too far ahead or too old, and accepts the edges', () => {
    const at = (offsetMs: number) => ({
      ...base,
      type: 'arrival',
      occurredAt: new Date(now.getTime() + offsetMs).toISOString(),
    });
    expect(validateEvent(at(MAX_CLOCK_AHEAD_MS), now).ok).toBe(true);
    expect(validateEvent(at(MAX_CLOCK_AHEAD_MS + 1000), now)).toMatchObject({
      ok: false,
      error: expect.stringContaining('future'),
    });
    expect(validateEvent(at(-MAX_EVENT_AGE_MS), now).ok).toBe(true);
    expect(validateEvent(at(-MAX_EVENT_AGE_MS - 1000), now)).toMatchObject({
      ok: false,
      error: expect.stringContaining('past'),
    });
  });

  it('reports an id only when it is a UUID, and normalises its case', () => {
    expect(reportableId({ id: 'ABCDEF01-2345-4678-9ABC-DEF012345678' })).toBe('abcdef01-2345-4678-9abc-def012345678');
    expect(reportableId({ id: 'x' })).toBeNull();
    expect(reportableId(null)).toBeNull();
  });
});

describe('hash chain', () => {
  const fields: ChainedFields = {
    missionId: randomUUID(),
    seq: 1,
    id: randomUUID(),
    type: 'arrival',
    teamId: randomUUID(),
    stationId: randomUUID(),
    occurredAt: new Date('2025-11-30T09:00:00Z'),
    receivedAt: new Date('2025-11-30T09:00:01Z'),
    actor: { role: 'team', id: 'x', name: 'T01' },
    payload: { b: 1, a: { d: 2, c: 3 } },
    prevHash: genesisHash('m'),
  };

  it('does not depend on key order, and changes with any field', () => {
    const reordered = { ...fields, payload: { a: { c: 3, d: 2 }, b: 1 } };
    expect(eventHash(reordered)).toBe(eventHash(fields));
    for (const change of [
      { seq: 2 },
      { prevHash: 'x' },
      { payload: { b: 2, a: { d: 2, c: 3 } } },
      { occurredAt: new Date('2025-11-30T09:00:00.001Z') },
    ]) {
      expect(eventHash({ ...fields, ...change })).not.toBe(eventHash(fields));
    }
  });

  it('ignores columns the chain does not cover, such as the stored hash itself', () => {
    expect(eventHash({ ...fields, hash: 'whatever' } as ChainedFields)).toBe(eventHash(fields));
  });

  it('starts each mission from its own genesis', () => {
    expect(genesisHash('a')).not.toBe(genesisHash('b'));
  });
});

describe('secrets', () => {
  it('verifies a password against its scrypt hash and nothing else', async () => {
    const hash = await hashPassword('correct horse');
    expect(hash).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(await verifyPassword('correct horse', hash)).toBe(true);
    expect(await verifyPassword('correct hors', hash)).toBe(false);
    expect(await verifyPassword('x', 'garbage')).toBe(false);
  });

  it('makes readable join codes and forgives how people type them', () => {
    const code = newJoinCode();
    expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
    expect(normalizeJoinCode(' ab1o-il0 ')).toBe('AB10110');
    expect(hashJoinCode(code.toLowerCase().replace('-', ' '))).toBe(hashJoinCode(code));
  });
});

describe('types stay aligned', () => {
  it('a stored row maps to the wire type, and the row knows only catalogue types', () => {
    expectTypeOf(toStoredEvent).returns.toEqualTypeOf<StoredEvent>();
    expectTypeOf<(typeof events.$inferSelect)['type']>().toEqualTypeOf<(typeof EVENT_TYPES)[number]>();
  });
});
