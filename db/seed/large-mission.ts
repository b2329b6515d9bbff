/**
 * A country-sized mission for benchmarks: the Bishkek demo (its outline, districts, teams and 228 stations) with extra
 * stations scattered around the real ones, up to any count. Seeded like the demo, so every run draws the same map.
 */
import { buildDemoMission, DEFAULT_DEMO_SEED, type DemoMission, type DemoStation } from './demo-mission';
import { SeededRandom } from './seeded-random';

/** Extra stations sit within this many degrees (about 1.5 km) of the real station they are drawn around. */
const SPREAD_DEGREES = 0.014;
const FIRST_EXTRA_NUMBER = 100_001;

export function buildLargeMission(stationCount: number, seed = DEFAULT_DEMO_SEED): DemoMission {
  const demo = buildDemoMission(seed);
  const random = new SeededRandom(seed, `large mission ${stationCount}`);
  const stations: DemoStation[] = [...demo.stations.slice(0, stationCount)];
  for (let i = 0; stations.length < stationCount; i++) {
    const around = demo.stations[i % demo.stations.length]!;
    const number = String(FIRST_EXTRA_NUMBER + i);
    stations.push({
      ...around,
      id: random.uuid(),
      number,
      code: number,
      name: `Polling station ${number}`,
      lat: Math.round((around.lat + (random.next() - 0.5) * 2 * SPREAD_DEGREES) * 1e6) / 1e6,
      lng: Math.round((around.lng + (random.next() - 0.5) * 2 * SPREAD_DEGREES) * 1e6) / 1e6,
    });
  }
  return {
    mission: {
      ...demo.mission,
      id: random.uuid(),
      name: `Benchmark mission, ${stationCount} stations (synthetic data)`,
    },
    stations,
    teams: demo.teams,
  };
}
