/**
 * Where the team is in its day, from what this phone reported (sent or still waiting: the observer's own word counts
 * at once, offline too) and from the server's view of the team (which also knows what the team's other phone did).
 */
import { searchKey } from '../../../../shared/station-search';
import type { Station } from '../../../../shared/schemas/stations';
import type { TeamStatus } from '../../../../shared/schemas/teams';
import type { OutboxItem } from './outbox';

export type PlanState = 'not_yet' | 'here' | 'done';

export interface VisitView {
  currentStationId: string | null;
  /** Device time of the arrival at the current station, when this phone made it. */
  arrivedAt: string | null;
  /** Stations the team has left (or checked in elsewhere after). */
  done: ReadonlySet<string>;
}

export function visitView(
  items: readonly OutboxItem[],
  server: TeamStatus | null,
  visitedByTeam: readonly string[] = [],
): VisitView {
  let current: string | null = null;
  let arrivedAt: string | null = null;
  let latestLocal = '';
  const done = new Set<string>();
  for (const item of items) {
    if (item.kind !== 'event' || item.state === 'rejected') continue;
    const event = item.event;
    if (event.type === 'arrival') {
      if (current !== null && current !== event.stationId) done.add(current);
      current = event.stationId;
      arrivedAt = event.occurredAt;
    } else if (event.type === 'departure') {
      done.add(event.stationId);
      if (current === event.stationId) {
        current = null;
        arrivedAt = null;
      }
    } else {
      continue;
    }
    if (event.occurredAt > latestLocal) latestLocal = event.occurredAt;
  }
  // The other phone of the team may have checked in or out after this one last did.
  if (server && server.lastSeenAt !== null && server.lastSeenAt > latestLocal && server.currentStationId !== current) {
    if (current !== null) done.add(current);
    current = server.currentStationId;
    arrivedAt = null;
  }
  // Stations any phone of the team checked in at (the server's record) are done unless the team is there now.
  for (const stationId of visitedByTeam) if (stationId !== current) done.add(stationId);
  return { currentStationId: current, arrivedAt, done };
}

export function planState(stationId: string, view: VisitView): PlanState {
  if (view.currentStationId === stationId) return 'here';
  return view.done.has(stationId) ? 'done' : 'not_yet';
}

function fold(text: string): string {
  return text
    .toLocaleLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '');
}

/**
 * Stations whose code starts with, or whose name or address contains, the text; codes first. Codes compare as the
 * server's search does (case, spaces and dashes ignored: "ab 12" finds `AB-12`).
 */
export function searchStations(stations: readonly Station[], text: string, limit: number): Station[] {
  const query = fold(text.trim());
  const codeQuery = searchKey(text);
  if (query === '' || codeQuery === '') return [];
  const codeMatches = (s: Station) => searchKey(s.code).startsWith(codeQuery);
  const byCode = stations.filter(codeMatches);
  const byWords = stations.filter(
    (s) => !codeMatches(s) && (fold(s.name).includes(query) || fold(s.address).includes(query)),
  );
  return [...byCode, ...byWords].slice(0, limit);
}
