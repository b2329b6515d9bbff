/** Messages between coordinators and teams (the read model kept by messages.projection.ts). */
import type { Db, Tx } from '../../../db/client';
import type { InboxItem, MessagesReply, SentMessage } from '../../../shared/schemas/messages';
import type { Principal } from '../auth/principal';
import { readHead } from '../log/head';
import { readStationsById } from '../stations/stations.service';
import { toInboxItem } from './messages.projection';
import { listInboxOfKind, listTeamInbox } from './messages.repository';

/**
 * Puts on each item the station it names. A phone keeps only its plan's stations, and a coordinator may send its team
 * to any station of the country: without this the phone could neither name that station nor go there.
 */
export async function attachStations(reader: Db | Tx, missionId: string, items: InboxItem[]): Promise<InboxItem[]> {
  const ids = [...new Set(items.flatMap((item) => (item.stationId === null ? [] : [item.stationId])))];
  if (ids.length === 0) return items;
  const byId = new Map((await readStationsById(reader, missionId, ids)).map((s) => [s.id, s]));
  return items.map((item) => (item.stationId === null ? item : { ...item, station: byId.get(item.stationId) ?? null }));
}

export function createMessagesService(db: Db) {
  /** A team reads its own conversation; a coordinator reads every message with its receipts, and the teams' answers. */
  async function list(principal: Principal): Promise<MessagesReply> {
    const { missionId } = principal;
    if (principal.teamId !== null) {
      const [rows, head] = await Promise.all([listTeamInbox(db, missionId, principal.teamId), readHead(db, missionId)]);
      return {
        items: await attachStations(
          db,
          missionId,
          rows.map((row) => toInboxItem(row)),
        ),
        messages: [],
        head,
      };
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
        message = {
          id: row.eventId,
          seq: row.seq,
          at: row.at.toISOString(),
          from: row.fromName,
          text: row.text ?? '',
          stationId: row.stationId,
          receipts: [],
        };
        messages.set(row.eventId, message);
      }
      message.receipts.push({ teamId: row.teamId, callSign, readAt: row.readAt?.toISOString() ?? null });
    }
    return {
      items: await attachStations(
        db,
        missionId,
        replies.map(({ row }) => toInboxItem(row)),
      ),
      messages: [...messages.values()],
      head,
    };
  }
  return { list };
}
