/**
 * Issue 16, item 2 in Chromium: a mission of TILED_MAP_MIN_STATIONS stations is drawn from the server's vector tiles,
 * and a live check-in recolours its station by feature-state at once, with no tile read for it.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { buildLargeMission } from '../../db/seed/large-mission';
import { setUpMission, type MissionCredentials } from '../../server/modules/missions/mission-setup';
import { TILED_MAP_MIN_STATIONS } from '../../shared/constants';
import { STATION_TILE_LAYER } from '../../shared/schemas/map';
import { servedTestApp, type TestApp } from '../helpers/app';
import {
  BUSY_MACHINE_WAIT_MS,
  chromiumAvailable,
  launchChromium,
  offlineCoordinatorPage,
  saveScreenshot,
} from '../helpers/browser';
import { arrival, join, login, postEvents } from '../helpers/events';

const PASSWORD = 'tiled-map-password';

describe.runIf(chromiumAvailable)('a country-sized map drawn from vector tiles in Chromium', () => {
  let t: TestApp;
  let base: string;
  let browser: Browser;
  let mission: MissionCredentials;
  let stationIds: string[];

  beforeAll(async () => {
    ({ t, base } = await servedTestApp());
    const plan = buildLargeMission(TILED_MAP_MIN_STATIONS);
    stationIds = plan.stations.map((station) => station.id);
    mission = (await setUpMission(t.database.db, {
      mission: plan.mission,
      stations: plan.stations,
      teams: plan.teams,
      coordinator: { username: `tiled-${randomUUID().slice(0, 8)}`, displayName: 'Tiled', password: PASSWORD },
      displayLabel: 'Tiled wall',
    }))!;
    browser = await launchChromium();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('shows the stations from tiles and recolours a checked-in station by its id without reading a tile', async () => {
    const tileReads: string[] = [];
    const { page } = await offlineCoordinatorPage(
      browser,
      base,
      { username: mission.coordinator.username, password: PASSWORD },
      (p) =>
        p.on(
          'request',
          (request) => void (request.url().includes('/api/stations/tiles/') && tileReads.push(request.url())),
        ),
    );
    expect(tileReads.length).toBeGreaterThan(0);
    const drawn = await page.evaluate(
      ({ layer }) => {
        const map = window.__vigilMap!;
        const source = map.getSource('stations') as { type: string } | undefined;
        const features = map.querySourceFeatures('stations', { sourceLayer: layer });
        return {
          type: source?.type,
          clusters: features.filter((f) => typeof f.properties.point_count === 'number').length,
          counted: features.reduce((sum, f) => sum + (Number(f.properties.point_count) || 0), 0),
        };
      },
      { layer: STATION_TILE_LAYER },
    );
    await saveScreenshot(page, 'tiled-map');
    expect(drawn.type).toBe('vector');
    expect(drawn.clusters).toBeGreaterThan(0);
    expect(drawn.counted).toBeGreaterThan(0);

    // Zoomed in on one station, so its own feature is in the tiles the map holds.
    const target = stationIds[0]!;
    const plan = buildLargeMission(TILED_MAP_MIN_STATIONS).stations[0]!;
    await page.evaluate(
      ([lng, lat]) =>
        new Promise((resolve) => {
          const map = window.__vigilMap!;
          map.once('idle', () => resolve(null));
          map.jumpTo({ center: [lng!, lat!], zoom: 15 });
        }),
      [plan.lng, plan.lat],
    );
    const stateOf = () =>
      page.evaluate(
        ({ id, layer }) => window.__vigilMap!.getFeatureState({ source: 'stations', sourceLayer: layer, id }),
        { id: target, layer: STATION_TILE_LAYER },
      );
    expect((await stateOf()).state).toBeUndefined();
    const inTiles = await page.evaluate(
      ({ id, layer }) =>
        window.__vigilMap!.querySourceFeatures('stations', { sourceLayer: layer }).some((f) => f.properties.id === id),
      { id: target, layer: STATION_TILE_LAYER },
    );
    expect(inTiles).toBe(true);
    await saveScreenshot(page, 'tiled-map-zoomed');

    const readsBefore = tileReads.length;
    const phone = await join(t.app, mission.joinCodes[0]!.code);
    await postEvents(t.app, phone.token, [arrival(phone.teamId, target, 1)]);
    await page.waitForFunction(
      ({ id, layer }) =>
        window.__vigilMap!.getFeatureState({ source: 'stations', sourceLayer: layer, id }).state === 'present',
      { id: target, layer: STATION_TILE_LAYER },
      { timeout: BUSY_MACHINE_WAIT_MS, polling: 20 },
    );
    // Recoloured by its id, before any tile was read again; the clusters' refresh comes a few seconds later.
    expect(tileReads.length).toBe(readsBefore);
    await expect.poll(() => tileReads.length, { timeout: BUSY_MACHINE_WAIT_MS }).toBeGreaterThan(readsBefore);
    await page.context().close();
  });
  /**
   * A page whose first read of the teams is held until `release` (later ones, by the socket's catch-up and the
   * panels, pass), to show what the page draws before the teams are in.
   */
  async function pageWithTeamsHeld(viewport: { width: number; height: number }) {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let held = false;
    const context = await browser.newContext({ viewport });
    const page = await context.newPage();
    page.on('pageerror', (error) => console.error('page error:', error.message));
    await page.route('**/api/teams', async (route) => {
      if (held) return route.continue();
      held = true;
      await released;
      await route.continue();
    });
    return { context, page, release, teamsHeld: () => held };
  }

  /** Waits until the map has drawn stations from its tiles. */
  const stationsDrawn = (page: Page) =>
    page.waitForFunction(
      (layer) => {
        const map = window.__vigilMap;
        return (
          map !== undefined && map.loaded() && map.querySourceFeatures('stations', { sourceLayer: layer }).length > 0
        );
      },
      STATION_TILE_LAYER,
      { timeout: 2 * BUSY_MACHINE_WAIT_MS, polling: 50 },
    );

  it("draws its stations before the teams' read has answered, and is live once the teams are in", async () => {
    const { context, page, release, teamsHeld } = await pageWithTeamsHeld({ width: 1366, height: 768 });
    await page.goto(base);
    await page.fill('input[name=username]', mission.coordinator.username);
    await page.fill('input[name=password]', PASSWORD);
    await page.click('form[data-vigil-login] button[type=submit]');
    await stationsDrawn(page);
    // Drawn, but not live: the socket opens once the teams are in.
    expect(teamsHeld()).toBe(true);
    expect(await page.getAttribute('body', 'data-vigil-ready')).toBeNull();
    release();
    await page.waitForSelector('body[data-vigil-ready=true]', { timeout: 2 * BUSY_MACHINE_WAIT_MS });
    await page.click('[data-vigil-tab=teams]');
    await page.waitForSelector('[data-vigil-team]', { timeout: BUSY_MACHINE_WAIT_MS });
    await context.close();
  });

  it("the wall draws its stations before the teams' read has answered, and is live once the teams are in", async () => {
    const { context, page, release, teamsHeld } = await pageWithTeamsHeld({ width: 1920, height: 1080 });
    await page.goto(`${base}/display?token=${encodeURIComponent(mission.displayToken)}`);
    await stationsDrawn(page);
    // Drawn, but not live: the socket opens once the teams are in.
    expect(teamsHeld()).toBe(true);
    expect(await page.getAttribute('body', 'data-vigil-ready')).toBeNull();
    release();
    await page.waitForSelector('body[data-vigil-ready=true]', { timeout: 2 * BUSY_MACHINE_WAIT_MS });
    await context.close();
  });

  it('is ready from the summary before the whole list arrives, and keeps a change heard meanwhile', async () => {
    // The whole list is read as soon as it is asked for, but handed to the page only once released: it misses the
    // check-in below, which the page hears meanwhile and must apply over it.
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let listRead = false; // set once the list has been read, before the check-in
    const { page } = await offlineCoordinatorPage(
      browser,
      base,
      { username: mission.coordinator.username, password: PASSWORD },
      (p) =>
        void p.route('**/api/stations', async (route) => {
          const response = await route.fetch();
          listRead = true;
          await released;
          await route.fulfill({ response });
        }),
    );
    expect(await page.getAttribute('body', 'data-vigil-station-list')).toBe('pending');
    const legend = () =>
      page.$$eval('[data-state][data-count]', (items) =>
        Object.fromEntries(
          items.map((item) => [item.getAttribute('data-state'), Number(item.getAttribute('data-count'))]),
        ),
      );
    const summary = (await t.app
      .inject({
        method: 'GET',
        url: '/api/stations/summary',
        headers: { authorization: `Bearer ${await login(t.app, mission.coordinator.username, PASSWORD)}` },
      })
      .then((res) => res.json())) as { count: number; counts: Record<string, number> };
    expect(summary.count).toBe(TILED_MAP_MIN_STATIONS);
    expect(await legend()).toEqual(summary.counts);
    await expect.poll(() => listRead, { timeout: BUSY_MACHINE_WAIT_MS }).toBe(true);

    const target = stationIds[1]!;
    const phone = await join(t.app, mission.joinCodes[1]!.code);
    await postEvents(t.app, phone.token, [arrival(phone.teamId, target, 1)]);
    // Drawn by its id at once; the counts read again from the server.
    await page.waitForFunction(
      ({ id, layer }) =>
        window.__vigilMap!.getFeatureState({ source: 'stations', sourceLayer: layer, id }).state === 'present',
      { id: target, layer: STATION_TILE_LAYER },
      { timeout: BUSY_MACHINE_WAIT_MS, polling: 20 },
    );
    await expect
      .poll(legend, { timeout: BUSY_MACHINE_WAIT_MS })
      .toMatchObject({ present: summary.counts.present! + 1 });
    const during = await legend();

    release();
    await page.waitForSelector('body[data-vigil-station-list=complete]', { timeout: BUSY_MACHINE_WAIT_MS });
    // The list, read before the check-in, took it from what was heard meanwhile: same counts, the station present.
    expect(await legend()).toEqual(during);
    expect(
      await page.evaluate(
        ({ id, layer }) => window.__vigilMap!.getFeatureState({ source: 'stations', sourceLayer: layer, id }).state,
        { id: target, layer: STATION_TILE_LAYER },
      ),
    ).toBe('present');
    await page.context().close();
  });
});
