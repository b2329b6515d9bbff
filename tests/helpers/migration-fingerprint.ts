/** A short name for the schema the migrations build, so a kept, migrated database is never used after they change. */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { MIGRATIONS_FOLDER } from '../../db/client';

export function migrationsFingerprint(...extra: Buffer[]): string {
  const hash = createHash('sha256');
  for (const part of extra) hash.update(part);
  for (const dir of [MIGRATIONS_FOLDER, path.join(MIGRATIONS_FOLDER, 'meta')]) {
    for (const name of readdirSync(dir).sort()) {
      if (!name.endsWith('.sql') && !name.endsWith('.json')) continue;
      hash.update(name).update(readFileSync(path.join(dir, name)));
    }
  }
  return hash.digest('hex').slice(0, 16);
}
