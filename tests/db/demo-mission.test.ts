import { describe, expect, it } from 'vitest';
import { buildDemoMission, DEMO_STATION_COUNTS, type DemoStation } from '../../db/seed/demo-mission';
import {
  BISHKEK_DISTRICTS,
  DISTRICT_NAMES,
  ELECTORAL_DISTRICT_OF,
  districtOf,
  districtPolygon,
  pointInPolygon,
} from '../../db/seed/districts';
import { BISHKEK_OUTLINE } from '../../db/seed/bishkek-outline';
import { distanceM, polygonBounds, ringSignedArea } from '../../db/seed/geometry';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const MAX_ROUTE_STEP_M = 4000;

const demo = buildDemoMission();
const stationByNumber = new Map(demo.stations.map((s) => [s.number, s]));

function route(numbers: readonly string[]): DemoStation[] {
  return numbers.map((n) => {
    const station = stationByNumber.get(n);
    if (!station) throw new Error(`route names unknown station ${n}`);
    return station;
  });
}

describe('approximate districts', () => {
  it('each point of a dense grid inside the outline falls in exactly one district', () => {
    const [[west, south], [east, north]] = polygonBounds(BISHKEK_OUTLINE);
    const STEPS = 120;
    let insideOutline = 0;
    const misplaced: string[] = [];
    for (let i = 0; i <= STEPS; i++) {
      for (let j = 0; j <= STEPS; j++) {
        const lng = west + ((east - west) * i) / STEPS;
        const lat = south + ((north - south) * j) / STEPS;
        const containing = BISHKEK_DISTRICTS.features.filter((f) => pointInPolygon(lng, lat, f.geometry)).length;
        const inOutline = pointInPolygon(lng, lat, BISHKEK_OUTLINE);
        if (inOutline) insideOutline++;
        if (containing !== (inOutline ? 1 : 0)) misplaced.push(`${lng},${lat} is in ${containing} districts`);
      }
    }
    expect(misplaced).toEqual([]);
    expect(insideOutline).toBeGreaterThan(5000);
  });

  it('gives a point on a border line to exactly one district', () => {
    const onBorders = [
      [74.612, 42.85],
      [74.612, 42.9],
      [74.58, 42.87],
      [74.64, 42.87],
      [74.612, 42.87],
    ] as const;
    for (const [lng, lat] of onBorders) {
      const containing = BISHKEK_DISTRICTS.features.filter((f) => pointInPolygon(lng, lat, f.geometry));
      expect(containing, `${lng},${lat}`).toHaveLength(1);
    }
  });

  it('add up to the area of the outline', () => {
    const districtsArea = BISHKEK_DISTRICTS.features.reduce(
      (sum, f) => sum + ringSignedArea(f.geometry.coordinates[0] ?? []),
      0,
    );
    expect(districtsArea).toBeCloseTo(ringSignedArea(BISHKEK_OUTLINE.coordinates[0] ?? []), 12);
  });

  it('lies in the expected corner of the city, with Ala-Too Square in Pervomaisky', () => {
    expect(districtOf(74.6037, 42.8758)).toBe('Pervomaisky');
    expect(districtOf(74.55, 42.85)).toBe('Leninsky');
    expect(districtOf(74.63, 42.83)).toBe('Oktyabrsky');
    expect(districtOf(74.64, 42.88)).toBe('Sverdlovsky');
    expect(districtOf(74.53, 42.88)).toBe('Pervomaisky');
    expect(districtOf(74.4, 42.85)).toBeNull();
  });

  it('are marked as approximate and carry their electoral district', () => {
    expect(BISHKEK_DISTRICTS.features.map((f) => f.properties)).toEqual([
      { name: 'Leninsky', electoralDistrict: '21', approximate: true },
      { name: 'Oktyabrsky', electoralDistrict: '22', approximate: true },
      { name: 'Pervomaisky', electoralDistrict: '23', approximate: true },
      { name: 'Sverdlovsky', electoralDistrict: '24', approximate: true },
    ]);
  });
});

describe('buildDemoMission', () => {
  it('describes the Bishkek mission with the outline and its bounds', () => {
    const { mission } = demo;
    expect(mission).toMatchObject({
      name: 'Demo — Bishkek snap parliamentary election (synthetic data)',
      electionDate: '2025-11-30',
      timeZone: 'Asia/Bishkek',
      centerLat: 42.8758,
      centerLng: 74.6037,
      languages: ['en', 'ru', 'az', 'ky'],
      isDemo: true,
    });
    expect(mission.outline).toEqual(BISHKEK_OUTLINE);
    expect(mission.bounds).toEqual([
      [74.5037, 42.77873],
      [74.67175, 42.93779],
    ]);
  });

  it('has the 2021 number of stations in each district, 228 in all', () => {
    expect(demo.stations).toHaveLength(228);
    for (const district of DISTRICT_NAMES) {
      const inDistrict = demo.stations.filter((s) => s.district === district);
      expect(inDistrict, district).toHaveLength(DEMO_STATION_COUNTS[district]);
      expect(new Set(inDistrict.map((s) => s.electoralDistrict))).toEqual(new Set([ELECTORAL_DISTRICT_OF[district]]));
    }
  });

  it('numbers stations 1001 upwards, uniquely, in one block per district', () => {
    const numbers = demo.stations.map((s) => Number(s.number));
    expect(new Set(numbers).size).toBe(numbers.length);
    expect(Math.min(...numbers)).toBe(1001);
    expect(Math.max(...numbers)).toBe(1228);
    for (const station of demo.stations) expect(station.number).toMatch(/^\d{4}$/);
    for (const district of DISTRICT_NAMES) {
      const block = demo.stations.filter((s) => s.district === district).map((s) => Number(s.number));
      expect(Math.max(...block) - Math.min(...block) + 1, district).toBe(block.length);
    }
  });

  it('puts every station inside the city and inside its own district', () => {
    for (const station of demo.stations) {
      expect(pointInPolygon(station.lng, station.lat, BISHKEK_OUTLINE), station.number).toBe(true);
      expect(pointInPolygon(station.lng, station.lat, districtPolygon(station.district)), station.number).toBe(true);
      expect(districtOf(station.lng, station.lat)).toBe(station.district);
    }
  });

  it('keeps stations at least 150 m apart', () => {
    const tooClose: string[] = [];
    demo.stations.forEach((a, i) => {
      for (const b of demo.stations.slice(i + 1)) {
        if (distanceM(a, b) < 150) tooClose.push(`${a.number}–${b.number}`);
      }
    });
    expect(tooClose).toEqual([]);
  });

  it('gives stations distinct venues and 1,200–3,600 voters each, 542,939 in all', () => {
    const venues = demo.stations.map((s) => `${s.name} | ${s.address}`);
    expect(new Set(venues).size).toBe(venues.length);
    for (const station of demo.stations) {
      expect(station.name.length).toBeGreaterThan(0);
      expect(station.address).toMatch(/ \d+$/);
      expect(station.registeredVoters).toBeGreaterThanOrEqual(1200);
      expect(station.registeredVoters).toBeLessThanOrEqual(3600);
    }
    expect(demo.stations.reduce((sum, s) => sum + (s.registeredVoters ?? 0), 0)).toBe(542_939);
  });

  it('forms 20 teams of two with distinct call signs, names and phones', () => {
    expect(demo.teams).toHaveLength(20);
    expect(new Set(demo.teams.map((t) => t.callSign)).size).toBe(20);
    expect(demo.teams[0]?.callSign).toBe('T01');
    const members = demo.teams.flatMap((t) => t.members);
    expect(members).toHaveLength(40);
    expect(new Set(members).size).toBe(40);
    expect(new Set(demo.teams.map((t) => t.phone)).size).toBe(20);
    for (const team of demo.teams) {
      expect(team.members).toHaveLength(2);
      expect(team.phone).toMatch(/^\+996 5\d\d \d{3} \d{3}$/);
      expect(team.languages).toContain('ru');
    }
  });

  it('plans 8–12 stations per team, each station for at most one team, within one district', () => {
    const planned = demo.teams.flatMap((t) => t.assignedStationNumbers);
    expect(new Set(planned).size).toBe(planned.length);
    for (const team of demo.teams) {
      expect(team.assignedStationNumbers.length, team.callSign).toBeGreaterThanOrEqual(8);
      expect(team.assignedStationNumbers.length, team.callSign).toBeLessThanOrEqual(12);
      expect(new Set(route(team.assignedStationNumbers).map((s) => s.district)).size, team.callSign).toBe(1);
    }
  });

  it('orders each route so that no leg is longer than 4 km', () => {
    for (const team of demo.teams) {
      const stops = route(team.assignedStationNumbers);
      for (let i = 1; i < stops.length; i++) {
        const legM = distanceM(stops[i - 1] as DemoStation, stops[i] as DemoStation);
        expect(legM, `${team.callSign} leg ${i}`).toBeLessThan(MAX_ROUTE_STEP_M);
      }
    }
  });

  it('uses unique, well-formed v4 UUIDs for the mission, stations and teams', () => {
    const ids = [demo.mission.id, ...demo.stations.map((s) => s.id), ...demo.teams.map((t) => t.id)];
    for (const id of ids) expect(id).toMatch(UUID_V4);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('is deterministic: the same seed gives the same mission, another seed a different one', () => {
    expect(buildDemoMission()).toEqual(demo);
    expect(buildDemoMission(2025)).toEqual(demo);
    const other = buildDemoMission(7);
    expect(other.mission.id).not.toBe(demo.mission.id);
    expect(other.stations.map((s) => [s.lat, s.lng])).not.toEqual(demo.stations.map((s) => [s.lat, s.lng]));
    expect(other.stations).toHaveLength(228);
  });
});
