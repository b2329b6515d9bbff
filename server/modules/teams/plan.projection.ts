/** The plan read model (team_assignments): `plan_changed` replaces one team's route, projected in the ingest transaction. */
import { and, eq, inArray } from 'drizzle-orm';
import type { Tx } from '../../../db/client';
import { teamAssignments } from '../../../db/schema/index';
import { PHASES, type EventInputOf, type PlanStop } from '../../../shared/schemas/events';

export type PlanVerdict = { ok: true } | { ok: false; field: string; error: string };

export class PlanBatch {
  /** The new route of each team whose plan the batch changes (the last change wins). */
  readonly #routes = new Map<string, PlanStop[]>();

  constructor(readonly missionId: string) {}

  /** Checks the route against the mission's stations and keeps it for the flush. */
  change(event: EventInputOf<'plan_changed'>, isStationOfMission: (id: string) => boolean): PlanVerdict {
    const seen = new Set<string>();
    for (const [i, stop] of event.stations.entries()) {
      if (!isStationOfMission(stop.stationId))
        return { ok: false, field: `/stations/${i}/stationId`, error: 'no such station in this mission' };
      if (seen.has(stop.stationId))
        return { ok: false, field: `/stations/${i}/stationId`, error: 'a station appears twice in the route' };
      seen.add(stop.stationId);
    }
    this.#routes.set(event.teamId, event.stations);
    return { ok: true };
  }

  /**
   * Replaces the routes: the delete and the insert are sent together, not one after the other's answer (the group
   * commit queues COMMIT once its writes are sent); the connection runs them in the order sent.
   */
  async flush(tx: Tx): Promise<void> {
    const teamIds = [...this.#routes.keys()];
    if (teamIds.length === 0) return;
    const rows = teamIds.flatMap((teamId) =>
      this.#routes.get(teamId)!.map((stop, routeOrder) => ({
        missionId: this.missionId,
        teamId,
        routeOrder,
        stationId: stop.stationId,
        // Stored in the catalogue's order, whatever order the sender used.
        phases: PHASES.filter((p) => (stop.phases ?? PHASES).includes(p)),
      })),
    );
    await Promise.all([
      tx
        .delete(teamAssignments)
        .where(and(eq(teamAssignments.missionId, this.missionId), inArray(teamAssignments.teamId, teamIds))),
      ...(rows.length ? [tx.insert(teamAssignments).values(rows)] : []),
    ]);
  }
}
