/**
 * In-memory PGlite databases for tests, started from a migrated snapshot.
 *
 * A fresh PGlite runs initdb and then every migration: about 3 s on this machine, paid by each of the hundreds of apps
 * the suite boots. Started from a dump of a migrated data directory it takes about 1 s. The first test process to need
 * one builds the snapshot the slow way and keeps it in the system's temp directory under a name made of the migrations'
 * and PGlite's content, so a changed migration or a new PGlite makes a new one; every other process reads that file.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { openDatabase, type Database } from '../../db/client';
import { PROJECT_ROOT } from '../../server/config';
import { migrationsFingerprint } from './migration-fingerprint';

function snapshotPath(): string {
  const pglitePackage = path.join(PROJECT_ROOT, 'node_modules', '@electric-sql', 'pglite', 'package.json');
  return path.join(tmpdir(), `vigil-pglite-${migrationsFingerprint(readFileSync(pglitePackage))}.tar`);
}

let snapshot: Promise<Blob | null> | null = null;

function readSnapshot(): Promise<Blob | null> {
  snapshot ??= (async () => {
    const file = snapshotPath();
    return existsSync(file) ? new Blob([readFileSync(file)]) : null;
  })();
  return snapshot;
}

/** A migrated in-memory PGlite, as `openDatabase({ driver: 'pglite', dataDir: null })` then `migrate()` would give. */
export async function openTestPglite(): Promise<Database> {
  const kept = await readSnapshot();
  if (kept) return openDatabase({ driver: 'pglite', dataDir: null, snapshot: kept });

  const database = await openDatabase({ driver: 'pglite', dataDir: null });
  await database.migrate();
  const client = (database.db as unknown as { $client: PGlite }).$client;
  const dumped = await client.dumpDataDir('none');
  // Written aside and renamed: a process reading the snapshot never sees half of one.
  const file = snapshotPath();
  const partial = `${file}.${process.pid}.partial`;
  writeFileSync(partial, Buffer.from(await dumped.arrayBuffer()));
  renameSync(partial, file);
  snapshot = Promise.resolve(dumped);
  return database;
}
