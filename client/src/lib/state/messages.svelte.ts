/**
 * Coordinators' view of messages to teams: every message with who has read it ("read by T03, T07 · unread by T11"),
 * and the teams' answers. Read from GET /api/messages after each (re)connect and shortly after any message event in
 * the live feed (a send, a read, an answer), so receipts follow live and always equal the database.
 */
import type { FeedEvent, MessageRecipients } from '../../../../shared/schemas/events';
import type { MessagesReply, SentMessage } from '../../../../shared/schemas/messages';
import type { ApiClient } from '../api';
import { ServerFigures } from './server-figures.svelte';

/** Message events arriving within this window share one read. */
const MESSAGES_DEBOUNCE_MS = 300;
const MESSAGES_RETRY_MS = 5000;
const MESSAGE_EVENTS = new Set<string>(['message_sent', 'message_read', 'team_message']);

export class MessagesState extends ServerFigures<MessagesReply> {
  constructor() {
    super({ read: (api) => api.messages(), debounceMs: MESSAGES_DEBOUNCE_MS, retryMs: MESSAGES_RETRY_MS });
  }

  /** Status patches are no news of messages. */
  override patched(): void {}

  applied(events: readonly FeedEvent[]): void {
    if (events.some((e) => MESSAGE_EVENTS.has(e.type))) super.patched();
  }
}

/** "read by T03, T07 · unread by T11" as two lists of call signs. */
export function receiptsOf(message: SentMessage): { read: string[]; unread: string[] } {
  const read = message.receipts.filter((r) => r.readAt !== null).map((r) => r.callSign);
  const unread = message.receipts.filter((r) => r.readAt === null).map((r) => r.callSign);
  return { read, unread };
}

/** Sends a message; resolves to null when stored, else the server's reason. */
export async function sendMessage(
  api: ApiClient,
  to: MessageRecipients,
  text: string,
  stationId: string | null,
): Promise<string | null> {
  try {
    const reply = await api.postEvents([
      {
        id: crypto.randomUUID(),
        type: 'message_sent',
        occurredAt: new Date().toISOString(),
        to,
        text,
        ...(stationId ? { stationId } : {}),
      },
    ]);
    const result = reply.results[0];
    return result?.status === 'stored' || result?.status === 'duplicate' ? null : (result?.error ?? 'not stored');
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
