/**
 * The mission's headline figures, always as the server computed them from the database (GET /api/summary); also read
 * now and then without news, because "active teams" changes with time alone.
 */
import type { Summary } from '../../../../shared/schemas/summary';
import { ServerFigures } from './server-figures.svelte';

export class MissionSummaryState extends ServerFigures<Summary> {
  constructor() {
    super({ read: (api) => api.summary(), debounceMs: 150, retryMs: 5_000, refreshMs: 60_000 });
  }
}
