/** Team status rows to the wire's TeamStatus (shared/schemas/teams.ts). */
import type { teamStatus } from '../../../db/schema/index';
import type { TeamStatus } from '../../../shared/schemas/teams';

type StatusRow = typeof teamStatus.$inferSelect;

export function toTeamStatus(row: StatusRow): TeamStatus {
  return {
    lastSeenAt: row.lastSeenAt?.toISOString() ?? null,
    currentStationId: row.currentStationId,
    lastPosition:
      row.lastLat !== null && row.lastLng !== null && row.lastPositionAt
        ? { lat: row.lastLat, lng: row.lastLng, at: row.lastPositionAt.toISOString() }
        : null,
    helpOpen: row.helpOpen,
    helpRequestedAt: row.helpRequestedAt?.toISOString() ?? null,
    helpAcknowledgedAt: row.helpAcknowledgedAt?.toISOString() ?? null,
    silentAcknowledgedAt: row.silentAcknowledgedAt?.toISOString() ?? null,
    updatedSeq: row.updatedSeq,
  };
}
