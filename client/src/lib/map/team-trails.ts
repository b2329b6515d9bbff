/**
 * Where each team is and was: loaded once from GET /api/teams/trails, then extended by the events that place a team
 * (check-in, check-out, position, help request), with the station's position when the phone sent none. Plain data,
 * outside Svelte's reactivity: the map takes the changed teams as diffs.
 */
import type { FeedEvent } from '../../../../shared/schemas/events';
import { TRAIL_POINTS, type TeamTrailsReply } from '../../../../shared/schemas/map';
import type { TeamPlace } from './station-map';

type Point = { lat: number; lng: number; seq: number };

const PLACING = new Set(['arrival', 'departure', 'position', 'help_request']);

export class TeamTrails {
  readonly #trails = new Map<string, { callSign: string; points: Point[] }>();

  /** Replaces everything held with the server's view; returns every team's place. */
  load(reply: TeamTrailsReply): TeamPlace[] {
    this.#trails.clear();
    for (const trail of reply.trails)
      this.#trails.set(trail.teamId, {
        callSign: trail.callSign,
        points: trail.points.map(({ lat, lng, seq }) => ({ lat, lng, seq })),
      });
    return [...this.#trails].map(([teamId, trail]) => ({ teamId, callSign: trail.callSign, points: trail.points }));
  }

  /**
   * Extends trails with placing events; returns the teams that moved. `where` gives a station's position; `callSign`
   * names a team not seen before (null: skip it until the next load).
   */
  apply(
    events: readonly FeedEvent[],
    where: (stationId: string) => { lat: number; lng: number } | undefined,
    callSign: (teamId: string) => string | null,
  ): TeamPlace[] {
    const moved = new Set<string>();
    for (const event of events) {
      if (!PLACING.has(event.type) || event.teamId === null) continue;
      // A check-in or check-out puts the team at the station itself; a GPS fix counts where no station is named.
      const reported = (event as { position?: { lat: number; lng: number } }).position;
      const station = event.stationId !== null ? where(event.stationId) : undefined;
      const place =
        event.type === 'arrival' || event.type === 'departure' ? (station ?? reported) : (reported ?? station);
      if (place === undefined) continue;
      let trail = this.#trails.get(event.teamId);
      if (trail === undefined) {
        const name = callSign(event.teamId);
        if (name === null) continue;
        trail = { callSign: name, points: [] };
        this.#trails.set(event.teamId, trail);
      }
      // Late uploads of earlier places do not move the marker back.
      if (trail.points.some((point) => point.seq >= event.seq)) continue;
      trail.points.push({ lat: place.lat, lng: place.lng, seq: event.seq });
      if (trail.points.length > TRAIL_POINTS) trail.points.splice(0, trail.points.length - TRAIL_POINTS);
      moved.add(event.teamId);
    }
    return [...moved].map((teamId) => {
      const trail = this.#trails.get(teamId)!;
      return { teamId, callSign: trail.callSign, points: trail.points };
    });
  }
}
