/**
 * Bench section `import`: a national station list through POST /api/stations/import on a real Vigil process over
 * Postgres. 20,000 new rows; the same file again (unchanged); then 200,000 rows with the server's peak heap.
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
const BISHKEK_BOUNDS: [[number, number], [number, number]] = [[74.5, 42.77], [74.68, 42.94]];

export async function importSection(
  instance: VigilInstance,
  credentials: MissionCredentials,
  password: string,
  log: (line: string) => void,
): Promise<Row[]> {
  const login = await fetch(`${instance.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: credentials.coordinator.username, password }),
  });
  const { token } = (await login.json()) as { token: string };
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
    (await (await fetch(`${instance.url}/debug/memory${reset ? '?reset=true' : ''}`)).json()) as { heapUsedMiB: number; peakHeapUsedMiB: number };

  const rows: Row[] = [];
  const small = nationalList({ stations: 20_000, bounds: BISHKEK_BOUNDS, seed: 1 }).csv;
  const fresh = await timedImport(small);
  log(`import: 20,000 new rows in ${Math.round(fresh.ms)} ms (${JSON.stringify(fresh.body)})`);
  rows.push({ figure: 'station import: 20,000 new rows (national list, mapped headers, 30 % unplaced)', vigil: `${Math.round(fresh.ms)} ms (${fresh.body.created} created)`, baseline: '—', ratio: '—', target: `≤ 3,000 ms: ${fresh.ms <= 3000 ? 'met' : 'NOT met'}` });
  const same = await timedImport(small);
  log(`import: same 20,000 rows again in ${Math.round(same.ms)} ms (${JSON.stringify(same.body)})`);
  rows.push({ figure: 'station import: the same 20,000 rows again', vigil: `${Math.round(same.ms)} ms (${same.body.unchanged} unchanged)`, baseline: '—', ratio: '—', target: `≤ 2,000 ms: ${same.ms <= 2000 ? 'met' : 'NOT met'}` });

  const large = nationalList({ stations: 200_000, districts: 400, bounds: BISHKEK_BOUNDS, seed: 2 }).csv;
  await memory(true);
  const big = await timedImport(large);
  const peak = await memory(false);
  log(`import: 200,000 rows in ${Math.round(big.ms)} ms, server peak heap ${peak.peakHeapUsedMiB} MiB (${JSON.stringify(big.body)})`);
  rows.push({
    figure: 'station import: 200,000 rows (25 MB CSV), server peak heap',
    vigil: `${peak.peakHeapUsedMiB} MiB peak heap; ${Math.round(big.ms)} ms (${big.body.created} created, ${big.body.updated} updated)`,
    baseline: '—',
    ratio: '—',
    target: `< 300 MiB: ${peak.peakHeapUsedMiB < 300 ? 'met' : 'NOT met'}`,
  });
  return rows;
}
