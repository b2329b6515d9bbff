/**
 * How station codes, names and addresses are compared when searching, on the server and on the phone alike:
 * case-insensitive, ignoring spaces, dashes and underscores, so "ab 12" finds `AB-12`.
 */
export function searchKey(text: string): string {
  return text.toLowerCase().replace(/[\s_-]+/g, '');
}

/** Same rule as `searchKey`, as SQL on a text expression (Postgres and PGlite): keep the two in step. */
export const SEARCH_KEY_SQL_PATTERN = '[[:space:]_-]+';
