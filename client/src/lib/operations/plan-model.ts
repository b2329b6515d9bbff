/**
 * The plan editor's model: routes being edited, which stations no team plans, and the plan's coverage per phase
 * (who opens where, who counts where). Pure functions, unit-tested without a browser.
 */
import { PHASES, type Phase } from '../../../../shared/schemas/events';
import type { RouteStop } from '../../../../shared/schemas/teams';

/** A stop being edited is a stored route stop. */
export type Stop = RouteStop;

export interface RouteOf {
  teamId: string;
  stops: Stop[];
}

/** Stations no route names, in the given station order. */
export function unassigned(stationIds: readonly string[], routes: readonly RouteOf[]): string[] {
  const planned = new Set(routes.flatMap((r) => r.stops.map((s) => s.stationId)));
  return stationIds.filter((id) => !planned.has(id));
}

/** Per phase: how many stations some team plans to observe in it, out of all stations. */
export function phaseCoverage(
  stationCount: number,
  routes: readonly RouteOf[],
): Record<Phase, { covered: number; total: number }> {
  return Object.fromEntries(
    PHASES.map((phase) => {
      const covered = new Set(
        routes.flatMap((r) => r.stops.filter((s) => s.phases.includes(phase)).map((s) => s.stationId)),
      );
      return [phase, { covered: covered.size, total: stationCount }];
    }),
  ) as Record<Phase, { covered: number; total: number }>;
}

/** The route with `stationId` inserted at `index` (moved there if it is already in the route). */
export function placeStop(
  stops: readonly Stop[],
  stationId: string,
  index: number,
  phases: Phase[] = [...PHASES],
): Stop[] {
  const existing = stops.find((s) => s.stationId === stationId);
  const without = stops.filter((s) => s.stationId !== stationId);
  const at = Math.max(0, Math.min(index > stops.indexOf(existing!) && existing ? index - 1 : index, without.length));
  return [...without.slice(0, at), existing ?? { stationId, phases }, ...without.slice(at)];
}

export function removeStop(stops: readonly Stop[], stationId: string): Stop[] {
  return stops.filter((s) => s.stationId !== stationId);
}

/** Turns one phase on or off at a stop; a stop keeps at least one phase. */
export function togglePhase(stops: readonly Stop[], stationId: string, phase: Phase): Stop[] {
  return stops.map((s) => {
    if (s.stationId !== stationId) return s;
    const phases = s.phases.includes(phase)
      ? s.phases.filter((p) => p !== phase)
      : PHASES.filter((p) => p === phase || s.phases.includes(p));
    return phases.length ? { ...s, phases } : s;
  });
}

export function sameRoute(a: readonly Stop[], b: readonly Stop[]): boolean {
  return (
    a.length === b.length &&
    a.every((s, i) => s.stationId === b[i]!.stationId && s.phases.join() === b[i]!.phases.join())
  );
}
