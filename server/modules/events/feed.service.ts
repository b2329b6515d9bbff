/**
 * The event feed as each reader may see it: whole stored events for coordinators, redacted ones for displays. Used by
 * GET /api/events, the catch-up on connect and the `catch_up` command, so the three can never disagree.
 */
import type { FeedPage } from '../../../shared/schemas/events';
import type { Principal } from '../auth/principal';
import type { DisplayPolicies } from '../displays/display-policies';
import { redactEventsForDisplay } from './display-redaction';
import type { EventsService } from './events.service';

export function createFeedService(events: Pick<EventsService, 'listAfter'>, policies: DisplayPolicies) {
  async function page(principal: Principal, after: number, limit: number): Promise<FeedPage> {
    const stored = await events.listAfter(principal.missionId, after, limit);
    // Only coordinators read the log whole; any other reader gets the display's share of it.
    if (principal.role === 'coordinator') return stored;
    const policy = await policies.get(principal.missionId);
    return { head: stored.head, events: redactEventsForDisplay(stored.events, policy) };
  }
  return { page };
}

export type FeedService = ReturnType<typeof createFeedService>;
