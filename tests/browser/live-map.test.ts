/**
 * The first live page in real Chromium against the real server: a coordinator logs in, sees the demo mission's
 * stations on the offline map, and a check-in posted through the API recolours its station without a reload.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { Database } from '../../db/client';
import { openTestPglite } from '../helpers/pglite-snapshot';
import { buildApp } from '../../server/app';
import { ensureClientBuilt } from '../../server/client-build';
import { loadConfig } from '../../server/config';
import { ensureDemoMission } from '../../server/demo';
import type { MissionCredentials } from '../../server/modules/missions/mission-setup';
import { STATION_STATE_COLOURS } from '../../shared/station-state';
import { testConfig } from '../helpers/app';
import { arrival, finding, postEvents } from '../helpers/events';
import {
  chromiumAvailable,
  colourDistance,
  hexToRgb,
  launchChromium,
  pixelAt,
  saveScreenshot,
  useInReadme,
  BUSY_MACHINE_WAIT_MS,
} from '../helpers/browser';
import type { FastifyInstance } from 'fastify';
import { PNG } from 'pngjs';

describe.runIf(chromiumAvailable)('live map in Chromium', () => {
  let database: Database;
  let app: FastifyInstance;
  let browser: Browser;
  let base: string;
  let demo: MissionCredentials;
  let station: { id: string; number: string; lat: number; lng: number };

  beforeAll(async () => {
    const clientDir = loadConfig({}).clientDir;
    await ensureClientBuilt(loadConfig({}));
    database = await openTestPglite();
    const config = testConfig({ clientDir, demoCoordinatorPassword: 'demo-password-1' });
    app = await buildApp(config, { database });
    demo = (await ensureDemoMission(database.db, config))!;
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    const stations = (
      await app.inject({
        method: 'GET',
        url: '/api/stations',
        headers: { authorization: `Bearer ${demo.displayToken}` },
      })
    ).json().stations;
    station = stations.find((s: { number: string }) => s.number === '1001');
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await database?.close();
  });

  async function openPage(path: string): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    page.on('pageerror', (err) => console.error('page error:', err.message));
    await page.goto(`${base}${path}`);
    return page;
  }

  async function stationPixel(page: Page) {
    // Centre the station at a street-level zoom, as a coordinator would, then read the pixel under it.
    const point = await page.evaluate(async ({ lng, lat }) => {
      const map = window.__vigilMap!;
      map.jumpTo({ center: [lng, lat], zoom: 15 });
      await new Promise((resolve) => map.once('idle', resolve));
      const rect = map.getCanvas().getBoundingClientRect();
      const p = map.project([lng, lat]);
      return { x: rect.left + p.x, y: rect.top + p.y };
    }, station);
    return pixelAt(page, point.x, point.y);
  }

  it('a coordinator logs in and sees every station of the demo mission, marked as demo data', async () => {
    const page = await openPage('/');
    await page.fill('input[name=username]', demo.coordinator.username);
    await page.fill('input[name=password]', demo.coordinator.password);
    await page.click('form[data-vigil-login] button[type=submit]');
    await page.waitForSelector('body[data-vigil-ready=true]', { timeout: 30_000 });
    expect(await page.locator('tr[data-station-id]').count()).toBe(228);
    expect(await page.locator('[data-vigil-demo]').count()).toBe(1);
    expect(await page.getAttribute(`tr[data-station-id="${station.id}"]`, 'data-state')).toBe('never_visited');
    useInReadme(await saveScreenshot(page, 'live-map-coordinator'), 'live-map');
    await page.close();
  });

  it('recolours a station within a second when a check-in for it is posted', async () => {
    const page = await openPage(`/display?token=${demo.displayToken}`);
    await page.waitForSelector('body[data-vigil-ready=true]', { timeout: 30_000 });
    const before = await stationPixel(page);
    expect(colourDistance(before, hexToRgb(STATION_STATE_COLOURS.never_visited))).toBeLessThan(40);

    const joined = (
      await app.inject({ method: 'POST', url: '/api/auth/join', payload: { code: demo.joinCodes[0]!.code } })
    ).json();
    const postedAt = Date.now();
    const res = await fetch(`${base}/api/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${joined.token}` },
      body: JSON.stringify({
        events: [
          {
            id: randomUUID(),
            type: 'arrival',
            teamId: joined.teamId,
            stationId: station.id,
            occurredAt: new Date().toISOString(),
          },
        ],
      }),
    });
    expect((await res.json()).results[0].status).toBe('stored');

    // The display is the wall (no station table): watch the map itself.
    const mapState = () =>
      page.evaluate(async (id) => {
        const data = (await (
          window.__vigilMap!.getSource('stations') as import('maplibre-gl').GeoJSONSource
        ).getData()) as GeoJSON.FeatureCollection;
        return data.features.find((f) => f.properties?.id === id)?.properties?.state;
      }, station.id);
    await expect.poll(mapState, { timeout: BUSY_MACHINE_WAIT_MS, interval: 20 }).toBe('present');
    const elapsedMs = Date.now() - postedAt;
    console.info(`station recoloured ${elapsedMs} ms after the POST`);
    expect(await mapState()).toBe('present');
    const after = await stationPixel(page);
    expect(colourDistance(after, hexToRgb(STATION_STATE_COLOURS.present))).toBeLessThan(40);
    await saveScreenshot(page, 'live-map-display');
    await page.close();
  });

  it('keeps open minor findings visible beside the star of a station with a team present, on the wall and the coordinator map', async () => {
    const stations = (
      await app.inject({
        method: 'GET',
        url: '/api/stations',
        headers: { authorization: `Bearer ${demo.displayToken}` },
      })
    ).json().stations;
    const busy = stations.find((s: { number: string }) => s.number === '1002') as typeof station;
    const joined = (
      await app.inject({ method: 'POST', url: '/api/auth/join', payload: { code: demo.joinCodes[2]!.code } })
    ).json();
    const results = (
      await postEvents(app, joined.token, [
        arrival(joined.teamId, busy.id, 30),
        finding(joined.teamId, busy.id, 'minor', 20),
        finding(joined.teamId, busy.id, 'minor', 10),
      ])
    ).json().results;
    expect(results.map((r: { status: string }) => r.status)).toEqual(['stored', 'stored', 'stored']);

    // What the map drew at the station, as MapLibre itself reports it: the state of the shape, and any badge beside it.
    const drawnAt = (page: Page) =>
      page.evaluate(async ({ id, lng, lat }) => {
        const map = window.__vigilMap!;
        map.jumpTo({ center: [lng, lat], zoom: 15 });
        await new Promise((resolve) => map.once('idle', resolve));
        const p = map.project([lng, lat]);
        const around: [[number, number], [number, number]] = [
          [p.x - 30, p.y - 30],
          [p.x + 30, p.y + 30],
        ];
        const layers = ['stations-icon', 'stations-finding-badge'].filter((layer) => map.getLayer(layer) !== undefined);
        const features = map.queryRenderedFeatures(around, { layers }).filter((f) => f.properties.id === id);
        return {
          state: features.find((f) => f.layer.id === 'stations-icon')?.properties.state as string | undefined,
          badge: features.find((f) => f.layer.id === 'stations-finding-badge')?.properties.badge as string | undefined,
        };
      }, busy);

    const wall = await openPage(`/display?token=${demo.displayToken}`);
    await wall.waitForSelector('body[data-vigil-ready=true]', { timeout: 30_000 });
    await expect
      .poll(() => drawnAt(wall), { timeout: BUSY_MACHINE_WAIT_MS, interval: 200 })
      .toEqual({ state: 'present', badge: 'minor' });
    expect(await wall.locator('[data-vigil-badge-key]').count()).toBe(1);
    await wall.close();

    const desk = await openPage('/');
    if (await desk.locator('form[data-vigil-login]').count()) {
      await desk.fill('input[name=username]', demo.coordinator.username);
      await desk.fill('input[name=password]', demo.coordinator.password);
      await desk.click('form[data-vigil-login] button[type=submit]');
    }
    await desk.waitForSelector('body[data-vigil-ready=true]', { timeout: 30_000 });
    await expect
      .poll(() => drawnAt(desk), { timeout: BUSY_MACHINE_WAIT_MS, interval: 200 })
      .toEqual({ state: 'present', badge: 'minor' });
    expect(await desk.locator('[data-vigil-map-key] [data-vigil-badge-key]').count()).toBe(1);
    await desk.close();
  });

  it('shows a coordinator the latest findings live, with the text and the photo a phone uploaded', async () => {
    const page = await openPage('/');
    if (await page.locator('form[data-vigil-login]').count()) {
      await page.fill('input[name=username]', demo.coordinator.username);
      await page.fill('input[name=password]', demo.coordinator.password);
      await page.click('form[data-vigil-login] button[type=submit]');
    }
    await page.waitForSelector('body[data-vigil-ready=true]', { timeout: 30_000 });

    const joined = (
      await app.inject({ method: 'POST', url: '/api/auth/join', payload: { code: demo.joinCodes[1]!.code } })
    ).json();
    const image = new PNG({ width: 40, height: 30 });
    image.data.fill(200);
    const photoId = randomUUID();
    const upload = await app.inject({
      method: 'PUT',
      url: `/api/photos/${photoId}`,
      headers: { authorization: `Bearer ${joined.token}`, 'content-type': 'image/png' },
      payload: PNG.sync.write(image),
    });
    expect(upload.statusCode).toBe(201);
    const findingId = randomUUID();
    const res = await app.inject({
      method: 'POST',
      url: '/api/events',
      headers: { authorization: `Bearer ${joined.token}` },
      payload: {
        events: [
          {
            id: findingId,
            type: 'finding',
            teamId: joined.teamId,
            stationId: station.id,
            occurredAt: new Date().toISOString(),
            category: 'ballot_stuffing',
            severity: 'critical',
            text: 'Bundle of ballots in the box',
            photoId,
          },
        ],
      },
    });
    expect(res.json().results[0]).toMatchObject({ status: 'stored' });

    const item = page.locator(`[data-vigil-finding="${findingId}"]`);
    await item.waitFor({ timeout: BUSY_MACHINE_WAIT_MS });
    expect(await item.textContent()).toContain('Bundle of ballots in the box');
    // The feed loads a finding's photo when the coordinator opens that finding.
    await item.locator('button.line').click();
    // In the feed's row (the station panel the click opens shows it too).
    const img = item.locator(`[data-vigil-finding-photo="${photoId}"] img`);
    await img.waitFor({ timeout: BUSY_MACHINE_WAIT_MS });
    expect(await img.evaluate((el) => (el as HTMLImageElement).naturalWidth)).toBe(40);
    await saveScreenshot(page, 'coordinator-latest-findings');
    // Photos are for coordinators: the wall's copy of the same list never names one.
    const forWall = await app.inject({
      method: 'GET',
      url: '/api/findings/recent',
      headers: { authorization: `Bearer ${demo.displayToken}` },
    });
    expect(forWall.json().findings.some((f: { id: string }) => f.id === findingId)).toBe(true);
    expect(forWall.body).not.toContain(photoId);
    await page.close();
  });

  it('lets a coordinator put a phone into a team with a fresh join code and its QR code', async () => {
    const page = await openPage('/');
    if (await page.locator('form[data-vigil-login]').count()) {
      await page.fill('input[name=username]', demo.coordinator.username);
      await page.fill('input[name=password]', demo.coordinator.password);
      await page.click('form[data-vigil-login] button[type=submit]');
    }
    await page.waitForSelector('body[data-vigil-ready=true]', { timeout: 30_000 });
    await page.click('[data-vigil-tab=setup]');
    await page.click('[data-vigil-join-panel] summary');
    await page.waitForSelector('[data-vigil-join-team] option', { state: 'attached' });
    await page.selectOption('[data-vigil-join-team]', { label: 'T03' });
    await page.click('[data-vigil-join-issue]');
    await page.waitForSelector('[data-vigil-join-qr] svg', { timeout: BUSY_MACHINE_WAIT_MS });
    const code = (await page.textContent('[data-vigil-join-code]'))!.trim();
    expect(await page.textContent('[data-vigil-join-issued] a')).toBe(`${base}/join?code=${code}`);
    const joined = await app.inject({ method: 'POST', url: '/api/auth/join', payload: { code } });
    expect(joined.json()).toMatchObject({ role: 'team', callSign: 'T03' });
    await saveScreenshot(page, 'coordinator-join-phone');
    await page.close();
  });

  it('a display link with a revoked or made-up token shows a clear message, not the map', async () => {
    const page = await openPage('/display?token=not-a-real-token');
    await page.waitForSelector('[data-vigil-problem]', { timeout: 15_000 });
    expect(await page.locator('[data-vigil-map]').count()).toBe(0);
    await page.close();
  });
});
