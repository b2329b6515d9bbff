/** The route sheet's SVG map and the incident dots' source list: pure functions of what the pages hold. */
import { describe, expect, it } from 'vitest';
import { sheetMap } from '../../client/src/lib/operations/route-sheet-map';
import { openIncidentPoints } from '../../client/src/lib/map/incident-layer';
import type { RouteSheetStop } from '../../shared/schemas/route-sheets';

const stop = (code: string, lat: number | null, lng: number | null): RouteSheetStop => ({
  stationId: `00000000-0000-4000-8000-00000000000${code.slice(-1)}`,
  code,
  name: `School ${code}`,
  address: 'Chui Ave 1',
  district: 'Leninsky',
  lat,
  lng,
  phases: ['voting'],
});

describe('route sheet map', () => {
  it('numbers the placed stops in route order and draws north up, east right, inside the frame', () => {
    const map = sheetMap([stop('1001', 42.85, 74.58), stop('1002', null, null), stop('1003', 42.87, 74.6)], null)!;
    expect(map.markers.map((m) => [m.order, m.code])).toEqual([
      [1, '1001'],
      [3, '1003'],
    ]);
    const [a, b] = map.markers;
    expect(b!.x).toBeGreaterThan(a!.x);
    expect(b!.y).toBeLessThan(a!.y);
    for (const m of map.markers) {
      expect(m.x).toBeGreaterThan(0);
      expect(m.x).toBeLessThan(map.width);
      expect(m.y).toBeGreaterThan(0);
      expect(m.y).toBeLessThan(map.height);
    }
    expect(map.route).toBe(`${a!.x},${a!.y} ${b!.x},${b!.y}`);
    expect(map.scale.label).toMatch(/^\d+ (m|km)$/);
  });

  it('draws the city outline and has nothing to draw for a route without positions', () => {
    const outline = {
      type: 'Polygon' as const,
      coordinates: [
        [
          [74.5, 42.8],
          [74.7, 42.8],
          [74.7, 42.9],
          [74.5, 42.8],
        ],
      ],
    };
    expect(sheetMap([stop('1001', 42.85, 74.58)], outline)!.outline).toMatch(/^M[-\d.,]+(L[-\d.,]+){3}Z$/);
    expect(sheetMap([stop('1001', null, null)], outline)).toBeNull();
  });
});

describe('incident dots', () => {
  it('are the open findings away from a station that have a position', () => {
    const base = { severity: 'serious' as const, status: 'new' };
    expect(
      openIncidentPoints([
        { ...base, id: 'a', stationId: null, position: { lat: 42.8, lng: 74.6 } },
        { ...base, id: 'b', stationId: null, position: null },
        { ...base, id: 'c', stationId: null },
        { ...base, id: 'd', stationId: 's1', position: { lat: 42.8, lng: 74.6 } },
        { ...base, id: 'e', stationId: null, status: 'resolved', position: { lat: 42.8, lng: 74.6 } },
      ]),
    ).toEqual([{ findingId: 'a', severity: 'serious', lat: 42.8, lng: 74.6 }]);
  });
});
