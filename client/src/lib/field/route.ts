/**
 * Screens of the field app live in the URL's hash (#/station/ID/checklist), so the phone's back button works and a
 * reload comes back to the same screen, with its draft.
 */
export type FieldRoute =
  | { screen: 'plan' }
  | { screen: 'outbox' }
  | { screen: 'station'; stationId: string }
  | { screen: 'checklist'; stationId: string }
  | { screen: 'finding'; stationId: string }
  /** Copying the station's results protocol. */
  | { screen: 'protocol'; stationId: string }
  /** A finding away from any station (where the phone is, by GPS). */
  | { screen: 'incident' };

export function parseRoute(hash: string): FieldRoute {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'outbox') return { screen: 'outbox' };
  if (parts[0] === 'incident') return { screen: 'incident' };
  if (parts[0] === 'station' && parts[1]) {
    if (parts[2] === 'checklist') return { screen: 'checklist', stationId: parts[1] };
    if (parts[2] === 'finding') return { screen: 'finding', stationId: parts[1] };
    if (parts[2] === 'protocol') return { screen: 'protocol', stationId: parts[1] };
    return { screen: 'station', stationId: parts[1] };
  }
  return { screen: 'plan' };
}

export function routeHash(route: FieldRoute): string {
  switch (route.screen) {
    case 'plan':
      return '#/';
    case 'outbox':
      return '#/outbox';
    case 'incident':
      return '#/incident';
    case 'station':
      return `#/station/${encodeURIComponent(route.stationId)}`;
    case 'checklist':
    case 'finding':
    case 'protocol':
      return `#/station/${encodeURIComponent(route.stationId)}/${route.screen}`;
  }
}
