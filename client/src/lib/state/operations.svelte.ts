/**
 * The mission operations page's state: the mission's drill mode and chain head, stations, teams with their plans, and
 * open conflicts, kept live through the coordinators' socket (a plan changed by another coordinator, a new conflict,
 * a wiped drill).
 */
import type { Conflict } from '../../../../shared/schemas/conflicts';
import type { FormsReply } from '../../../../shared/schemas/forms';
import type { OperationsState } from '../../../../shared/schemas/operations';
import type { Station } from '../../../../shared/schemas/stations';
import type { Team } from '../../../../shared/schemas/teams';
import type { ApiClient } from '../api';
import { connectSocket, type VigilSocket } from '../socket';

export class OperationsStore {
  ops = $state<OperationsState | null>(null);
  stations = $state.raw<Station[]>([]);
  teams = $state.raw<Team[]>([]);
  conflicts = $state.raw<Conflict[]>([]);
  /** The mission's field kit: conflicts name questions by id, the page shows their labels. */
  kit = $state.raw<FormsReply | null>(null);
  problem = $state<string | null>(null);
  /** Bumped when another coordinator changed a plan, so an editor can tell the user. */
  planVersion = $state(0);
  #api: ApiClient;
  #socket: VigilSocket | null = null;
  #head = 0;
  #reloadTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(api: ApiClient) {
    this.#api = api;
  }

  async load(): Promise<void> {
    try {
      const [ops, stations, teams, conflicts, kit] = await Promise.all([
        this.#api.operations(),
        this.#api.stations(),
        this.#api.teams(),
        this.#api.conflicts(),
        this.#api.forms(),
      ]);
      this.kit = kit;
      this.ops = ops;
      this.stations = stations.stations;
      this.teams = teams.teams;
      this.conflicts = conflicts.conflicts;
      this.#head = ops.head.seq;
      this.problem = null;
    } catch (error) {
      this.problem = error instanceof Error ? error.message : String(error);
    }
  }

  /** Listens for news: plan changes and checklists reload the affected lists; a wiped drill reloads everything. */
  connect(token: string): void {
    const socket = connectSocket({ token, lastSeq: () => this.#head });
    socket.on('commit', ({ events }) => {
      for (const event of events) this.#head = Math.max(this.#head, event.seq);
      if (events.some((e) => e.type === 'plan_changed')) this.planVersion += 1;
      if (events.length) this.#scheduleReload();
    });
    socket.on('mission_reset', () => {
      this.#head = 0;
      void this.load();
    });
    this.#socket = socket;
  }

  /** Many events in a burst (a drill) cause one reload, not one per frame. */
  #scheduleReload(): void {
    if (this.#reloadTimer !== null) return;
    this.#reloadTimer = setTimeout(() => {
      this.#reloadTimer = null;
      void this.load();
    }, 300);
  }

  close(): void {
    if (this.#reloadTimer !== null) clearTimeout(this.#reloadTimer);
    this.#socket?.close();
    this.#socket = null;
  }
}
