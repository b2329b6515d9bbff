/**
 * An incident away from any station placed by a point dropped on the phone's small map (issue 17, item 3), with no
 * network and no GPS: the map comes from the service worker's copy and draws no tiles. The stored finding is where the
 * observer tapped; the coordinator's map draws it as an incident dot, and its key says what such a dot is.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import type { GeoJSONSource } from 'maplibre-gl';
import type { Database } from '../../db/client';
import { openTestPglite } from '../helpers/pglite-snapshot';
import { buildApp } from '../../server/app';
import { ensureClientBuilt } from '../../server/client-build';
import { loadConfig } from '../../server/config';
import { ensureDemoMission } from '../../server/demo';
import type { MissionCredentials } from '../../server/modules/missions/mission-setup';
import type { TriageFinding } from '../../shared/schemas/findings';
import type { Station } from '../../shared/schemas/stations';
import type { Team } from '../../shared/schemas/teams';
import { testConfig } from '../helpers/app';
import { BUSY_MACHINE_WAIT_MS, chromiumAvailable, launchChromium, offlineCoordinatorPage } from '../helpers/browser';
import { randomUUID } from 'node:crypto';
import { getJson, join, login, minutesAgo, postEvents } from '../helpers/events';

describe.runIf(chromiumAvailable)('an incident placed on the phone’s map', () => {
  let database: Database;
  let app: FastifyInstance;
  let browser: Browser;
  let base: string;
  let demo: MissionCredentials;
  let coordinator: string;

  beforeAll(async () => {
    const config = loadConfig({});
    await ensureClientBuilt(config);
    database = await openTestPglite();
    const appConfig = testConfig({ clientDir: config.clientDir, demoCoordinatorPassword: 'demo-password-1' });
    app = await buildApp(appConfig, { database });
    demo = (await ensureDemoMission(database.db, appConfig))!;
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    coordinator = await login(app, demo.coordinator.username, demo.coordinator.password);
    browser = await launchChromium();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await database?.close();
  });

  async function droppedPoint(phone: Page): Promise<{ lat: number; lng: number }> {
    const text = (await phone.locator('[data-vigil-away-dropped]').textContent()) ?? '';
    const [lat, lng] = text.match(/-?\d+\.\d+/g)!.map(Number);
    return { lat: lat!, lng: lng! };
  }

  it('a point dropped on the map offline is where the incident is stored, and the desk draws it as an incident dot', async () => {
    const joinCode = demo.joinCodes[4]!;
    const teams: Team[] = (await getJson(app, coordinator, '/api/teams')).body.teams;
    const stations: Station[] = (await getJson(app, coordinator, '/api/stations')).body.stations;
    const planned = teams
      .find((t) => t.id === joinCode.teamId)!
      .assignedStationIds.map((id) => stations.find((s) => s.id === id)!);

    // No geolocation permission: the map is the only way to place the report.
    const context = await browser.newContext({
      viewport: { width: 393, height: 851 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
      locale: 'en-GB',
    });
    const phone = await context.newPage();
    phone.on('pageerror', (err) => console.error('phone page error:', err.message));
    await phone.goto(`${base}/join?code=${joinCode.code}`);
    await phone.waitForSelector('[data-vigil-plan] li', { timeout: 2 * BUSY_MACHINE_WAIT_MS });
    await phone.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });
    await context.setOffline(true);

    await phone.tap('[data-vigil-report-away]');
    await phone.waitForSelector('[data-vigil-away]');
    await phone.tap('[data-vigil-pick-on-map]');
    const picker = phone.locator('[data-vigil-point-picker][data-vigil-picker-ready=true]');
    await picker.waitFor({ timeout: BUSY_MACHINE_WAIT_MS });
    const box = (await picker.boundingBox())!;
    await phone.touchscreen.tap(box.x + box.width / 2, box.y + box.height / 2);
    await phone.waitForSelector('[data-vigil-away-dropped]');
    const first = await droppedPoint(phone);
    // A second tap moves the point (north-east on the screen is north-east on the ground).
    await phone.touchscreen.tap(box.x + box.width * 0.75, box.y + box.height * 0.3);
    await expect.poll(async () => (await droppedPoint(phone)).lat).toBeGreaterThan(first.lat);
    const dropped = await droppedPoint(phone);
    expect(dropped.lng).toBeGreaterThan(first.lng);
    // The map opened over the team's planned stations (no GPS here).
    const lats = planned.map((s) => s.lat!);
    const lngs = planned.map((s) => s.lng!);
    expect(dropped.lat).toBeGreaterThan(Math.min(...lats) - 0.05);
    expect(dropped.lat).toBeLessThan(Math.max(...lats) + 0.05);
    expect(dropped.lng).toBeGreaterThan(Math.min(...lngs) - 0.05);
    expect(dropped.lng).toBeLessThan(Math.max(...lngs) + 0.05);

    await phone.selectOption('form[data-vigil-finding] select[name=category]', { index: 1 });
    await phone.tap('[data-severity=serious]');
    await phone.fill('form[data-vigil-finding] textarea', 'Campaign tent beside the school fence');
    await phone.tap('form[data-vigil-finding] button[type=submit]');
    await phone.waitForFunction(() => document.body.dataset.vigilPending === '1');
    await context.setOffline(false);
    await phone.waitForFunction(
      () => document.body.dataset.vigilPending === '0' && document.body.dataset.vigilSent === '1',
      undefined,
      { timeout: 2 * BUSY_MACHINE_WAIT_MS },
    );

    const findings: TriageFinding[] = (await getJson(app, coordinator, '/api/findings')).body.findings;
    const stored = findings.find((f) => f.text === 'Campaign tent beside the school fence')!;
    expect(stored.stationId).toBeNull();
    expect(stored.position!.lat).toBeCloseTo(dropped.lat, 5);
    expect(stored.position!.lng).toBeCloseTo(dropped.lng, 5);

    const { page: desk, outside } = await offlineCoordinatorPage(browser, base, {
      username: demo.coordinator.username,
      password: demo.coordinator.password,
    });
    const key = desk.locator('[data-vigil-map-key] [data-vigil-incident-key]');
    expect(await key.textContent()).toContain('incident away from a station');
    await expect
      .poll(
        () =>
          desk.evaluate(async () => {
            const source = window.__vigilMap?.getSource<GeoJSONSource>('off-station-incidents');
            const data = (await source?.getData()) as GeoJSON.FeatureCollection<GeoJSON.Point> | undefined;
            return data?.features.map((f) => f.geometry.coordinates) ?? [];
          }),
        { timeout: BUSY_MACHINE_WAIT_MS },
      )
      .toEqual([[stored.position!.lng, stored.position!.lat]]);
    expect(outside).toEqual([]);
    await desk.context().close();
    await context.close();
  }, 240_000);

  it('a wall draws the dot (severity only, never text) only once the mission shows walls team positions', async () => {
    const team = await join(app, demo.joinCodes[5]!.code);
    const incident = {
      id: randomUUID(),
      type: 'finding',
      teamId: team.teamId,
      occurredAt: minutesAgo(1),
      category: 'other',
      severity: 'critical',
      text: 'Road to the school blocked by police',
      position: { lat: 42.8801, lng: 74.6102 },
    };
    expect((await postEvents(app, team.token, [incident])).json().results[0].status).toBe('stored');
    const incidentDots = (wall: Page) =>
      wall.evaluate(async () => {
        const source = window.__vigilMap?.getSource<GeoJSONSource>('off-station-incidents');
        const data = (await source?.getData()) as GeoJSON.FeatureCollection<GeoJSON.Point> | undefined;
        return (data?.features ?? []).map((f) => ({
          at: f.geometry.coordinates,
          ...(f.properties as { findingId: string }),
        }));
      });
    const openWall = async () => {
      const wall = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
      await wall.goto(`${base}/display?token=${encodeURIComponent(demo.displayToken)}`);
      await wall.waitForSelector('body[data-vigil-ready=true]', { timeout: 2 * BUSY_MACHINE_WAIT_MS });
      await wall.locator(`[data-vigil-ticker] li[data-finding-id="${incident.id}"]`).waitFor({
        timeout: BUSY_MACHINE_WAIT_MS,
      });
      await wall.waitForFunction(() => window.__vigilMap?.loaded() === true, undefined, {
        timeout: BUSY_MACHINE_WAIT_MS,
      });
      return wall;
    };

    // The default policy: the ticker says "away from a station", the map has no dot and the legend no line for it.
    const strict = await openWall();
    expect(await strict.locator(`li[data-finding-id="${incident.id}"] .where`).textContent()).toBe(
      'away from a station',
    );
    expect(await incidentDots(strict)).toEqual([]);
    expect(await strict.locator('[data-vigil-incident-key]').count()).toBe(0);
    await strict.close();

    const policy = await app.inject({
      method: 'PUT',
      url: '/api/display-links/policy',
      headers: { authorization: `Bearer ${coordinator}` },
      payload: { showsFindingText: false, showsTeamPositions: true },
    });
    expect(policy.statusCode).toBe(200);
    const open = await openWall();
    // The earlier test's incident is there too; each dot carries its finding and severity, nothing else.
    await expect
      .poll(async () => (await incidentDots(open)).find((dot) => dot.findingId === incident.id), {
        timeout: BUSY_MACHINE_WAIT_MS,
      })
      .toEqual({ at: [74.6102, 42.8801], findingId: incident.id, severity: 'critical' });
    expect(await open.locator('[data-vigil-incident-key]').isVisible()).toBe(true);
    expect(await open.locator('body').textContent()).not.toContain('Road to the school');
    await open.close();
  }, 240_000);
});
