/**
 * The situation-room wall in real Chromium against the real server: laid out for 1920×1080 and 3840×2160 (screenshots
 * saved to tests/artifacts/), news reaching the ticker and the figures, a revoked link locking the wall, the rotation
 * through the districts, and — with a real server process — recovering alone from a restart and reloading itself for
 * a new version.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
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
import { testConfig } from '../helpers/app';
import { chromiumAvailable, launchChromium, saveScreenshot, BUSY_MACHINE_WAIT_MS } from '../helpers/browser';
import { joinTeams, playMorning, postAs, type Phone } from '../helpers/demo-activity';
import { freePort, VigilInstance } from '../helpers/processes';

async function api(base: string, method: string, pathName: string, token: string | null, body?: unknown) {
  const res = await fetch(`${base}${pathName}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text === '' ? null : JSON.parse(text) };
}

async function figure(page: Page, name: string): Promise<number> {
  return Number(await page.getAttribute(`[data-figure="${name}"]`, 'data-value'));
}

describe.runIf(chromiumAvailable)('the wall display in Chromium', () => {
  let database: Database;
  let app: FastifyInstance;
  let browser: Browser;
  let base: string;
  let demo: MissionCredentials;
  let coordinator: string;
  let phones: Phone[];

  beforeAll(async () => {
    const clientDir = loadConfig({}).clientDir;
    await ensureClientBuilt(loadConfig({}));
    database = await openTestPglite();
    const config = testConfig({ clientDir, demoCoordinatorPassword: 'demo-password-1', headAnnounceIntervalMs: 1000 });
    app = await buildApp(config, { database });
    demo = (await ensureDemoMission(database.db, config))!;
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    coordinator = (
      await api(base, 'POST', '/api/auth/login', null, {
        username: demo.coordinator.username,
        password: demo.coordinator.password,
      })
    ).body.token;
    phones = await joinTeams(base, demo, coordinator);
    await playMorning(base, phones);
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await database?.close();
  });

  async function openWall(
    token: string,
    viewport: { width: number; height: number } = { width: 1920, height: 1080 },
  ): Promise<Page> {
    const page = await browser.newPage({ viewport });
    page.on('pageerror', (err) => console.error('page error:', err.message));
    await page.goto(`${base}/display?token=${encodeURIComponent(token)}`);
    await page.waitForSelector('body[data-vigil-ready=true]', { timeout: 30_000 });
    await page.waitForSelector('[data-vigil-figures]', { timeout: BUSY_MACHINE_WAIT_MS });
    await mapAtRest(page);
    return page;
  }

  /** Waits until the map has stopped moving and has drawn what it shows (a wall at rest, as a room sees it). */
  async function mapAtRest(page: Page): Promise<void> {
    await page.waitForFunction(
      () => {
        const map = window.__vigilMap;
        return map !== undefined && map.loaded() && !map.isMoving();
      },
      undefined,
      { timeout: 30_000, polling: 100 },
    );
  }

  for (const viewport of [
    { width: 1920, height: 1080 },
    { width: 3840, height: 2160 },
  ]) {
    it(`lays out map, figures, ticker and alerts on a ${viewport.width}×${viewport.height} wall, legible and without scrolling`, async () => {
      const page = await openWall(demo.displayToken, viewport);
      await page.waitForSelector('[data-vigil-ticker] li[data-finding-id]', { timeout: BUSY_MACHINE_WAIT_MS });
      await page.waitForSelector('[data-vigil-alert=critical]', { timeout: BUSY_MACHINE_WAIT_MS });
      await page.waitForSelector('[data-vigil-alert=help]', { timeout: BUSY_MACHINE_WAIT_MS });
      // The districts' approximate areas are drawn on the wall too, under its stations.
      await page.waitForFunction(
        () => window.__vigilMap!.querySourceFeatures('ground').some((f) => f.properties.kind === 'district'),
        undefined,
        { timeout: BUSY_MACHINE_WAIT_MS },
      );
      await mapAtRest(page);
      expect(
        await page.evaluate(() => window.__vigilMap!.queryRenderedFeatures({ layers: ['district-line'] }).length),
      ).toBeGreaterThan(0);
      const file = await saveScreenshot(page, `wall-display-${viewport.width}x${viewport.height}`);
      console.info(`screenshot: ${file}`);
      if (viewport.width === 1920)
        copyFileSync(file, path.join(PROJECT_ROOT, 'docs', 'screenshots', 'wall-display.png'));

      // The demo's day goes on while the wall is read: a team can turn silent between reading the page and the API,
      // which on a busy machine takes a while. The figures must come to agree with the summary, not match one instant.
      const summaryNow = async () => (await api(base, 'GET', '/api/summary', demo.displayToken)).body;
      await expect
        .poll(
          async () => {
            const summary = await summaryNow();
            const shown = await Promise.all(
              ['coveredNow', 'coveredToday', 'teamsActive', 'open-critical'].map((name) => figure(page, name)),
            );
            const truth = [
              summary.stations.coveredNow,
              summary.stations.coveredToday,
              summary.teams.active,
              summary.findings.open.critical,
            ];
            return `wall ${shown.join(',')} · summary ${truth.join(',')}`;
          },
          { timeout: BUSY_MACHINE_WAIT_MS, interval: 500 },
        )
        .toMatch(/^wall (.*) · summary \1$/);
      expect((await summaryNow()).stations.coveredToday).toBeGreaterThan(30);

      const layout = await page.evaluate(() => ({
        scrollWidth: document.documentElement.scrollWidth,
        scrollHeight: document.documentElement.scrollHeight,
        fontPx: Number.parseFloat(getComputedStyle(document.querySelector('[data-vigil-wall]')!).fontSize),
        controls: document.querySelectorAll(
          '[data-vigil-wall] button, [data-vigil-wall] input, [data-vigil-wall] select, .maplibregl-ctrl',
        ).length,
        mapWidth: document.querySelector('[data-vigil-map]')!.getBoundingClientRect().width,
      }));
      expect(layout.scrollWidth).toBeLessThanOrEqual(viewport.width);
      expect(layout.scrollHeight).toBeLessThanOrEqual(viewport.height);
      // About 20 px type on 1920 px, twice that on 4K: readable from across a room.
      expect(layout.fontPx).toBeGreaterThanOrEqual((viewport.width / 1920) * 19);
      expect(layout.controls).toBe(0);
      expect(layout.mapWidth).toBeGreaterThan(viewport.width * 0.55);
      // Everything on screen is in the demo's own words, never a name or phone number.
      const text = await page.evaluate(() => document.body.innerText);
      expect(text).not.toMatch(/\+996/);
      expect(text).toContain('DEMO DATA');
      await page.close();
    }, 90_000);
  }

  /** Stations with an open finding that are not inside the map pane, clear of everything drawn over it. */
  async function hiddenFindingStations(page: Page): Promise<string[]> {
    const stations = (await api(base, 'GET', '/api/stations', demo.displayToken)).body.stations as {
      number: string;
      lng: number;
      lat: number;
      status: { openFindings: number };
    }[];
    const open = stations
      .filter((st) => st.status.openFindings > 0)
      .map((st) => ({ number: st.number, lng: st.lng, lat: st.lat }));
    expect(open.length).toBeGreaterThan(3);
    return page.evaluate((points) => {
      const map = window.__vigilMap!;
      const canvas = map.getCanvas().getBoundingClientRect();
      const pane = document.querySelector('.map-pane')!.getBoundingClientRect();
      const covers = [...document.querySelectorAll('[data-vigil-view], .legend-slot')].map((el) =>
        el.getBoundingClientRect(),
      );
      const visible = {
        left: Math.max(pane.left, 0),
        top: Math.max(pane.top, 0),
        right: Math.min(pane.right, innerWidth),
        bottom: Math.min(pane.bottom, innerHeight),
      };
      return points
        .filter(({ lng, lat }) => {
          const p = map.project([lng, lat]);
          const x = canvas.left + p.x;
          const y = canvas.top + p.y;
          const inside =
            x >= visible.left + 4 && x <= visible.right - 4 && y >= visible.top + 4 && y <= visible.bottom - 4;
          const covered = covers.some(
            (r) => x >= r.left - 4 && x <= r.right + 4 && y >= r.top - 4 && y <= r.bottom + 4,
          );
          return !inside || covered;
        })
        .map((point) => point.number);
    }, open);
  }

  for (const viewport of [
    { width: 1920, height: 1080 },
    { width: 3840, height: 2160 },
  ]) {
    it(`at ${viewport.width}×${viewport.height} every station with an open finding is on the map, clear of the bars, label and legend, NOT LIVE bar included`, async () => {
      const page = await openWall(demo.displayToken, viewport);
      await page.waitForSelector('[data-vigil-alert=critical]', { timeout: BUSY_MACHINE_WAIT_MS });
      await mapAtRest(page);
      expect(await hiddenFindingStations(page)).toEqual([]);
      // The connection drops: the NOT LIVE bar pushes the map down, and the map fits again below it.
      await page.context().setOffline(true);
      await page.waitForSelector('[data-vigil-stale]', { timeout: 40_000 });
      await page.waitForTimeout(300);
      await mapAtRest(page);
      expect(await hiddenFindingStations(page)).toEqual([]);
      await page.context().setOffline(false);
      await page.close();
    }, 90_000);
  }

  it('a district view counts that district alone and outlines it; the ticker fades no row while it has room', async () => {
    const created = (
      await api(base, 'POST', '/api/display-links', coordinator, { label: 'District wall', rotationSeconds: 5 })
    ).body;
    const page = await openWall(created.token);
    // Given room for every row, the ticker fades none of them (the bottom fade is only for a list that is cut).
    const maskWhenRoom = await page.evaluate(() => {
      const ol = document.querySelector<HTMLElement>('[data-vigil-ticker] ol')!;
      ol.style.flex = 'none';
      ol.style.maxHeight = 'none';
      return new Promise<string>((resolve) =>
        requestAnimationFrame(() => requestAnimationFrame(() => resolve(getComputedStyle(ol).maskImage))),
      );
    });
    expect(maskWhenRoom).toBe('none');
    await page.waitForFunction(
      () => document.querySelector('[data-vigil-wall]')?.getAttribute('data-view') !== 'city',
      undefined,
      { timeout: 20_000 },
    );
    const district = (await page.getAttribute('[data-vigil-wall]', 'data-view'))!;
    await page.waitForSelector(`[data-vigil-figures][data-scope="${district}"]`, { timeout: BUSY_MACHINE_WAIT_MS });
    const stations = (
      (await api(base, 'GET', '/api/stations', demo.displayToken)).body.stations as {
        district: string;
        status: { presentTeamIds: string[]; openFindings: number };
      }[]
    ).filter((st) => st.district === district);
    const legend = await page.$$eval('.legend-slot li', (items) =>
      items.map((li) => Number(li.getAttribute('data-count'))),
    );
    expect(legend.reduce((a, b) => a + b, 0)).toBe(stations.length);
    expect(await figure(page, 'coveredNow')).toBe(stations.filter((st) => st.status.presentTeamIds.length > 0).length);
    expect(await figure(page, 'openFindings')).toBe(stations.reduce((sum, st) => sum + st.status.openFindings, 0));
    expect(await page.textContent('[data-figure="coveredNow"] .sub')).toContain(`of ${stations.length} stations`);
    // Its area is outlined and filled: the district fill layer draws that district only.
    await mapAtRest(page);
    const filled = await page.evaluate(() => [
      ...new Set(
        window
          .__vigilMap!.queryRenderedFeatures({ layers: ['district-fill'] })
          .map((f) => f.properties.district as string),
      ),
    ]);
    expect(filled).toEqual([district]);
    await page.close();
  }, 60_000);

  it('a finding posted through the API reaches the ticker and the figures within a second', async () => {
    const page = await openWall(demo.displayToken);
    const before = await figure(page, 'open-serious');
    const phone = phones[7]!;
    const event = {
      id: randomUUID(),
      type: 'finding',
      teamId: phone.teamId,
      stationId: phone.route[0],
      occurredAt: new Date().toISOString(),
      category: 'carousel',
      severity: 'serious',
      text: 'Same group of voters came back twice',
    };
    const postedAt = Date.now();
    expect((await postAs(base, phone.token, [event]))[0]!.status).toBe('stored');
    await page.waitForSelector(`[data-vigil-ticker] li[data-finding-id="${event.id}"]`, {
      timeout: BUSY_MACHINE_WAIT_MS,
    });
    const tickerMs = Date.now() - postedAt;
    await page.waitForSelector(`[data-figure="open-serious"][data-value="${before + 1}"]`, {
      timeout: BUSY_MACHINE_WAIT_MS,
    });
    const figuresMs = Date.now() - postedAt;
    console.info(`finding on the wall: ticker ${tickerMs} ms, figures ${figuresMs} ms after the POST was sent`);
    const row = await page.textContent(`[data-vigil-ticker] li[data-finding-id="${event.id}"]`);
    expect(row).toContain('Carousel');
    expect(row).not.toContain('came back twice');
    expect(await figure(page, 'open-serious')).toBe(
      (await api(base, 'GET', '/api/summary', coordinator)).body.findings.open.serious,
    );
    await page.close();
  });

  it('a revoked display link blanks the wall with a clear message within seconds', async () => {
    const created = (await api(base, 'POST', '/api/display-links', coordinator, { label: 'Press room' })).body;
    const page = await openWall(created.token);
    const revokedAt = Date.now();
    expect((await api(base, 'DELETE', `/api/display-links/${created.link.id}`, coordinator)).status).toBe(204);
    await page.waitForSelector('[data-vigil-locked]', { timeout: BUSY_MACHINE_WAIT_MS });
    console.info(`wall locked ${Date.now() - revokedAt} ms after the revocation`);
    expect(await page.locator('[data-vigil-map]').count()).toBe(0);
    expect(await page.locator('[data-vigil-ticker]').count()).toBe(0);
    expect(await page.textContent('[data-vigil-locked]')).toMatch(/revoked/i);
    await saveScreenshot(page, 'wall-display-revoked');
    // It stays locked: a revoked link never comes back by itself.
    await page.waitForTimeout(1500);
    expect(await page.locator('[data-vigil-locked]').count()).toBe(1);
    await page.close();
    // A link may name the wall's language: even this notice speaks it.
    const russian = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    await russian.goto(`${base}/display?token=${encodeURIComponent(created.token)}&lang=ru`);
    await russian.waitForSelector('[data-vigil-locked] h1:has-text("Экран отключён")', {
      timeout: BUSY_MACHINE_WAIT_MS,
    });
    await russian.close();
  });

  it('a coordinator makes a display link in the dashboard panel, the wall opens with it, and the panel switches it off', async () => {
    const desk = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    desk.on('pageerror', (err) => console.error('page error:', err.message));
    await desk.goto(`${base}/`);
    await desk.fill('input[name=username]', demo.coordinator.username);
    await desk.fill('input[name=password]', demo.coordinator.password);
    await desk.click('form[data-vigil-login] button[type=submit]');
    await desk.waitForSelector('body[data-vigil-ready=true]', { timeout: 30_000 });
    await desk.click('[data-vigil-tab=setup]');
    await desk.click('[data-vigil-display-links] summary');
    await desk.fill('input[name=display-label]', 'Situation room, left wall');
    await desk.selectOption('select[aria-label="Rotation of the new display"]', {
      label: 'Cycle districts every 15 s',
    });
    await desk.click('[data-vigil-display-links] button[type=submit]');
    const link = (await desk.textContent('[data-vigil-new-link] code'))!.trim();
    expect(link).toMatch(new RegExp(`^${base}/display\\?token=\\S+$`));
    await saveScreenshot(desk, 'coordinator-display-links-panel');

    const wall = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await wall.goto(link);
    await wall.waitForSelector('body[data-vigil-ready=true]', { timeout: 30_000 });
    const listed = (await api(base, 'GET', '/api/display-links', coordinator)).body.links.find(
      (l: { label: string }) => l.label === 'Situation room, left wall',
    );
    expect(listed).toMatchObject({ rotationSeconds: 15, revokedAt: null });

    const row = desk.locator(`li[data-link-id="${listed.id}"]`);
    await row.locator('button[data-action=revoke]').click();
    await row.locator('button[data-action=revoke]').click(); // the second click confirms
    await wall.waitForSelector('[data-vigil-locked]', { timeout: BUSY_MACHINE_WAIT_MS });
    await desk.waitForSelector(`li[data-link-id="${listed.id}"].revoked`, { timeout: BUSY_MACHINE_WAIT_MS });
    await wall.close();
    await desk.close();
  });

  it('cycles through the whole city and each district when its link says so, and follows a change at once', async () => {
    const created = (await api(base, 'POST', '/api/display-links', coordinator, { label: 'Rotating wall' })).body;
    const page = await openWall(created.token);
    expect(await page.getAttribute('[data-vigil-wall]', 'data-view')).toBe('city');
    const cityCenter = await page.evaluate(() => window.__vigilMap!.getCenter().toArray());
    await api(base, 'PATCH', `/api/display-links/${created.link.id}`, coordinator, { rotationSeconds: 5 });
    const seen = new Set<string>();
    const deadline = Date.now() + 25_000;
    while (seen.size < 3 && Date.now() < deadline) {
      seen.add((await page.getAttribute('[data-vigil-wall]', 'data-view')) ?? '');
      await page.waitForTimeout(250);
    }
    expect([...seen].filter((v) => v !== 'city').length).toBeGreaterThanOrEqual(2);
    expect(['Leninsky', 'Oktyabrsky', 'Pervomaisky', 'Sverdlovsky']).toEqual(
      expect.arrayContaining([...seen].filter((v) => v !== 'city')),
    );
    expect(await page.evaluate(() => window.__vigilMap!.getCenter().toArray())).not.toEqual(cityCenter);
    expect(await page.textContent('[data-vigil-view]')).toMatch(/district|Whole city/);
    await page.close();
  }, 40_000);
});

describe.runIf(chromiumAvailable)('the wall display against a server process', () => {
  let instance: VigilInstance;
  let browser: Browser;
  let dataDir: string;
  let credentials: MissionCredentials;

  beforeAll(async () => {
    await ensureClientBuilt(loadConfig({}));
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'vigil-wall-'));
    // Embedded PGlite in DATA_DIR, as `npm start` runs with nothing configured; it survives the restart.
    instance = new VigilInstance({
      port: await freePort(),
      databaseUrl: '',
      redisUrl: null,
      name: 'wall',
      env: { SERVE_CLIENT: 'true', VIGIL_SEED_DEMO: 'true', DATA_DIR: dataDir, HEAD_ANNOUNCE_INTERVAL_MS: '1000' },
    });
    await instance.start();
    credentials = JSON.parse(readFileSync(path.join(dataDir, 'demo-credentials.json'), 'utf8'));
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await instance?.stop('SIGKILL');
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('shows it is not live while the server is down, and recovers alone after the restart, catching up', async () => {
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await page.goto(`${instance.url}/display?token=${credentials.displayToken}`);
    await page.waitForSelector('body[data-vigil-ready=true]', { timeout: 30_000 });
    expect(await page.locator('[data-vigil-stale]').count()).toBe(0);

    await instance.stop('SIGTERM');
    await page.waitForSelector('[data-vigil-stale]', { timeout: BUSY_MACHINE_WAIT_MS });
    await saveScreenshot(page, 'wall-display-not-live');
    const restartedAt = Date.now();
    await instance.start();

    // Posted at once after the restart: the wall may not be back yet, and must catch up on it.
    const coordinator = (
      await api(instance.url, 'POST', '/api/auth/login', null, {
        username: credentials.coordinator.username,
        password: credentials.coordinator.password,
      })
    ).body.token;
    const joined = (await api(instance.url, 'POST', '/api/auth/join', null, { code: credentials.joinCodes[0]!.code }))
      .body;
    const stationId = (await api(instance.url, 'GET', '/api/teams', coordinator)).body.teams.find(
      (t: { id: string }) => t.id === joined.teamId,
    ).assignedStationIds[0];
    const event = {
      id: randomUUID(),
      type: 'finding',
      teamId: joined.teamId,
      stationId,
      occurredAt: new Date().toISOString(),
      category: 'voter_list',
      severity: 'minor',
      text: 'Names missing from the list',
    };
    expect((await postAs(instance.url, joined.token, [event]))[0]!.status).toBe('stored');
    const connectionAtPost = await page.getAttribute('[data-vigil-indicator]', 'data-connection');
    console.info(
      `finding posted while the wall was "${connectionAtPost}"${connectionAtPost === 'live' ? '' : ': it can only arrive by catching up'}`,
    );

    await page.waitForSelector(`[data-vigil-ticker] li[data-finding-id="${event.id}"]`, { timeout: 30_000 });
    await page.waitForSelector('[data-vigil-wall][data-stale=false]', { timeout: 30_000 });
    console.info(`wall live again ${Date.now() - restartedAt} ms after the restart began`);
    await page.waitForSelector('[data-figure="open-minor"][data-value="1"]', { timeout: BUSY_MACHINE_WAIT_MS });
    expect(await page.getAttribute('[data-vigil-indicator]', 'data-connection')).toBe('live');
    await page.close();
  }, 120_000);

  it('reloads itself for a new version once nothing urgent is on screen and news has paused', async () => {
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await page.goto(`${instance.url}/display?token=${credentials.displayToken}`);
    await page.waitForSelector('body[data-vigil-ready=true]', { timeout: 30_000 });
    const served = (await api(instance.url, 'GET', '/api/version', null)).body.build;
    expect(served).toMatch(/\S/);
    expect(await page.getAttribute('meta[name="vigil-build"]', 'content')).toBe(served);
    // Pretend this page is an older build: the server's announcements now say a newer one is served.
    await page.evaluate(() => {
      document.querySelector('meta[name="vigil-build"]')!.setAttribute('content', 'an-older-build');
      (window as { vigilBeforeReload?: boolean }).vigilBeforeReload = true;
    });
    const asked = Date.now();
    await page.waitForFunction(() => !(window as { vigilBeforeReload?: boolean }).vigilBeforeReload, undefined, {
      timeout: 45_000,
      polling: 500,
    });
    await page.waitForSelector('body[data-vigil-ready=true]', { timeout: 30_000 });
    console.info(`wall reloaded itself ${Date.now() - asked} ms after a new version was announced`);
    expect(await page.getAttribute('meta[name="vigil-build"]', 'content')).toBe(served);
    // One reload, not a loop.
    await page.waitForTimeout(3000);
    expect(await page.getAttribute('meta[name="vigil-build"]', 'content')).toBe(served);
    await page.close();
  }, 90_000);
});
