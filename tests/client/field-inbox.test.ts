/** The phone's view of its inbox: merging what the server and socket bring, reads and answers waiting in the outbox, and which acknowledgement answers the open help request. */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { EventInput } from '../../shared/schemas/events';
import type { InboxItem } from '../../shared/schemas/messages';
import { helpAnswer, inboxView, mergeInbox } from '../../client/src/lib/field/inbox';
import type { OutboxItem } from '../../client/src/lib/field/outbox';

const TEAM = randomUUID();
const item = (seq: number, over: Partial<InboxItem> = {}): InboxItem => ({
  id: randomUUID(),
  seq,
  teamId: TEAM,
  kind: 'message',
  at: new Date(Date.UTC(2025, 10, 30, 8, seq)).toISOString(),
  from: 'coordinator',
  text: `message ${seq}`,
  stationId: null,
  station: null,
  findingId: null,
  status: null,
  replyTo: null,
  readAt: null,
  ...over,
});
let order = 0;
const queued = (event: EventInput, state: OutboxItem['state'] = 'pending', seq?: number): OutboxItem => ({
  kind: 'event',
  id: event.id,
  order: order++,
  createdAt: event.occurredAt,
  state,
  attempts: 0,
  lastError: null,
  settledAt: null,
  note: null,
  event,
  result: seq === undefined ? null : { id: event.id, status: 'stored', seq },
});

describe('the phone inbox', () => {
  it('merges by id in log order, and a read item never turns unread again', () => {
    const a = item(5);
    const b = item(3);
    const readA = { ...a, readAt: '2025-11-30T08:10:00.000Z' };
    const merged = mergeInbox([readA], [b, a]);
    expect(merged.map((i) => i.seq)).toEqual([3, 5]);
    expect(merged[1]!.readAt).toBe(readA.readAt);
  });

  it("lists unread items newest first, leaving out those read on this phone (even unsent) and the team's own answers", () => {
    const [first, second, third] = [item(1), item(2), item(3, { kind: 'help_acknowledged' })];
    const reply = item(4, { kind: 'reply', from: 'T01' });
    const read = queued({
      id: randomUUID(),
      type: 'message_read',
      teamId: TEAM,
      messageId: first.id,
      occurredAt: new Date().toISOString(),
    });
    const refused = queued(
      {
        id: randomUUID(),
        type: 'message_read',
        teamId: TEAM,
        messageId: second.id,
        occurredAt: new Date().toISOString(),
      },
      'rejected',
    );
    const answer = queued({
      id: randomUUID(),
      type: 'team_message',
      teamId: TEAM,
      text: 'On our way',
      replyTo: third.id,
      occurredAt: new Date().toISOString(),
    });
    const view = inboxView([first, second, third, reply], [read, refused, answer], TEAM, 'T01');
    expect(view.unread.map((i) => i.id)).toEqual([third.id, second.id]);
    expect(view.conversation.map((i) => i.kind)).toEqual(['message', 'message', 'help_acknowledged', 'reply', 'reply']);
    expect(view.conversation.at(-1)).toMatchObject({
      id: answer.id,
      text: 'On our way',
      from: 'T01',
      replyTo: third.id,
    });
  });

  it('shows only an acknowledgement stored after the open help request', () => {
    const earlier = item(2, { kind: 'help_acknowledged', text: 'old' });
    const later = item(9, { kind: 'help_acknowledged', text: 'Calling you now' });
    expect(helpAnswer([earlier, later], { seq: 5 })?.text).toBe('Calling you now');
    expect(helpAnswer([earlier], { seq: 5 })).toBeNull();
    expect(helpAnswer([earlier, later], { at: later.at })?.text).toBe('Calling you now');
    expect(helpAnswer([earlier, later], null)).toBeNull();
  });
});
