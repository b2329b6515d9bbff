/** Messages between coordinators and teams (the read model kept by messages.projection.ts). */
import type { Db } from '../../../db/client';
import type { MessagesReply, SentMessage } from '../../../shared/schemas/messages';
import type { Principal } from '../auth/principal';
import { readHead } from '../events/events.repository';
import { toInboxItem } from './messages.projection';
import { listInboxOfKind, listTeamInbox } from './messages.repository';

export function createMessagesService(db: Db) {
  /** A team reads its own conversation; a coordinator reads every message with its receipts, and the teams' answers. */
  async function list(principal: Principal): Promise<MessagesReply> {
    const { missionId } = principal;
    if (principal.teamId !== null) {
      const [rows, head] = await Promise.all([listTeamInbox(db, missionId, principal.teamId), readHead(db, missionId)]);
      return { items: rows.map(toInboxItem), messages: [], head };
    }
    const [sent, replies, head] = await Promise.all([
      listInboxOfKind(db, missionId, 'message'),
      listInboxOfKind(db, missionId, 'reply'),
      readHead(db, missionId),
    ]);
    const messages = new Map<string, SentMessage>();
    for (const { row, callSign } of sent) {
      let message = messages.get(row.eventId);
      if (!message) {
        message = { id: row.eventId, seq: row.seq, at: row.at.toISOString(), from: row.fromName, text: row.text ?? '', stationId: row.stationId, receipts: [] };
        messages.set(row.eventId, message);
      }
      message.receipts.push({ teamId: row.teamId, callSign, readAt: row.readAt?.toISOString() ?? null });
    }
    return { items: replies.map(({ row }) => toInboxItem(row)), messages: [...messages.values()], head };
  }
  return { list };
}
