/**
 * Screens of the field app live in the URL's hash (#/station/ID/checklist), so the phone's back button works and a
 * reload comes back to the same screen, with its draft.
 */
export type FieldRoute =
  | { screen: 'plan' }
  | { screen: 'outbox' }
  | { screen: 'station'; stationId: string }
  | { screen: 'checklist'; stationId: string }
  | { screen: 'finding'; stationId: string };

export function parseRoute(hash: string): FieldRoute {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'outbox') return { screen: 'outbox' };
  if (parts[0] === 'station' && parts[1]) {
    if (parts[2] === 'checklist') return { screen: 'checklist', stationId: parts[1] };
    if (parts[2] === 'finding') return { screen: 'finding', stationId: parts[1] };
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
    case 'station':
      return `#/station/${encodeURIComponent(route.stationId)}`;
    case 'checklist':
    case 'finding':
      return `#/station/${encodeURIComponent(route.stationId)}/${route.screen}`;
  }
}
