/**
 * Hooks on <body> for browser tests and monitoring, shared by the coordinator page and the wall: the connection state
 * always, the last applied sequence, "ready" once the map shows live stations, and whether the station list is in. Call during a component's setup.
 */
import { liveMission } from '../state/live-mission.svelte';

export type MapStatus = 'pending' | 'drawn' | 'failed';

export function trackPageHooks(mapStatus: () => MapStatus): void {
  $effect(() => {
    document.body.dataset.vigilConnection = liveMission.connection;
  });
  $effect(() => {
    document.body.dataset.vigilLastSeq = String(liveMission.lastSeq);
  });
  $effect(() => {
    if (liveMission.connection === 'live' && mapStatus() !== 'pending') document.body.dataset.vigilReady = 'true';
  });
  // 'pending' while a national mission's page shows the stations' summary and the whole list is on its way.
  $effect(() => {
    document.body.dataset.vigilStationList = liveMission.stationListPending ? 'pending' : 'complete';
  });
  $effect(() => {
    return () => {
      delete document.body.dataset.vigilReady;
      delete document.body.dataset.vigilConnection;
      delete document.body.dataset.vigilLastSeq;
      delete document.body.dataset.vigilStationList;
    };
  });
}
