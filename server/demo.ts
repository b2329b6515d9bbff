/**
 * The Bishkek demo mission that `npm start` seeds into an empty database, and the links it prints.
 * The generated secrets are kept in DATA_DIR/demo-credentials.json (mode 0600) so later starts can print them again:
 * the database holds only their hashes.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Db } from '../db/client';
import { buildDemoMission } from '../db/seed/demo-mission';
import type { Config } from './config';
import { newPassword } from './modules/auth/secrets';
import { setUpMission, type MissionCredentials } from './modules/missions/mission-setup';

export const DEMO_COORDINATOR_USERNAME = 'coordinator';
const CREDENTIALS_FILE = 'demo-credentials.json';

function credentialsPath(config: Config): string | null {
  return config.dataDir ? path.join(config.dataDir, CREDENTIALS_FILE) : null;
}

/** Seeds the demo into an empty database; returns the credentials known to this instance (null if none). */
export async function ensureDemoMission(db: Db, config: Config): Promise<MissionCredentials | null> {
  const demo = buildDemoMission();
  const created = await setUpMission(
    db,
    {
      mission: demo.mission,
      stations: demo.stations,
      teams: demo.teams,
      coordinator: {
        username: DEMO_COORDINATOR_USERNAME,
        displayName: 'Demo coordinator',
        password: config.demoCoordinatorPassword ?? newPassword(),
      },
      displayLabel: 'Situation room (demo)',
    },
    true,
  );
  const file = credentialsPath(config);
  if (created) {
    if (file) {
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, JSON.stringify(created, null, 2), { mode: 0o600 });
    }
    return created;
  }
  if (file && existsSync(file)) {
    const saved = JSON.parse(readFileSync(file, 'utf8')) as MissionCredentials;
    if (config.demoCoordinatorPassword) saved.coordinator.password = config.demoCoordinatorPassword;
    return saved;
  }
  return null;
}

/** One line per link, in the format tools and the README rely on. */
export function linkLines(config: Config, credentials: MissionCredentials): string[] {
  const base = config.publicUrl;
  return [
    `Coordinator: ${base}/ user=${credentials.coordinator.username} password=${credentials.coordinator.password}`,
    `Display: ${base}/display?token=${credentials.displayToken}`,
    ...credentials.joinCodes.map((t) => `Team ${t.callSign}: join code ${t.code} ${base}/join?code=${t.code}`),
  ];
}
