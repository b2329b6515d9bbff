/**
 * The coordinator's map in real Chromium against the real server, at 1366×768 and with every request to anywhere but
 * this server blocked: the offline map draws the city, its approximate districts and station numbers; check-ins and
 * findings posted through the API recolour stations and their clusters; a click opens the station panel, which
 * follows live events; team markers follow check-ins.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import type { Database } from '../../db/client';
import { openTestPglite } from '../helpers/pglite-snapshot';
import { buildApp } from '../../server/app';
import { ensureClientBuilt } from '../../server/client-build';
import { loadConfig, PROJECT_ROOT } from '../../server/config';
import { ensureDemoMission } from '../../server/demo';
import type { MissionCredentials } from '../../server/modules/missions/mission-setup';
import { STATION_STATE_COLOURS } from '../../shared/station-state';
import { testConfig } from '../helpers/app';
import {
  chromiumAvailable,
  colourDistance,
  hexToRgb,
  launchChromium,
  offlineCoordinatorPage,
  pixelAt,
  BUSY_MACHINE_WAIT_MS,
} from '../helpers/browser';
import { joinTeams, playMorning, postAs, type Phone } from '../helpers/demo-activity';
import { checklist, login, minutesAgo } from '../helpers/events';

const SCREENSHOTS = path.join(PROJECT_ROOT, 'docs', 'screenshots');

interface StationRow {
  id: string;
  number: string;
  district: string;
  lat: number;
  lng: number;
}

describe.runIf(chromiumAvailable)('coordinator map in Chromium, offline', () => {
  let database: Database;
  let app: FastifyInstance;
  let browser: Browser;
  let page: Page;
  let base: string;
  let demo: MissionCredentials;
  let phones: Phone[];
  let stations: StationRow[];
  /** Requests the page tried to make to anywhere but our server. */
  let outside: string[] = [];
  const failed: string[] = [];

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
    const coordinator = await login(app, demo.coordinator.username, demo.coordinator.password);
    stations = (
      await app.inject({ method: 'GET', url: '/api/stations', headers: { authorization: `Bearer ${coordinator}` } })
    ).json().stations;
    phones = await joinTeams(base, demo, coordinator);
    // Teams 0 and 1 are kept for the test's own check-ins; the rest play a morning so the map has something to show.
    await playMorning(base, phones.slice(2), { visitsPerTeam: 3, helpFrom: 2 });

    browser = await launchChromium();
    ({ page, outside } = await offlineCoordinatorPage(browser, base, demo.coordinator, (opened) =>
      opened.on('requestfailed', (request) => failed.push(`${request.url()} ${request.failure()?.errorText ?? ''}`)),
    ));
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await database?.close();
  });

  async function idle(): Promise<void> {
    // Resolved with nothing: the event holds the map, which Playwright would otherwise serialise whole.
    await page.evaluate(
      () =>
        new Promise((resolve) => {
          const map = window.__vigilMap!;
          map.once('idle', () => resolve(null));
          map.triggerRepaint();
        }),
    );
  }

  async function jumpTo(lng: number, lat: number, zoom: number): Promise<void> {
    await page.evaluate(({ lng, lat, zoom }) => window.__vigilMap!.jumpTo({ center: [lng, lat], zoom }), {
      lng,
      lat,
      zoom,
    });
    await idle();
  }

  /** The page coordinate of a place on the map. */
  async function screenPoint(lng: number, lat: number): Promise<{ x: number; y: number }> {
    return page.evaluate(
      ({ lng, lat }) => {
        const map = window.__vigilMap!;
        const rect = map.getCanvas().getBoundingClientRect();
        const p = map.project([lng, lat]);
        return { x: rect.left + p.x, y: rect.top + p.y };
      },
      { lng, lat },
    );
  }

  async function renderedCount(layer: string): Promise<number> {
    return page.evaluate((layer) => window.__vigilMap!.queryRenderedFeatures({ layers: [layer] }).length, layer);
  }

  it('draws the city outline, approximate districts and station numbers with no internet at all', async () => {
    const map = { lng: 74.6, lat: 42.87 };
    await jumpTo(map.lng, map.lat, 11);
    expect(await renderedCount('mission-outline-line')).toBeGreaterThan(0);
    expect(await renderedCount('district-line')).toBeGreaterThan(0);
    // No district is filled until one is chosen (see the coverage test).
    expect(await renderedCount('district-fill')).toBe(0);
    const districtLabels = await page.evaluate(() =>
      window
        .__vigilMap!.queryRenderedFeatures({ layers: ['district-label'] })
        .map((f) => f.properties.district as string),
    );
    // Labels yield to clusters now: at city zoom only the areas with room keep theirs.
    expect(new Set(districtLabels).size).toBeGreaterThanOrEqual(1);
    expect(await renderedCount('stations-cluster')).toBeGreaterThan(0);
    // Labels give way: no "(approximate area)" label lies over a cluster or a station.
    const covered = await page.evaluate(() => {
      const map = window.__vigilMap!;
      const marks = map.queryRenderedFeatures({ layers: ['stations-cluster', 'stations-icon'] });
      return marks.filter(
        (f) =>
          map.queryRenderedFeatures(map.project((f.geometry as GeoJSON.Point).coordinates as [number, number]), {
            layers: ['district-label'],
          }).length > 0,
      ).length;
    });
    expect(covered).toBe(0);
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'dashboard-map.png') });

    const station = stations.find((s) => s.number === '1001')!;
    await jumpTo(station.lng, station.lat, 15);
    const labels = await page.evaluate(() =>
      window
        .__vigilMap!.queryRenderedFeatures({ layers: ['stations-label'] })
        .map((f) => f.properties.number as string),
    );
    expect(labels).toContain('1001');
    // The glyphs came from our server: no request left it, and none failed.
    expect(outside).toEqual([]);
    expect(failed.filter((line) => !line.includes('/socket.io/'))).toEqual([]);
  });

  it('recolours a station within a second of a check-in and of a critical finding, and its cluster shows the worst state', async () => {
    const station = stations.find((s) => s.number === '1002')!;
    const phone = phones[0]!;
    await jumpTo(station.lng, station.lat, 15);
    const point = await screenPoint(station.lng, station.lat);
    expect(
      colourDistance(await pixelAt(page, point.x, point.y), hexToRgb(STATION_STATE_COLOURS.never_visited)),
    ).toBeLessThan(40);

    // The page's alert strip changes height as teams are heard from, moving the map: project the station every time.
    const waitForColour = async (hex: string) => {
      const started = Date.now();
      while (Date.now() - started < 5000) {
        const now = await screenPoint(station.lng, station.lat);
        if (colourDistance(await pixelAt(page, now.x, now.y), hexToRgb(hex)) < 40) return Date.now() - started;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      const seen = await page.evaluate(
        (id) => ({
          props: window
            .__vigilMap!.querySourceFeatures('stations')
            .filter((f) => f.properties.id === id)
            .map((f) => f.properties),
          row: document.querySelector(`tr[data-station-id="${id}"]`)?.getAttribute('data-state') ?? null,
          seq: document.body.dataset.vigilLastSeq,
          images: window.__vigilMap!.listImages(),
        }),
        station.id,
      );
      throw new Error(
        `station never turned ${hex}: ${JSON.stringify(seen)} pixel ${await pixelAt(page, point.x, point.y)}`,
      );
    };
    let posted = Date.now();
    await postAs(base, phone.token, [
      { id: randomUUID(), type: 'arrival', teamId: phone.teamId, stationId: station.id, occurredAt: minutesAgo(3) },
    ]);
    await waitForColour(STATION_STATE_COLOURS.present);
    const presentMs = Date.now() - posted;
    posted = Date.now();
    await postAs(base, phone.token, [
      {
        id: randomUUID(),
        type: 'finding',
        teamId: phone.teamId,
        stationId: station.id,
        occurredAt: minutesAgo(1),
        category: 'ballot_stuffing',
        severity: 'critical',
        text: 'Stuffed ballots seen in box 2',
      },
    ]);
    await waitForColour(STATION_STATE_COLOURS.critical);
    const criticalMs = Date.now() - posted;
    // The "within a second" is reported, not asserted: machines running the tests are shared and noisy (the
    // house rule), and waitForColour already fails after 5 s.
    console.info(
      `station recoloured ${presentMs} ms after the check-in and ${criticalMs} ms after the finding (target ≤ 1000 ms)`,
    );

    // Zoomed out, the station is inside a cluster, and that cluster says "critical" in its ring and its symbol.
    await jumpTo(station.lng, station.lat, 10);
    const cluster = await page.evaluate(async (stationId) => {
      const map = window.__vigilMap!;
      const source = map.getSource('stations') as import('maplibre-gl').GeoJSONSource;
      for (const feature of map.queryRenderedFeatures({ layers: ['stations-cluster'] })) {
        const leaves = await source.getClusterLeaves(feature.properties.cluster_id as number, Infinity, 0);
        if (leaves.some((leaf) => leaf.properties?.id === stationId)) {
          const [lng, lat] = (feature.geometry as GeoJSON.Point).coordinates as [number, number];
          return {
            worst: feature.properties.worst as number,
            count: feature.properties.point_count as number,
            lng,
            lat,
          };
        }
      }
      return null;
    }, station.id);
    expect(cluster).not.toBeNull();
    expect(cluster!.worst).toBe(0);
    expect(cluster!.count).toBeGreaterThan(1);
    // The ring: a few pixels inside the cluster's edge (radius 17–29 px, ring 5 px).
    const centre = await screenPoint(cluster!.lng, cluster!.lat);
    const ringColours = await Promise.all([-19, -16, 16, 19].map((dx) => pixelAt(page, centre.x + dx, centre.y)));
    expect(ringColours.some((colour) => colourDistance(colour, hexToRgb(STATION_STATE_COLOURS.critical)) < 60)).toBe(
      true,
    );
  });

  it("opens a station's panel on click with its visit, checklist answers and finding, and keeps it live", async () => {
    const station = stations.find((s) => s.number === '1002')!;
    const phone = phones[0]!;
    await jumpTo(station.lng, station.lat, 15);
    const point = await screenPoint(station.lng, station.lat);
    await page.mouse.click(point.x, point.y);
    const panel = page.locator(`[data-vigil-station-panel="${station.id}"]`);
    await panel.waitFor({ timeout: BUSY_MACHINE_WAIT_MS });
    await panel.locator('[data-vigil-visits] tr[data-visit]').first().waitFor({ timeout: BUSY_MACHINE_WAIT_MS });
    expect(await panel.locator('[data-vigil-visits] tbody').textContent()).toContain('T01');
    expect(await panel.locator('[data-vigil-panel-finding]').first().textContent()).toContain(
      'Stuffed ballots seen in box 2',
    );
    expect(await panel.locator('[data-vigil-panel-finding]').first().getAttribute('data-status')).toBe('new');

    // A checklist filed now appears in the panel with its answers, without a click.
    await postAs(base, phone.token, [checklist(phone.teamId, station.id, 'bad', 'voting')]);
    const filed = panel.locator('[data-vigil-checklist]').first();
    await filed.waitFor({ timeout: BUSY_MACHINE_WAIT_MS });
    expect(await filed.locator('dd[data-question="secrecy"]').textContent()).toBe('No');
    expect(await filed.locator('summary').textContent()).toContain('Bad');

    // A coordinator's triage and the team's check-out reach the open panel live.
    const findingId = await panel
      .locator('[data-vigil-panel-finding]')
      .first()
      .getAttribute('data-vigil-panel-finding');
    const coordinator = await login(app, demo.coordinator.username, demo.coordinator.password);
    await postAs(base, coordinator, [
      {
        id: randomUUID(),
        type: 'finding_status',
        findingId,
        status: 'escalated',
        occurredAt: new Date().toISOString(),
      },
    ]);
    await page.waitForSelector(`[data-vigil-panel-finding="${findingId}"][data-status="escalated"]`, {
      timeout: BUSY_MACHINE_WAIT_MS,
    });
    await postAs(base, phone.token, [
      {
        id: randomUUID(),
        type: 'departure',
        teamId: phone.teamId,
        stationId: station.id,
        occurredAt: new Date().toISOString(),
      },
    ]);
    await page.waitForFunction(
      (id) =>
        !document
          .querySelector(`[data-vigil-station-panel="${id}"] [data-vigil-visits]`)
          ?.textContent?.includes('still there'),
      station.id,
      { timeout: BUSY_MACHINE_WAIT_MS },
    );
    expect(await panel.locator('[data-vigil-history] li').first().getAttribute('data-type')).toBe('departure');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'station-panel.png') });
    await page.click('[data-vigil-station-panel] button.close');
    expect(await page.locator('[data-vigil-station-panel]').count()).toBe(0);
  });

  it("moves a team's marker to the station it checks in at, with a trail behind it", async () => {
    const phone = phones[1]!;
    const [first, second] = [stations.find((s) => s.number === '1010')!, stations.find((s) => s.number === '1020')!];
    const markerAt = () =>
      page.evaluate((teamId) => {
        const found = window
          .__vigilMap!.querySourceFeatures('ground')
          .find((f) => f.properties.kind === 'team' && f.properties.id === teamId);
        return found ? (found.geometry as GeoJSON.Point).coordinates : null;
      }, phone.teamId);
    // Source features are read from the tiles in view: look at both stations.
    await page.evaluate(
      ({ a, b }) =>
        window.__vigilMap!.fitBounds(
          [
            [Math.min(a.lng, b.lng), Math.min(a.lat, b.lat)],
            [Math.max(a.lng, b.lng), Math.max(a.lat, b.lat)],
          ],
          { padding: 80, duration: 0, maxZoom: 14 },
        ),
      { a: first, b: second },
    );
    await idle();
    await postAs(base, phone.token, [
      { id: randomUUID(), type: 'arrival', teamId: phone.teamId, stationId: first.id, occurredAt: minutesAgo(30) },
    ]);
    await expect
      .poll(markerAt, { timeout: BUSY_MACHINE_WAIT_MS })
      .toEqual([expect.closeTo(first.lng, 5), expect.closeTo(first.lat, 5)]);
    await postAs(base, phone.token, [
      { id: randomUUID(), type: 'arrival', teamId: phone.teamId, stationId: second.id, occurredAt: minutesAgo(2) },
    ]);
    await expect
      .poll(markerAt, { timeout: BUSY_MACHINE_WAIT_MS })
      .toEqual([expect.closeTo(second.lng, 5), expect.closeTo(second.lat, 5)]);
    const trail = await page.evaluate((teamId) => {
      const found = window
        .__vigilMap!.querySourceFeatures('ground')
        .find((f) => f.properties.kind === 'trail' && f.properties.id === teamId);
      return found ? (found.geometry as GeoJSON.LineString).coordinates.length : 0;
    }, phone.teamId);
    expect(trail).toBeGreaterThanOrEqual(2);
    expect(
      await page.evaluate(() =>
        window.__vigilMap!.queryRenderedFeatures({ layers: ['teams-icon'] }).map((f) => f.properties.callSign),
      ),
    ).toContain('T02');
  });

  it('keeps a key beside the map telling each state by its own shape, and fits 1366×768 without the page scrolling', async () => {
    const key = page.locator('[data-vigil-map-key]');
    expect(await key.isVisible()).toBe(true);
    // One shape per state; the key's line about the small mark beside a shape draws shapes of its own.
    const shapes = await key
      .locator('li:not([data-vigil-badge-key]) svg[data-shape]')
      .evaluateAll((svgs) => svgs.map((svg) => svg.querySelector('path')!.getAttribute('d')));
    expect(shapes).toHaveLength(7);
    expect(new Set(shapes).size).toBe(7);
    const sizes = await page.evaluate(() => ({
      scroll: document.documentElement.scrollWidth,
      height: document.documentElement.scrollHeight,
    }));
    const box = await key.boundingBox();
    expect(box!.x + box!.width).toBeLessThanOrEqual(1366);
    expect(box!.y + box!.height).toBeLessThanOrEqual(768);
    expect(sizes.scroll).toBeLessThanOrEqual(1366);
    expect(sizes.height).toBeLessThanOrEqual(768);
    expect(outside).toEqual([]);
  });
});
