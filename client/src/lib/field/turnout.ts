/**
 * When the phone asks for turnout: at each of the mission's turnout hours that has come (in the mission's time zone),
 * for the station where the team is checked in, until the team has reported that hour there. Pure, unit-tested.
 */
import type { OutboxItem } from './outbox';

/** The hours already reported from this phone for the station (refused reports do not count: they ask again). */
export function reportedHours(items: readonly OutboxItem[], stationId: string): Set<string> {
  const hours = new Set<string>();
  for (const item of items) {
    if (item.kind !== 'event' || item.state === 'rejected') continue;
    const event = item.event;
    if (event.type === 'turnout' && event.stationId === stationId) hours.add(event.at);
  }
  return hours;
}

/**
 * The latest turnout hour that has come and is not yet reported for the station, or null. Only the latest is asked:
 * a team arriving at 15:00 reports the 14:00 figure if the station can still say it, never a backlog of hours.
 */
export function dueTurnoutHour(
  hours: readonly string[],
  minutesOfDay: number,
  reported: ReadonlySet<string>,
): string | null {
  const come = [...hours].sort().filter((h) => {
    const [hh, mm] = h.split(':').map(Number);
    return (hh ?? 0) * 60 + (mm ?? 0) <= minutesOfDay;
  });
  const latest = come.at(-1);
  return latest !== undefined && !reported.has(latest) ? latest : null;
}
