/**
 * The mission operations page in real Chromium: a plan edited in one coordinator's browser appears live in a second
 * coordinator's browser and in the team's phone (pushed over its team socket); a station file is previewed on the map with its changes, then imported.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { FIXTURE_PASSWORD, servedTestApp, type TestApp } from '../helpers/app';
import { chromiumAvailable, launchChromium, saveScreenshot, BUSY_MACHINE_WAIT_MS } from '../helpers/browser';
import { getJson, join } from '../helpers/events';

describe.runIf(chromiumAvailable)('mission operations in Chromium', () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    ({ t, base } = await servedTestApp());
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await t?.close();
  });

  /** A coordinator in their own browser profile, signed in on the operations page. */
  async function coordinatorPage(): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (err) => console.error('page error:', err.message));
    await page.goto(`${base}/operations`);
    await page.fill('input[name=username]', t.own.coordinator.username);
    await page.fill('input[name=password]', FIXTURE_PASSWORD);
    await page.click('form[data-vigil-login] button[type=submit]');
    await page.waitForSelector('[data-vigil-operations] [data-vigil-team="T01"]', { timeout: 30_000 });
    return page;
  }

  const stopCount = (page: Page, callSign: string) => page.locator(`[data-vigil-team="${callSign}"]`).innerText();

  it("a plan edited in one browser reaches a second coordinator's browser and the team live", async () => {
    const a = await coordinatorPage();
    const b = await coordinatorPage();
    expect(await stopCount(b, 'T01')).toContain('2 stops');
    // T01's phone, open on its plan before the change. Its periodic refresh is switched off (intervals of a minute or
    // more never fire) and it is never brought to the front again: only the team socket's notice can bring the change.
    const phoneContext = await browser.newContext({ viewport: { width: 390, height: 844 } });
    contexts.push(phoneContext);
    await phoneContext.addInitScript(() => {
      const setIntervalNative = window.setInterval.bind(window);
      window.setInterval = ((handler: TimerHandler, timeout?: number, ...args: unknown[]) =>
        (timeout ?? 0) >= 60_000 ? 0 : setIntervalNative(handler, timeout, ...args)) as typeof window.setInterval;
    });
    const phone = await phoneContext.newPage();
    let phoneRequests = 0;
    phone.on('request', (request) => {
      if (new URL(request.url()).pathname === '/api/teams') phoneRequests += 1;
    });
    await phone.goto(`${base}/join?code=${t.own.joinCodes[0]!.code}`);
    await phone.waitForSelector('[data-vigil-plan] li[data-vigil-station="1002"]', { timeout: 20_000 });
    expect(await b.locator('[data-vigil-unassigned-count]').innerText()).toBe('0 stations');

    // A: T01 gives up station 1002.
    await a.click('[data-vigil-team="T01"]');
    await a.locator('[data-vigil-stop="1002"] button[title="Remove from the route"]').click();
    // Let the phone's start-up fetches (on load and on its socket's connect) settle before the change.
    await phone.waitForTimeout(500);
    const requestsBefore = phoneRequests;
    await a.click('[data-vigil-save-plan]');
    await a.waitForSelector('[data-vigil-plan-saved]');
    // The phone shows the new plan within seconds, untouched.
    await phone.waitForFunction(
      () => document.querySelector('[data-vigil-plan] li[data-vigil-station="1002"]') === null,
      null,
      { timeout: BUSY_MACHINE_WAIT_MS },
    );
    expect(await phone.locator('[data-vigil-plan] li').count()).toBe(1);
    expect(phoneRequests).toBeGreaterThan(requestsBefore);
    await b.waitForFunction(
      () => document.querySelector('[data-vigil-unassigned-count]')?.textContent === '1 stations',
      null,
      { timeout: BUSY_MACHINE_WAIT_MS },
    );
    expect(await stopCount(b, 'T01')).toContain('1 stop');

    // A: T02 takes it, dragged from the unassigned list to the front of its route, for opening only.
    await a.click('[data-vigil-team="T02"]');
    await a.dragAndDrop('[data-vigil-free="1002"]', '[data-vigil-stop="1003"]');
    await a.locator('[data-vigil-stop="1002"] label:has-text("voting") input').uncheck();
    await a.locator('[data-vigil-stop="1002"] label:has-text("closing") input').uncheck();
    await a.click('[data-vigil-save-plan]');
    await b.waitForFunction(
      () => document.querySelector('[data-vigil-team="T02"]')?.textContent?.includes('2 stops'),
      null,
      { timeout: BUSY_MACHINE_WAIT_MS },
    );
    await b.click('[data-vigil-team="T02"]');
    expect(
      await b
        .locator('[data-vigil-route] li')
        .evaluateAll((items) => items.map((li) => li.getAttribute('data-vigil-stop'))),
    ).toEqual(['1002', '1003']);
    expect(await b.locator('[data-vigil-coverage] tr[data-phase="opening"] td').innerText()).toBe('3 of 3 stations');
    expect(await b.locator('[data-vigil-coverage] tr[data-phase="voting"] td').innerText()).toBe('2 of 3 stations');
    await saveScreenshot(b, 'operations-plan');

    // The team reads its new plan (what its phones' plan screen shows).
    const team = await join(t.app, t.own.joinCodes[1]!.code);
    const stations = new Map(
      ((await getJson(t.app, team.token, '/api/stations')).body.stations as { id: string; number: string }[]).map(
        (s) => [s.id, s.number],
      ),
    );
    const own = (await getJson(t.app, team.token, '/api/teams')).body.teams[0];
    expect(
      own.route.map((s: { stationId: string; phases: string[] }) => [stations.get(s.stationId), s.phases]),
    ).toEqual([
      ['1002', ['opening']],
      ['1003', ['opening', 'voting', 'closing']],
    ]);
  }, 120_000);

  it('a coordinator adds a team from the page: its join code is shown and it can be planned at once', async () => {
    const page = await coordinatorPage();
    await page.fill('[data-vigil-new-call-sign]', 'T07');
    await page.click('section[aria-labelledby="new-team-title"] button[type=submit]');
    const notice = await page.waitForSelector('[data-vigil-new-team="T07"]');
    const code = /Join code (\S+)/.exec((await notice.innerText()) ?? '')![1]!;
    expect((await join(t.app, code)).teamId).toBeDefined();
    await page.waitForSelector('[data-vigil-team="T07"]');
  }, 60_000);

  it('a station file is previewed on the map with its changes and problems, then imported', async () => {
    const page = await coordinatorPage();
    const header = 'number,name,address,district,electoral_district,lat,lng,registered_voters\n';
    await page.setInputFiles('[data-vigil-station-file]', {
      name: 'stations.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(
        header +
          '1001,School No. 1 (renamed),Chui Ave 100,Leninsky,21,42.85,74.58,2000\n2001,New school,Toktogul St 1,Oktyabrsky,25,42.83,74.62,1500\n2002,Broken,Nowhere,Oktyabrsky,25,42.8,not-a-number,\n',
      ),
    });
    await page.waitForSelector('[data-vigil-problems]');
    expect(await page.locator('[data-vigil-problems] td', { hasText: 'lng' }).count()).toBe(1);
    expect(await page.locator('[data-vigil-import-stations]').isDisabled()).toBe(true);

    await page.setInputFiles('[data-vigil-station-file]', {
      name: 'stations.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(
        header +
          '1001,School No. 1 (renamed),Chui Ave 100,Leninsky,21,42.85,74.58,2000\n2001,New school,Toktogul St 1,Oktyabrsky,25,42.83,74.62,1500\n',
      ),
    });
    await page.waitForSelector('[data-vigil-preview-counts]');
    expect(await page.locator('[data-vigil-preview-counts]').innerText()).toContain('1 new, 1 changed');
    expect(
      await page
        .locator('section[aria-labelledby="stations-title"] [data-vigil-points]')
        .getAttribute('data-vigil-points'),
    ).toBe('2');
    expect(await page.locator('[data-vigil-preview-row="1001"]').innerText()).toContain('updated: name');
    await saveScreenshot(page, 'operations-station-preview');
    await page.click('[data-vigil-import-stations]');
    await page.waitForSelector('[data-vigil-imported]');
    expect(await page.locator('[data-vigil-imported]').innerText()).toContain('1 new stations, 1 updated');
    const coordinatorStations = (
      await t.app.inject({
        method: 'GET',
        url: '/api/stations',
        headers: { authorization: `Bearer ${t.own.displayToken}` },
      })
    ).json().stations as { number: string; name: string }[];
    expect(coordinatorStations.map((s) => [s.number, s.name])).toContainEqual(['1001', 'School No. 1 (renamed)']);
    expect(coordinatorStations).toHaveLength(4);
    // The new station shows up in the plan editor's unassigned list.
    await page.waitForSelector('[data-vigil-free="2001"]', { timeout: BUSY_MACHINE_WAIT_MS });
  }, 120_000);
});
