/**
 * Turnout by hour and the results protocols as the server computed them (GET /api/turnout, GET /api/protocols), read
 * again a moment after a turnout report, a protocol or a ballot change arrives live, and on every reconnect.
 */
import type { FeedEvent } from '../../../../shared/schemas/events';
import type { ProtocolsReply, QuickCountReply, TurnoutReply } from '../../../../shared/schemas/results';
import type { OfficialComparisonReply, ResultChecksReply } from '../../../../shared/schemas/official-results';
import { ServerFigures } from './server-figures.svelte';

const RESULTS_DEBOUNCE_MS = 300;
const RETRY_MS = 5_000;
const RESULT_EVENTS = new Set(['turnout', 'results_protocol', 'ballot_set', 'official_results_imported']);

const touchesResults = (events: readonly FeedEvent[]) => events.some((e) => RESULT_EVENTS.has(e.type));

export class TurnoutState extends ServerFigures<TurnoutReply> {
  constructor() {
    super({ read: (api) => api.turnout(), debounceMs: RESULTS_DEBOUNCE_MS, retryMs: RETRY_MS });
  }
  /** Check-ins and the like patch rows too: only the events below change these figures. */
  override patched(): void {}
  applied(events: readonly FeedEvent[]): void {
    if (touchesResults(events)) super.patched();
  }
}

export class ProtocolsState extends ServerFigures<ProtocolsReply> {
  constructor() {
    super({ read: (api) => api.protocols(), debounceMs: RESULTS_DEBOUNCE_MS, retryMs: RETRY_MS });
  }
  /** Check-ins and the like patch rows too: only the events below change these figures. */
  override patched(): void {}
  applied(events: readonly FeedEvent[]): void {
    if (touchesResults(events)) super.patched();
  }
}

export class QuickCountState extends ServerFigures<QuickCountReply> {
  constructor() {
    super({ read: (api) => api.quickCount(), debounceMs: RESULTS_DEBOUNCE_MS, retryMs: RETRY_MS });
  }
  override patched(): void {}
  applied(events: readonly FeedEvent[]): void {
    if (touchesResults(events)) super.patched();
  }
}

/** Observed protocols against the official results: read again when a protocol, the ballot or an import arrives. */
export class OfficialComparisonState extends ServerFigures<OfficialComparisonReply> {
  constructor() {
    super({ read: (api) => api.officialComparison(), debounceMs: RESULTS_DEBOUNCE_MS, retryMs: RETRY_MS });
  }
  override patched(): void {}
  applied(events: readonly FeedEvent[]): void {
    if (touchesResults(events)) super.patched();
  }
}

/** Results worth a look and the election fingerprints: read again when a protocol, the ballot or an import arrives. */
export class ResultChecksState extends ServerFigures<ResultChecksReply> {
  constructor() {
    super({ read: (api) => api.resultChecks(), debounceMs: RESULTS_DEBOUNCE_MS, retryMs: RETRY_MS });
  }
  override patched(): void {}
  applied(events: readonly FeedEvent[]): void {
    if (touchesResults(events)) super.patched();
  }
}
