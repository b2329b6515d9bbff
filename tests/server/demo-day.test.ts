/**
 * `npm start -- --demo-day`: a real server process seeds the demo and plays a rehearsal into it in drill mode, so the
 * coordinator's map has visited stations within seconds of the start.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { demoDayRequested } from '../../server/demo-day';
import { freePort, VigilInstance } from '../helpers/processes';

describe('the demo day', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'vigil-demo-day-'));
  let instance: VigilInstance | undefined;
  afterAll(async () => {
    await instance?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('reads --demo-day and --demo-day=DURATION from the command line', () => {
    expect(demoDayRequested(['--demo-day'])).toBe(600_000);
    expect(demoDayRequested(['--demo-day=90s'])).toBe(90_000);
    expect(demoDayRequested([])).toBeNull();
    expect(() => demoDayRequested(['--demo-day=soon'])).toThrow(/90s, 10m or 1h/);
  });

  it('npm start -- --demo-day plays a rehearsal into the demo mission in drill mode: stations are visited within seconds', async () => {
    instance = new VigilInstance({
      port: await freePort(),
      databaseUrl: '',
      redisUrl: null,
      name: 'demo-day',
      args: ['--demo-day=2m'],
      startTimeoutMs: 150_000,
      env: { VIGIL_SEED_DEMO: 'true', DATA_DIR: dataDir, VIGIL_COORDINATOR_PASSWORD: 'demo-day-password' },
    });
    await instance.start();
    const login = await fetch(`${instance.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'coordinator', password: 'demo-day-password' }),
    });
    expect(login.status).toBe(200);
    const { token } = (await login.json()) as { token: string };
    const get = async (url: string) =>
      (await fetch(`${instance!.url}${url}`, { headers: { authorization: `Bearer ${token}` } })).json();
    const deadline = Date.now() + 60_000;
    let visited = 0;
    while (visited < 5) {
      if (Date.now() > deadline) throw new Error(`only ${visited} stations visited after 60 s:\n${instance.output}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
      const { stations } = (await get('/api/stations')) as { stations: { status: { visitCount: number } }[] };
      visited = stations.filter((s) => s.status.visitCount > 0).length;
    }
    const session = (await get('/api/session')) as {
      mission: { drill: boolean; isDemo: boolean; drillClock: { speed: number } | null };
    };
    expect(session.mission).toMatchObject({ drill: true, isDemo: true });
    expect(session.mission.drillClock?.speed).toBeCloseTo((16 * 60) / 2, 0);
    expect(instance.output).toMatch(/Demo day: a rehearsal plays into the demo mission in drill mode/);
  }, 240_000);
});
