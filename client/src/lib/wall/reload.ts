/**
 * When an unattended wall display reloads itself to pick up a new version: only when the server serves a build other
 * than the page's, only at a quiet moment (nothing urgent on screen, no news for a while), and never twice for the
 * same server build (if the reload brought back the same old page, looping would blank the wall every few seconds).
 */

/** No event for this long makes a quiet moment. */
export const QUIET_AFTER_MS = 20_000;
/** Under a steady stream of events there is never such a pause; after this long any moment without an alert will do. */
export const MAX_WAIT_FOR_QUIET_MS = 10 * 60_000;

export interface ReloadCheck {
  pageBuild: string | null;
  serverBuild: string | null;
  /** The server build a reload was last made for (kept across the reload). */
  lastReloadFor: string | null;
  /** A critical finding or a help request is on screen. */
  urgentOnScreen: boolean;
  msSinceLastEvent: number;
  /** How long the page has known it is out of date. */
  msOutOfDate: number;
}

export function outOfDate(pageBuild: string | null, serverBuild: string | null): boolean {
  return pageBuild !== null && serverBuild !== null && pageBuild !== serverBuild;
}

export function shouldReload(check: ReloadCheck): boolean {
  if (!outOfDate(check.pageBuild, check.serverBuild)) return false;
  if (check.lastReloadFor === check.serverBuild) return false;
  if (check.urgentOnScreen) return false;
  return check.msSinceLastEvent >= QUIET_AFTER_MS || check.msOutOfDate >= MAX_WAIT_FOR_QUIET_MS;
}
