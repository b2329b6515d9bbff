/** The messages between the page and the station list's worker (station-list.worker.ts, station-list-loader.ts). */
import type { Station } from '../../../../../shared/schemas/stations';

export type StationListRequest =
  /** Read the whole list from `url` with this bearer token (null: none). */
  | { kind: 'read'; url: string; token: string | null }
  /** The page applied the last batch: send the next one. */
  | { kind: 'more' };

export type StationListMessage =
  /** The next stations, in station-number order; the first batch comes unasked once the list is read. */
  | { kind: 'rows'; stations: Station[] }
  /** Every station was sent. */
  | { kind: 'end' }
  /** The list could not be read: status 0 when the server was not reached. */
  | { kind: 'failed'; status: number; message: string; code?: string };
