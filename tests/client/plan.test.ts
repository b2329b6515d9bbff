import { describe, expect, it } from 'vitest';
import { planState, visitView } from '../../client/src/lib/field/plan';
import type { TeamStatus } from '../../shared/schemas/teams';

const status = (currentStationId: string | null): TeamStatus => ({
  lastSeenAt: '2025-11-30T10:00:00.000Z',
  currentStationId,
  lastPosition: null,
  helpOpen: false,
  helpRequestedAt: null,
  helpAcknowledgedAt: null,
  silentAcknowledgedAt: null,
  updatedSeq: 3,
});

describe("today's plan", () => {
  it("marks as done the stations the team's other phone visited, and here the one it is at now", () => {
    const view = visitView([], status('b'), ['a', 'b']);
    expect(planState('a', view)).toBe('done');
    expect(planState('b', view)).toBe('here');
    expect(planState('c', view)).toBe('not_yet');
  });
});
