/** "The nearest stations" for the phone, in great-circle metres (shared/geo.ts). */
import { distanceM, type LatLng } from '../../../../shared/geo';

/** The `count` places nearest to `from`, nearest first, each with its distance. */
export function nearest<T extends LatLng>(
  from: LatLng,
  places: readonly T[],
  count: number,
): { place: T; distanceM: number }[] {
  return places
    .map((place) => ({ place, distanceM: distanceM(from, place) }))
    .sort((a, b) => a.distanceM - b.distanceM)
    .slice(0, count);
}

/** "350 m", "1.2 km": short enough for a phone row. */
export function formatDistance(metres: number): string {
  return metres < 1000 ? `${Math.round(metres / 10) * 10} m` : `${(metres / 1000).toFixed(1)} km`;
}
