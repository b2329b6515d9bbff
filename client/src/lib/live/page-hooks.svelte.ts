/**
 * Hooks on <body> for browser tests and monitoring, shared by the coordinator page and the wall: the connection state
 * always, the last applied sequence, and "ready" once the map shows live stations. Call during a component's setup.
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
  $effect(() => {
    return () => {
      delete document.body.dataset.vigilReady;
      delete document.body.dataset.vigilConnection;
      delete document.body.dataset.vigilLastSeq;
    };
  });
}
