/**
 * MAP_PMTILES in real Chromium, with every request to anywhere but this server blocked: the server serves a real
 * PMTiles archive by byte ranges, the page reads it through the `pmtiles` protocol, and the basemap is drawn under the
 * mission's layers — seen as the archive's colour around the city where the plain offline ground used to be.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import type { Database } from '../../db/client';
import { openTestPglite } from '../helpers/pglite-snapshot';
import { buildApp } from '../../server/app';
import { ensureClientBuilt } from '../../server/client-build';
import { loadConfig } from '../../server/config';
import { ensureDemoMission } from '../../server/demo';
import type { MissionCredentials } from '../../server/modules/missions/mission-setup';
import { testConfig } from '../helpers/app';
import {
  chromiumAvailable,
  colourDistance,
  launchChromium,
  offlineCoordinatorPage,
  pixelAt,
  BUSY_MACHINE_WAIT_MS,
} from '../helpers/browser';
import { singleTilePmtiles, solidPng } from '../helpers/pmtiles';

/** The archive's one colour: unlike anything else on the map. */
const BASEMAP_RGB: [number, number, number] = [40, 120, 200];

describe.runIf(chromiumAvailable)('a local PMTiles basemap in Chromium, offline', () => {
  let dir: string;
  let database: Database;
  let app: FastifyInstance;
  let browser: Browser;
  let page: Page;
  let demo: MissionCredentials;
  let outside: string[] = [];
  const basemapRequests: { range: string | undefined; status: number | null }[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'vigil-basemap-'));
    const file = path.join(dir, 'bishkek.pmtiles');
    writeFileSync(file, singleTilePmtiles(solidPng(BASEMAP_RGB)));
    const clientDir = loadConfig({}).clientDir;
    await ensureClientBuilt(loadConfig({}));
    database = await openTestPglite();
    const config = testConfig({ clientDir, demoCoordinatorPassword: 'demo-password-1', mapPmtiles: file });
    app = await buildApp(config, { database });
    demo = (await ensureDemoMission(database.db, config))!;
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

    browser = await launchChromium();
    ({ page, outside } = await offlineCoordinatorPage(browser, base, demo.coordinator, (opened) =>
      opened.on('requestfinished', async (request) => {
        if (!request.url().includes('/api/map/basemap/')) return;
        basemapRequests.push({
          range: (await request.allHeaders())['range'],
          status: (await request.response())?.status() ?? null,
        });
      }),
    ));
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await database?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('draws the archive under the stations, read by byte ranges from our server alone', async () => {
    await page.waitForFunction(() => window.__vigilMap?.getLayer('basemap-raster') !== undefined, undefined, {
      timeout: 15_000,
    });
    await page.waitForFunction(() => window.__vigilMap!.loaded() && window.__vigilMap!.areTilesLoaded(), undefined, {
      timeout: 15_000,
      polling: 100,
    });
    // Under our layers: the stations are still on top.
    const order = await page.evaluate(() => window.__vigilMap!.getStyle().layers.map((layer) => layer.id));
    expect(order.indexOf('basemap-raster')).toBeLessThan(order.indexOf('stations-icon'));
    expect(order.indexOf('basemap-raster')).toBeLessThan(order.indexOf('mission-outline-line'));
    // The offline map's plain land would hide the basemap inside the city: gone, the city's border stays.
    expect(order).not.toContain('mission-outline-fill');
    // A corner of the map, outside the city: the archive's colour, not the offline ground.
    const corner = await page.evaluate(() => {
      const rect = window.__vigilMap!.getCanvas().getBoundingClientRect();
      return { x: rect.left + 6, y: rect.top + 6 };
    });
    await expect
      .poll(async () => colourDistance(await pixelAt(page, corner.x, corner.y), BASEMAP_RGB), {
        timeout: BUSY_MACHINE_WAIT_MS,
      })
      .toBeLessThan(20);
    expect(basemapRequests.length).toBeGreaterThan(0);
    for (const request of basemapRequests) {
      expect(request.range).toMatch(/^bytes=\d+-\d+$/);
      expect(request.status).toBe(206);
    }
    expect(await page.locator('[role=status]:has-text("basemap")').count()).toBe(0);
    expect(outside).toEqual([]);
  });
});
