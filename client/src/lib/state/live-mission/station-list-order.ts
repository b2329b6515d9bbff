/**
 * The station list's order and its hand-over in batches: pure, shared by the list's worker (station-list.worker.ts)
 * and the page.
 */
import type { Station } from '../../../../../shared/schemas/stations';

/** Station numbers as people read them: "2" before "10". */
export const byNumber = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/**
 * The stations in station-number order (by code). The server sends them so already, and then this is one pass; only a
 * list out of order is sorted (in place).
 */
export function inStationOrder<T extends Pick<Station, 'code'>>(stations: T[]): T[] {
  for (let i = 1; i < stations.length; i++) {
    if (byNumber.compare(stations[i - 1]!.code, stations[i]!.code) > 0) {
      return stations.sort((a, b) => byNumber.compare(a.code, b.code));
    }
  }
  return stations;
}

/** The items in slices of at most `size`, in order; each slice is handed over (and applied) on its own. */
export function* inBatches<T>(items: readonly T[], size: number): Generator<T[]> {
  const step = Math.max(1, Math.floor(size));
  for (let start = 0; start < items.length; start += step) yield items.slice(start, start + step);
}
