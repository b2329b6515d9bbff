/**
 * The team's inbox on the phone: coordinators' messages and the notices about the team's help requests and findings,
 * kept on the phone for offline use, fetched with the plan and pushed by the team socket's `message`. Reads and answers
 * go out through the outbox like every report (`message_read`, `team_message`). A new item sounds and vibrates where
 * the browser allows it.
 */
import type { EventInput } from '../../../../shared/schemas/events';
import type { InboxItem } from '../../../../shared/schemas/messages';
import type { KeyValue } from '../field/field-db';
import type { OutboxItem } from '../field/outbox';
import { helpAnswer, inboxView, mergeInbox, type InboxView } from '../field/inbox';
import { newId } from '../uuid';

/** What the inbox reads from the field app (reactive reads: the derived views follow them). */
export interface InboxHost {
  session(): { teamId: string; callSign: string } | null;
  outbox(): OutboxItem[];
  helpRequestedAt(): string | null;
  report(event: EventInput): Promise<void>;
}

/** Vibration pattern for a new message: two short pulses (ms). */
const NEW_MESSAGE_VIBRATION_MS = [200, 100, 200];

export class FieldInbox {
  items = $state.raw<InboxItem[]>([]);
  /** Local stops the team added from a message naming a station ("add to my plan"): the phone's own, not the plan. */
  addedStops = $state.raw<string[]>([]);
  view: InboxView = $derived(this.#view());
  /** The coordinator's answer to the team's open help request, if there is one. */
  helpAnswer = $derived(this.#helpAnswer());

  readonly #host: InboxHost;
  #cache: KeyValue<unknown> | null = null;
  #audio: AudioContext | null = null;

  constructor(host: InboxHost) {
    this.#host = host;
  }

  async load(cache: KeyValue<unknown>): Promise<void> {
    this.#cache = cache;
    const [items, stops] = await Promise.all([cache.get('inbox'), cache.get('added-stops')]);
    if (Array.isArray(items)) this.items = items as InboxItem[];
    if (Array.isArray(stops)) this.addedStops = stops as string[];
  }

  /**
   * The server's whole inbox (after a fetch), merged into what is held: an item the socket brought while the fetch was
   * on its way stays.
   */
  async replace(items: InboxItem[]): Promise<void> {
    this.items = mergeInbox(this.items, items);
    await this.#cache?.set('inbox', $state.snapshot(this.items));
  }

  /** One item pushed by the socket. */
  async receive(item: InboxItem): Promise<void> {
    const isNew = !this.items.some((i) => i.id === item.id);
    this.items = mergeInbox(this.items, [item]);
    if (isNew && item.kind !== 'reply') this.#alert();
    await this.#cache?.set('inbox', $state.snapshot(this.items));
  }

  forget(): void {
    this.items = [];
    void this.#cache?.set('inbox', []);
  }

  markRead(messageId: string): Promise<void> {
    const session = this.#requireSession();
    return this.#host.report({
      id: newId(),
      type: 'message_read',
      teamId: session.teamId,
      messageId,
      occurredAt: new Date().toISOString(),
    });
  }

  answer(text: string, replyTo: string | null): Promise<void> {
    const session = this.#requireSession();
    return this.#host.report({
      id: newId(),
      type: 'team_message',
      teamId: session.teamId,
      text,
      occurredAt: new Date().toISOString(),
      ...(replyTo ? { replyTo } : {}),
    });
  }

  async addStop(stationId: string): Promise<void> {
    if (this.addedStops.includes(stationId)) return;
    this.addedStops = [...this.addedStops, stationId];
    await this.#cache?.set('added-stops', [...this.addedStops]);
  }

  #requireSession() {
    const session = this.#host.session();
    if (!session) throw new Error('not joined');
    return session;
  }

  #view(): InboxView {
    const session = this.#host.session();
    return session
      ? inboxView(this.items, this.#host.outbox(), session.teamId, session.callSign)
      : { unread: [], conversation: [] };
  }

  #helpAnswer(): InboxItem | null {
    const request = this.#host
      .outbox()
      .findLast((i) => i.kind === 'event' && i.event.type === 'help_request' && i.state !== 'rejected');
    if (request?.kind === 'event') {
      const seq = request.result?.seq;
      // Not stored yet: no coordinator can have seen it.
      return seq === undefined ? null : helpAnswer(this.items, { seq });
    }
    const at = this.#host.helpRequestedAt();
    return at === null ? null : helpAnswer(this.items, { at });
  }

  /** A short tone and a vibration; browsers that forbid either (no user gesture yet, no vibrator) just stay quiet. */
  #alert(): void {
    try {
      navigator.vibrate?.(NEW_MESSAGE_VIBRATION_MS);
    } catch {
      // Not allowed here.
    }
    try {
      this.#audio ??= new AudioContext();
      const osc = this.#audio.createOscillator();
      const gain = this.#audio.createGain();
      osc.frequency.value = 660;
      gain.gain.value = 0.15;
      osc.connect(gain).connect(this.#audio.destination);
      osc.start();
      osc.stop(this.#audio.currentTime + 0.25);
    } catch {
      // No Web Audio, or not before a tap.
    }
  }
}
