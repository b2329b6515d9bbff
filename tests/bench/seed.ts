/** The benches' mission: the demo mission set up on a fresh Postgres database, with a coordinator of its own. */
import { randomUUID } from 'node:crypto';
import { buildDemoMission, DEFAULT_DEMO_SEED } from '../../db/seed/demo-mission';
import { openDatabase } from '../../db/client';
import { setUpMission, type MissionCredentials } from '../../server/modules/missions/mission-setup';

export const BENCH_PASSWORD = 'bench-password';

/**
 * `label` tells the benches' coordinators apart in one database (`bench-<label>-…`); another `seed` gives another
 * mission (its own ids), for benches that need several in one database.
 */
export async function seedMission(
  url: string,
  label = 'bench',
  seed = DEFAULT_DEMO_SEED,
): Promise<{ credentials: MissionCredentials }> {
  const demo = buildDemoMission(seed);
  const database = await openDatabase({ driver: 'postgres', url, poolSize: 2 });
  await database.migrate();
  const credentials = (await setUpMission(database.db, {
    mission: demo.mission,
    stations: demo.stations,
    teams: demo.teams,
    coordinator: { username: `${label}-${randomUUID().slice(0, 8)}`, displayName: 'Bench', password: BENCH_PASSWORD },
    displayLabel: 'Bench wall',
  }))!;
  await database.close();
  return { credentials };
}
