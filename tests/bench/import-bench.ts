/**
 * Bench section `import`: a national station list through POST /api/stations/import on a real Vigil process over
 * Postgres. 20,000 new rows; the same file again (unchanged); then 200,000 rows with the server's peak heap.
 *
 * The server runs with its old space capped below the issue's 300 MiB (--max-old-space-size). With Node's default
 * limit (a quarter of this machine's memory) V8 lets garbage pile up far past the live set before collecting, so a
 * sampled heapUsed there measures V8's laziness, not what the import needs; under the cap the import either fits or
 * the server dies of heap exhaustion, and the sampled peak (new space included) is what it really used.
 */
import type { MissionCredentials } from '../../server/modules/missions/mission-setup';
import { NATIONAL_MAPPING, nationalList } from '../helpers/national-list';
import type { VigilInstance } from '../helpers/processes';

interface Row {
  figure: string;
  vigil: string;
  baseline: string;
  ratio: string;
  target: string;
}

/** The bench mission is Bishkek: placed stations go inside its bounds. */
const BISHKEK_BOUNDS: [[number, number], [number, number]] = [
  [74.5, 42.77],
  [74.68, 42.94],
];

/** Old-space cap of the import server: below the 300 MiB target, leaving room for new space. */
export const IMPORT_HEAP_CAP_MIB = 256;

async function loginAs(instance: VigilInstance, credentials: MissionCredentials, password: string): Promise<string> {
  const login = await fetch(`${instance.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: credentials.coordinator.username, password }),
  });
  return ((await login.json()) as { token: string }).token;
}

export async function importSection(
  instance: VigilInstance,
  credentials: MissionCredentials,
  password: string,
  log: (line: string) => void,
): Promise<Row[]> {
  const token = await loginAs(instance, credentials, password);
  const mapping = encodeURIComponent(JSON.stringify(NATIONAL_MAPPING));
  const timedImport = async (csv: string) => {
    const started = performance.now();
    const res = await fetch(`${instance.url}/api/stations/import?mapping=${mapping}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
      body: csv,
    });
    const body = (await res.json()) as { created?: number; updated?: number; unchanged?: number; message?: string };
    if (res.status !== 200) throw new Error(`import failed: ${res.status} ${body.message}`);
    return { ms: performance.now() - started, body };
  };
  const memory = async (reset: boolean) =>
    (await (await fetch(`${instance.url}/debug/memory${reset ? '?reset=true' : ''}`)).json()) as {
      heapUsedMiB: number;
      peakHeapUsedMiB: number;
    };

  const rows: Row[] = [];
  const small = nationalList({ stations: 20_000, bounds: BISHKEK_BOUNDS, seed: 1 }).csv;
  const fresh = await timedImport(small);
  log(`import: 20,000 new rows in ${Math.round(fresh.ms)} ms (${JSON.stringify(fresh.body)})`);
  rows.push({
    figure: 'station import: 20,000 new rows (national list, mapped headers, 30 % unplaced)',
    vigil: `${Math.round(fresh.ms)} ms (${fresh.body.created} created)`,
    baseline: '—',
    ratio: '—',
    target: `≤ 3,000 ms: ${fresh.ms <= 3000 ? 'met' : 'NOT met'}`,
  });
  const same = await timedImport(small);
  log(`import: same 20,000 rows again in ${Math.round(same.ms)} ms (${JSON.stringify(same.body)})`);
  rows.push({
    figure: 'station import: the same 20,000 rows again',
    vigil: `${Math.round(same.ms)} ms (${same.body.unchanged} unchanged)`,
    baseline: '—',
    ratio: '—',
    target: `≤ 2,000 ms: ${same.ms <= 2000 ? 'met' : 'NOT met'}`,
  });

  const large = nationalList({ stations: 200_000, districts: 400, bounds: BISHKEK_BOUNDS, seed: 2 }).csv;
  const before = await memory(true);
  const big = await timedImport(large);
  const peak = await memory(false);
  log(
    `import: 200,000 rows in ${Math.round(big.ms)} ms, server heap ${before.heapUsedMiB} MiB before, sampled peak ${peak.peakHeapUsedMiB} MiB (${JSON.stringify(big.body)})`,
  );
  rows.push({
    figure: `station import: 200,000 rows (25 MB CSV), server peak heap (run with --max-old-space-size=${IMPORT_HEAP_CAP_MIB})`,
    vigil: `${peak.peakHeapUsedMiB} MiB sampled peak (${before.heapUsedMiB} MiB before); ${Math.round(big.ms)} ms (${big.body.created} created, ${big.body.updated} updated)`,
    baseline: '—',
    ratio: '—',
    target: `< 300 MiB: ${peak.peakHeapUsedMiB < 300 ? 'met' : 'NOT met'}`,
  });
  return rows;
}
