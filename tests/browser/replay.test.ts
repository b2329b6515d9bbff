/**
 * Replay of the day in Chromium: a coordinator opens the replay bar, scrubs back to a moment before a critical finding
 * and sees the map and the coverage figures as they were then, while live news keeps arriving unseen; "Back to live"
 * draws the mission as it is now, the news included. The bar's screenshot goes to docs/screenshots/replay-bar.png.
 * Then "Show on walls": the wall display shows the same past moment under a REPLAY banner, with the moment's figures
 * (turnout, counted live only, makes way for a note), shows it again at once when reloaded mid-replay, and goes back to
 * live with the coordinator.
 */
import { randomUUID } from 'node:crypto';
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
  BUSY_MACHINE_WAIT_MS,
  chromiumAvailable,
  launchChromium,
  offlineCoordinatorPage,
  saveScreenshot,
  useInReadme,
} from '../helpers/browser';
import { joinTeams, playMorning, postAs, type Phone } from '../helpers/demo-activity';
import { login } from '../helpers/events';

interface StationRow {
  id: string;
  number: string;
  lat: number;
  lng: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.runIf(chromiumAvailable)('replay of the day in Chromium', () => {
  let database: Database;
  let app: FastifyInstance;
  let browser: Browser;
  let page: Page;
  let base: string;
  let demo: MissionCredentials;
  let phones: Phone[];
  let stations: StationRow[];
  let coordinator: string;

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
    coordinator = await login(app, demo.coordinator.username, demo.coordinator.password);
    stations = (
      await app.inject({ method: 'GET', url: '/api/stations', headers: { authorization: `Bearer ${coordinator}` } })
    ).json().stations;
    phones = await joinTeams(base, demo, coordinator);
    // Teams 0 and 1 are the test's own; the others play a morning so the day has something to replay.
    await playMorning(base, phones.slice(2), { visitsPerTeam: 2, helpFrom: 99 });
    browser = await launchChromium();
    ({ page } = await offlineCoordinatorPage(browser, base, demo.coordinator));
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await database?.close();
  });

  /** The state the map's station source holds for a station (zoomed in so it is not inside a cluster). */
  async function mapState(station: StationRow, on: Page = page): Promise<string | null> {
    return on.evaluate((id) => {
      const found = window.__vigilMap!.querySourceFeatures('stations').find((f) => f.properties.id === id);
      return found ? String(found.properties.state) : null;
    }, station.id);
  }

  /** Whether the map holds a marker for the team. */
  async function teamMarker(teamId: string): Promise<boolean> {
    // The source's whole data, not only what the view shows.
    return page.evaluate(async (id) => {
      const source = window.__vigilMap!.getSource('ground') as unknown as {
        getData(): Promise<{ features: { properties: Record<string, unknown> }[] }>;
      };
      return (await source.getData()).features.some((f) => f.properties.kind === 'team' && f.properties.id === id);
    }, teamId);
  }

  async function waitForMapState(station: StationRow, state: string, on: Page = page): Promise<void> {
    const started = Date.now();
    let seen: string | null = null;
    while (Date.now() - started < BUSY_MACHINE_WAIT_MS) {
      seen = await mapState(station, on);
      if (seen === state) return;
      await sleep(100);
    }
    throw new Error(`station ${station.number} stayed ${seen} on the map, never ${state}`);
  }

  it('scrubs back to before a critical finding, keeps live news aside, and goes back to live in one click', async () => {
    const [a, b] = phones as [Phone, Phone];
    const first = stations.find((s) => s.id === a.route[0])!;
    const second = stations.find((s) => s.id === b.route[0])!;
    const now = () => new Date().toISOString();
    const [arrived] = await postAs(base, a.token, [
      { id: randomUUID(), type: 'arrival', teamId: a.teamId, stationId: first.id, occurredAt: now() },
    ]);
    // Over a second either side: the scrubber moves in whole seconds from its start, so a moment may round by 0.5 s.
    await sleep(1200);
    const before = Date.now();
    await sleep(1200);
    await postAs(base, a.token, [
      {
        id: randomUUID(),
        type: 'finding',
        teamId: a.teamId,
        stationId: first.id,
        occurredAt: now(),
        category: 'ballot_stuffing',
        severity: 'critical',
        text: 'A bundle of ballots in the box',
      },
    ]);

    await page.evaluate(({ lng, lat }) => window.__vigilMap!.jumpTo({ center: [lng, lat], zoom: 15 }), {
      lng: first.lng,
      lat: first.lat,
    });
    await waitForMapState(first, 'critical');
    await page.click('[data-vigil-tab=coverage]');

    await page.click('[data-vigil-replay-open]');
    const bar = page.locator('[data-vigil-replay-bar]');
    await bar.waitFor();
    await page.locator('[data-vigil-replay-scrubber]').evaluate((input: HTMLInputElement, at: number) => {
      input.value = String(at);
      input.dispatchEvent(new Event('input', { bubbles: true }));
    }, before);
    // The moment is the log up to the team's arrival: the station has a team, no finding yet.
    await page.waitForSelector(`[data-vigil-replay-bar][data-seq="${arrived!.seq}"]`, {
      timeout: BUSY_MACHINE_WAIT_MS,
    });
    await waitForMapState(first, 'present');
    const replayedCritical = Number(await page.getAttribute('.legend li[data-state=critical]', 'data-count'));
    const liveCritical = Object.values(
      (
        await app.inject({ method: 'GET', url: '/api/stations', headers: { authorization: `Bearer ${coordinator}` } })
      ).json().stations as { status: { worstOpenSeverity: string | null } }[],
    );
    expect(replayedCritical).toBeLessThan(liveCritical.filter((s) => s.status.worstOpenSeverity === 'critical').length);
    // The figures are those of the moment: one open finding fewer than now (the critical one came after it).
    const open = async (at: string) => {
      const res = await app.inject({
        method: 'GET',
        url: `/api/replay?at=${encodeURIComponent(at)}`,
        headers: { authorization: `Bearer ${coordinator}` },
      });
      return (res.json().findings as { status: string }[]).filter((f) => f.status !== 'resolved').length;
    };
    const openThen = await open(new Date(before).toISOString());
    expect(await open(now())).toBe(openThen + 1);
    await expect
      .poll(() => bar.locator('[data-vigil-replay-figures]').textContent())
      .toMatch(new RegExp(`open findings ${openThen}$`));
    const replayedHead = await page.getAttribute('[data-vigil-coverage]', 'data-head');
    expect(replayedHead).toBe(String(arrived!.seq));

    // News while replaying: applied to the live picture, not drawn over the past.
    const [news] = await postAs(base, b.token, [
      { id: randomUUID(), type: 'arrival', teamId: b.teamId, stationId: second.id, occurredAt: now() },
    ]);
    await page.waitForFunction((seq) => Number(document.body.dataset.vigilLastSeq) >= seq, news!.seq!);
    await page.evaluate(({ lng, lat }) => window.__vigilMap!.jumpTo({ center: [lng, lat], zoom: 15 }), {
      lng: second.lng,
      lat: second.lat,
    });
    await sleep(1200);
    expect(await mapState(second)).not.toBe('present');
    // Team positions are the moment's too: team A at its station, team B (not yet anywhere then) without a marker.
    expect(await teamMarker(a.teamId)).toBe(true);
    expect(await teamMarker(b.teamId)).toBe(false);
    await page.evaluate(({ lng, lat }) => window.__vigilMap!.jumpTo({ center: [lng, lat], zoom: 13 }), {
      lng: first.lng,
      lat: first.lat,
    });
    await sleep(500);
    useInReadme(await saveScreenshot(page, 'replay-bar'), 'replay-bar');

    await page.click('[data-vigil-replay-live]');
    await bar.waitFor({ state: 'detached' });
    await page.evaluate(({ lng, lat }) => window.__vigilMap!.jumpTo({ center: [lng, lat], zoom: 15 }), {
      lng: second.lng,
      lat: second.lat,
    });
    await waitForMapState(second, 'present');
    await expect.poll(() => teamMarker(b.teamId), { timeout: BUSY_MACHINE_WAIT_MS }).toBe(true);
    await page.evaluate(({ lng, lat }) => window.__vigilMap!.jumpTo({ center: [lng, lat], zoom: 15 }), {
      lng: first.lng,
      lat: first.lat,
    });
    await waitForMapState(first, 'critical');
    await expect
      .poll(async () => Number(await page.getAttribute('[data-vigil-coverage]', 'data-head')), {
        timeout: BUSY_MACHINE_WAIT_MS,
      })
      .toBeGreaterThanOrEqual(news!.seq!);
  }, 180_000);

  it('shows the moment and its figures on the walls under a REPLAY banner; Back to live returns them to live', async () => {
    const [a] = phones as [Phone];
    const station = stations.find((s) => s.id === a.route[1])!;
    const wall = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    wall.on('pageerror', (err) => console.error('wall page error:', err.message));
    await wall.goto(`${base}/display?token=${encodeURIComponent(demo.displayToken)}`);
    await wall.waitForSelector('body[data-vigil-ready=true]', { timeout: 30_000 });
    await wall.waitForFunction(() => window.__vigilMap?.loaded() === true, undefined, { timeout: 30_000 });

    const now = () => new Date().toISOString();
    const [arrived] = await postAs(base, a.token, [
      { id: randomUUID(), type: 'arrival', teamId: a.teamId, stationId: station.id, occurredAt: now() },
    ]);
    // Over a second either side: the scrubber moves in whole seconds.
    await sleep(1200);
    const before = Date.now();
    await sleep(1200);
    const findingId = randomUUID();
    await postAs(base, a.token, [
      {
        id: findingId,
        type: 'finding',
        teamId: a.teamId,
        stationId: station.id,
        occurredAt: now(),
        category: 'vote_buying',
        severity: 'critical',
        text: 'Money handed out at the door',
      },
    ]);
    const later = `[data-vigil-ticker] li[data-finding-id="${findingId}"]`;
    await wall.waitForSelector(later, { timeout: BUSY_MACHINE_WAIT_MS });
    const focus = (on: Page) =>
      on.evaluate(({ lng, lat }) => window.__vigilMap!.jumpTo({ center: [lng, lat], zoom: 15 }), {
        lng: station.lng,
        lat: station.lat,
      });
    await focus(wall);
    await waitForMapState(station, 'critical', wall);
    const figure = async (name: string) =>
      Number(await wall.getAttribute(`[data-vigil-figures] [data-figure="${name}"]`, 'data-value'));
    const openAt = async (at: string) => {
      const res = await app.inject({
        method: 'GET',
        url: `/api/replay?at=${encodeURIComponent(at)}`,
        headers: { authorization: `Bearer ${coordinator}` },
      });
      const found = res.json().findings as { status: string; severity: string }[];
      return found.filter((f) => f.status !== 'resolved' && f.severity === 'critical').length;
    };
    const criticalThen = await openAt(new Date(before).toISOString());
    await expect.poll(() => figure('open-critical'), { timeout: BUSY_MACHINE_WAIT_MS }).toBe(criticalThen + 1);
    expect(await wall.locator('[data-vigil-wall-turnout-live-only]').count()).toBe(0);
    const legendCritical = Number(await wall.getAttribute('.legend li[data-state=critical]', 'data-count'));

    await page.click('[data-vigil-replay-open]');
    await page.locator('[data-vigil-replay-scrubber]').evaluate((input: HTMLInputElement, at: number) => {
      input.value = String(at);
      input.dispatchEvent(new Event('input', { bubbles: true }));
    }, before);
    await page.waitForSelector(`[data-vigil-replay-bar][data-seq="${arrived!.seq}"]`, {
      timeout: BUSY_MACHINE_WAIT_MS,
    });
    expect(await wall.locator('[data-vigil-wall-replay]').count()).toBe(0);
    await page.check('[data-vigil-replay-walls]');

    // The wall shows the moment: a banner that says so, the station with its team and no finding, the later finding
    // out of the ticker.
    const banner = wall.locator('[data-vigil-wall-replay]');
    await banner.waitFor({ timeout: BUSY_MACHINE_WAIT_MS });
    expect(await banner.getAttribute('data-seq')).toBe(String(arrived!.seq));
    expect(await banner.textContent()).toMatch(/^\s*REPLAY · \d{1,2}:\d{2}(:\d{2})? — not live\s*$/);
    await focus(wall);
    await waitForMapState(station, 'present', wall);
    await wall.waitForSelector(later, { state: 'detached', timeout: BUSY_MACHINE_WAIT_MS });
    // The figures are the moment's, not live ones beside a past map: the later critical finding is not counted.
    await expect.poll(() => figure('open-critical'), { timeout: BUSY_MACHINE_WAIT_MS }).toBe(criticalThen);
    expect(await wall.getAttribute('[data-vigil-figures]', 'data-head')).toBe(String(arrived!.seq));
    // So is the legend: the station of the later critical finding counts as one with a team, not as critical.
    expect(Number(await wall.getAttribute('.legend li[data-state=critical]', 'data-count'))).toBe(legendCritical - 1);
    await wall.locator('[data-vigil-wall-turnout-live-only]').waitFor();
    useInReadme(await saveScreenshot(wall, 'wall-replay'), 'wall-replay');

    // A wall that (re)connects mid-replay shows the moment at once: renewals carry only the lease, so without the
    // moment sent on connect it would stay live until the coordinator scrubbed.
    await wall.reload();
    await banner.waitFor({ timeout: BUSY_MACHINE_WAIT_MS });
    expect(await banner.getAttribute('data-seq')).toBe(String(arrived!.seq));
    await wall.waitForFunction(() => window.__vigilMap?.loaded() === true, undefined, { timeout: 30_000 });
    await focus(wall);
    await waitForMapState(station, 'present', wall);

    await page.click('[data-vigil-replay-live]');
    await banner.waitFor({ state: 'detached', timeout: BUSY_MACHINE_WAIT_MS });
    await wall.waitForSelector(later, { timeout: BUSY_MACHINE_WAIT_MS });
    await focus(wall);
    await waitForMapState(station, 'critical', wall);
    await expect.poll(() => figure('open-critical'), { timeout: BUSY_MACHINE_WAIT_MS }).toBe(criticalThen + 1);
    expect(await wall.locator('[data-vigil-wall-turnout-live-only]').count()).toBe(0);
    await wall.close();
  }, 180_000);
});
