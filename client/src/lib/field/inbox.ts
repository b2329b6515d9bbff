/**
 * The phone's view of its team's inbox: what the server holds (GET /api/messages, the socket's `message`) merged with
 * what this phone has done and not yet sent (reads and answers waiting in the outbox), so a tap shows at once, offline
 * too. Pure functions: the field app's state calls them.
 */
import type { InboxItem } from '../../../../shared/schemas/messages';
import type { OutboxItem } from './outbox';

/** Adds items to those held, by id: the newer copy wins, but a read never becomes unread again. Oldest first. */
export function mergeInbox(held: readonly InboxItem[], incoming: readonly InboxItem[]): InboxItem[] {
  const byId = new Map(held.map((i) => [i.id, i]));
  for (const item of incoming) {
    const before = byId.get(item.id);
    byId.set(
      item.id,
      before && before.readAt !== null && item.readAt === null ? { ...item, readAt: before.readAt } : item,
    );
  }
  return [...byId.values()].sort((a, b) => a.seq - b.seq);
}

export interface InboxView {
  /** Items from coordinators nobody on this phone or the team's other phone has confirmed reading, newest first. */
  unread: InboxItem[];
  /** The whole conversation, oldest first, with this phone's answers still waiting to go out at the end. */
  conversation: InboxItem[];
}

export function inboxView(
  items: readonly InboxItem[],
  outbox: readonly OutboxItem[],
  teamId: string,
  callSign: string,
): InboxView {
  const readHere = new Set<string>();
  const known = new Set(items.map((i) => i.id));
  const waiting: InboxItem[] = [];
  for (const entry of outbox) {
    if (entry.kind !== 'event' || entry.state === 'rejected') continue;
    const event = entry.event;
    if (event.type === 'message_read') readHere.add(event.messageId);
    if (event.type === 'team_message' && !known.has(event.id)) {
      waiting.push({
        id: event.id,
        // Not stored yet: after everything the server has.
        seq: Number.MAX_SAFE_INTEGER,
        teamId,
        kind: 'reply',
        at: event.occurredAt,
        from: callSign,
        text: event.text,
        stationId: null,
        station: null,
        findingId: null,
        status: null,
        replyTo: event.replyTo ?? null,
        readAt: null,
      });
    }
  }
  const unread = items.filter((i) => i.kind !== 'reply' && i.readAt === null && !readHere.has(i.id)).reverse();
  return { unread, conversation: [...items, ...waiting] };
}

/**
 * The coordinator's acknowledgement of the team's open help request: what the phone shows under "Need help", so the
 * observer knows someone has answered. The server accepts an acknowledgement only while a request is open, so any one
 * stored after the request (`seq`) answers it; for a request made on the team's other phone only the server's time of
 * the request is known (`at`).
 */
export function helpAnswer(
  items: readonly InboxItem[],
  request: { seq: number } | { at: string } | null,
): InboxItem | null {
  if (request === null) return null;
  const answers = items.filter((i) => i.kind === 'help_acknowledged');
  const after =
    'seq' in request
      ? answers.filter((i) => i.seq > request.seq)
      : answers.filter((i) => Date.parse(i.at) >= Date.parse(request.at));
  return after.at(-1) ?? null;
}
