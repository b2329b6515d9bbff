/**
 * `npm run verify-log`: checks every mission's hash chain in the configured database (DATABASE_URL, or the embedded
 * one under DATA_DIR) and prints one line per mission: its chain head, or the first event that does not fit.
 * Exits 1 when any chain is broken.
 */
import path from 'node:path';
import { openDatabase } from '../db/client';
import { loadConfig } from './config';
import { verifyAllLogs } from './modules/log/log-verifier';

const config = loadConfig();
const database = await openDatabase(
  config.databaseUrl
    ? { driver: 'postgres', url: config.databaseUrl, poolSize: 2 }
    : { driver: 'pglite', dataDir: config.dataDir ? path.join(config.dataDir, 'pglite') : null },
);
let broken = 0;
try {
  for (const verdict of await verifyAllLogs(database.db)) {
    if (verdict.ok) {
      process.stdout.write(
        `mission ${verdict.missionId}: ${verdict.events} events, chain intact, head ${verdict.headHash}\n`,
      );
    } else {
      broken += 1;
      const id = verdict.eventId ? ` (id ${verdict.eventId})` : '';
      process.stdout.write(`mission ${verdict.missionId}: BROKEN at event ${verdict.seq}${id}: ${verdict.problem}\n`);
    }
  }
} finally {
  await database.close();
}
process.exitCode = broken > 0 ? 1 : 0;
