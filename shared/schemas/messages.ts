/**
 * Messages between coordinators and teams, and the notices a team's phones get about their own requests and reports
 * (help acknowledged or closed, a finding triaged). The events are `message_sent`, `message_read` and `team_message`
 * (shared/schemas/events.ts); these are the read shapes: GET /api/messages and the team socket's `message`.
 */
import { Type, type Static } from 'typebox';
import { IsoTime, Seq, Uuid, oneOf } from './common';
import { Station } from './stations';

/** What put an item in a team's inbox. `reply` is the team's own answer (a `team_message`). */
export const INBOX_KINDS = ['message', 'help_acknowledged', 'help_resolved', 'finding_status', 'reply'] as const;
export type InboxKind = (typeof INBOX_KINDS)[number];
export const InboxKind = oneOf(INBOX_KINDS);

/** One item of a team's conversation with its coordinators. `id` is the event's id (a `message_read` names it). */
export const InboxItem = Type.Object({
  id: Uuid,
  seq: Seq,
  teamId: Uuid,
  kind: InboxKind,
  at: IsoTime,
  /** The coordinator's name; the team's call sign for a reply. */
  from: Type.String(),
  text: Type.Union([Type.String(), Type.Null()]),
  stationId: Type.Union([Uuid, Type.Null()]),
  /**
   * The station `stationId` names, as it stood when the item was read or sent: phones keep only their plan's stations,
   * and a coordinator may send a team anywhere, so the item carries what the phone needs to show, open and check in.
   */
  station: Type.Union([Station, Type.Null()]),
  findingId: Type.Union([Uuid, Type.Null()]),
  status: Type.Union([Type.String(), Type.Null()]),
  replyTo: Type.Union([Uuid, Type.Null()]),
  /** When one of the team's phones confirmed reading it (null: unread). Always null for replies. */
  readAt: Type.Union([IsoTime, Type.Null()]),
});
export type InboxItem = Static<typeof InboxItem>;

/** One team's receipt of a coordinator's message. */
export const MessageReceipt = Type.Object({
  teamId: Uuid,
  callSign: Type.String(),
  readAt: Type.Union([IsoTime, Type.Null()]),
});
export type MessageReceipt = Static<typeof MessageReceipt>;

/** A coordinator's message as coordinators see it: to whom it went and who has read it. */
export const SentMessage = Type.Object({
  id: Uuid,
  seq: Seq,
  at: IsoTime,
  from: Type.String(),
  text: Type.String(),
  stationId: Type.Union([Uuid, Type.Null()]),
  receipts: Type.Array(MessageReceipt),
});
export type SentMessage = Static<typeof SentMessage>;

/**
 * GET /api/messages. A team: `items` is its own conversation, oldest first (messages, notices, its replies), and
 * `messages` is empty. A coordinator: `messages` are every message sent, newest first, with receipts, and `items` the
 * teams' replies, newest first.
 */
export const MessagesReply = Type.Object({
  items: Type.Array(InboxItem),
  messages: Type.Array(SentMessage),
  head: Seq,
});
export type MessagesReply = Static<typeof MessagesReply>;
