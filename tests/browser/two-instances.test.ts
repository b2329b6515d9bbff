/**
 * The "done means" of the core: with two instances sharing Postgres and Redis, a check-in posted to instance B appears,
 * recoloured, on a page connected to instance A. Instance A is started exactly as `npm start` starts it and seeds the
 * demo; the test logs in with the links it prints.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { ensureClientBuilt } from '../../server/client-build';
import { loadConfig } from '../../server/config';
import { chromiumAvailable, launchChromium, saveScreenshot, BUSY_MACHINE_WAIT_MS } from '../helpers/browser';
import { createTestDatabase, postgresAvailable } from '../helpers/services';
import { freePort, hasBinary, RedisProcess, VigilInstance } from '../helpers/processes';

const runnable = chromiumAvailable && postgresAvailable && hasBinary('redis-server');

describe.runIf(runnable)('a page on instance A, a check-in on instance B', () => {
  let drop: () => Promise<void>;
  let redis: RedisProcess;
  let a: VigilInstance;
  let b: VigilInstance;
  let browser: Browser;
  let dataDir: string;

  beforeAll(async () => {
    await ensureClientBuilt(loadConfig({}));
    const db = await createTestDatabase();
    drop = db.drop;
    redis = new RedisProcess(await freePort());
    await redis.start();
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'vigil-a-'));
    const shared = { databaseUrl: db.url, redisUrl: redis.url };
    a = new VigilInstance({
      ...shared,
      port: await freePort(),
      name: 'A',
      env: { SERVE_CLIENT: 'true', VIGIL_SEED_DEMO: 'true', DATA_DIR: dataDir },
    });
    await a.start();
    b = new VigilInstance({
      ...shared,
      port: await freePort(),
      name: 'B',
      env: { SERVE_CLIENT: 'true', VIGIL_SEED_DEMO: 'true' },
    });
    await b.start();
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await Promise.all([a?.stop('SIGKILL'), b?.stop('SIGKILL')]);
    await redis?.stop();
    await drop?.();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('prints one working line per link, and only the seeding instance prints secrets', () => {
    expect(a.output).toMatch(/^Coordinator: http:\/\/\S+\/ user=coordinator password=\S+$/m);
    expect(a.output).toMatch(/^Display: http:\/\/\S+\/display\?token=\S+$/m);
    expect(a.output.match(/^Team T\d\d: join code [0-9A-Z]{4}-[0-9A-Z]{4} /gm)).toHaveLength(20);
    expect(b.output).not.toMatch(/^Coordinator:/m);
  });

  it('recolours the station on A after an arrival is posted to B', async () => {
    const password = /^Coordinator: \S+ user=coordinator password=(\S+)$/m.exec(a.output)![1]!;
    const joinCode = /^Team T01: join code (\S+)/m.exec(a.output)![1]!;
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    await page.goto(`${a.url}/`);
    await page.fill('input[name=username]', 'coordinator');
    await page.fill('input[name=password]', password);
    await page.click('form[data-vigil-login] button[type=submit]');
    await page.waitForSelector('body[data-vigil-ready=true]', { timeout: 30_000 });

    const joined = await (
      await fetch(`${b.url}/api/auth/join`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ code: joinCode }),
      })
    ).json();
    const stationId = await page.getAttribute('tr[data-station-number="1100"]', 'data-station-id');
    expect(stationId).toBeTruthy();
    const postedAt = Date.now();
    const res = await fetch(`${b.url}/api/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${joined.token}` },
      body: JSON.stringify({
        events: [
          { id: randomUUID(), type: 'arrival', teamId: joined.teamId, stationId, occurredAt: new Date().toISOString() },
        ],
      }),
    });
    expect((await res.json()).results[0].status).toBe('stored');
    // The station list sits in its tab, so it may be out of sight: its row is there all the same.
    await page.waitForSelector(`tr[data-station-id="${stationId}"][data-state=present]`, {
      state: 'attached',
      timeout: BUSY_MACHINE_WAIT_MS,
    });
    console.info(`page on A recoloured ${Date.now() - postedAt} ms after the POST to B was sent`);
    // The map's own data says so too (states are patched into the source by id).
    await expect
      .poll(
        () =>
          page.evaluate(async (id) => {
            const data = (await (
              window.__vigilMap!.getSource('stations') as import('maplibre-gl').GeoJSONSource
            ).getData()) as GeoJSON.FeatureCollection;
            return data.features.find((f) => f.properties?.id === id)?.properties?.state;
          }, stationId!),
        { timeout: BUSY_MACHINE_WAIT_MS },
      )
      .toBe('present');
    await saveScreenshot(page, 'two-instances-page-on-a');
    await page.close();
  });
});
