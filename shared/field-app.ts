/**
 * Where the observer's phone app (client/field.html) lives. The server, the dev server (client/vite-field-app.ts) and
 * the service worker all route these paths to the same page, so they read them from here.
 */

/** The page the field app is built into. */
export const FIELD_APP_PAGE = '/field.html';

/** Paths that open the field app: the installed app's start URL and the join links sent to observers. */
export const FIELD_APP_PATHS = ['/field', '/join'] as const;

/** Whether a request's pathname opens the field app; a trailing slash is ignored, as the dev server always did. */
export function isFieldAppPath(pathname: string): boolean {
  const bare = pathname.replace(/\/+$/, '');
  return (FIELD_APP_PATHS as readonly string[]).includes(bare);
}
