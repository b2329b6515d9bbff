/**
 * The station the coordinator opened (from the map, the station list or a finding): its full story from
 * GET /api/stations/:id/detail, read again whenever an event about it arrives. Anything that wants to open the panel
 * calls `stationPanel.open(id)`.
 */
import type { StationDetailReply } from '../../../../shared/schemas/map';
import type { ApiClient } from '../api';
import { liveMission } from './live-mission.svelte';

/** Events for the open station within this long are read back as one request. */
const REFRESH_DELAY_MS = 150;

export class StationPanel {
  selectedStationId = $state<string | null>(null);
  detail = $state.raw<StationDetailReply | null>(null);
  loading = $state(false);
  error = $state<string | null>(null);

  #api: ApiClient | null = null;
  #request = 0;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #unfollow: (() => void) | null = null;

  /** Connects the panel to the API and the live feed; returns the function that disconnects it. */
  start(api: ApiClient): () => void {
    this.#api = api;
    this.#unfollow?.();
    this.#unfollow = liveMission.follow({
      resync: () => this.#refreshSoon(),
      applied: (events) => {
        const id = this.selectedStationId;
        if (id !== null && events.some((event) => event.stationId === id || touchesFindingOf(event, this.detail)))
          this.#refreshSoon();
      },
    });
    return () => {
      this.#unfollow?.();
      this.#unfollow = null;
      this.#api = null;
      this.close();
    };
  }

  open(stationId: string): void {
    if (this.selectedStationId !== stationId) this.detail = null;
    this.selectedStationId = stationId;
    void this.#load();
  }

  close(): void {
    this.selectedStationId = null;
    this.detail = null;
    this.error = null;
    this.#request++;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }

  #refreshSoon(): void {
    if (this.selectedStationId === null || this.#timer !== null) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.#load();
    }, REFRESH_DELAY_MS);
  }

  async #load(): Promise<void> {
    const api = this.#api;
    const stationId = this.selectedStationId;
    if (api === null || stationId === null) return;
    const request = ++this.#request;
    this.loading = true;
    try {
      const detail = await api.stationDetail(stationId);
      if (request !== this.#request) return;
      this.detail = detail;
      this.error = null;
    } catch (error) {
      if (request !== this.#request) return;
      this.error = error instanceof Error ? error.message : String(error);
    } finally {
      if (request === this.#request) this.loading = false;
    }
  }
}

/** A triage event names the finding, and carries the station too; kept for events that might not. */
function touchesFindingOf(event: { type: string; findingId?: unknown }, detail: StationDetailReply | null): boolean {
  return (
    (event.type === 'finding_status' || event.type === 'finding_assigned') &&
    detail !== null &&
    detail.findings.some((finding) => finding.id === event.findingId)
  );
}

export const stationPanel = new StationPanel();
