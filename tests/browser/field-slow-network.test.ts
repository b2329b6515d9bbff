/**
 * A phone on a slow link (Chromium network emulation: 1.6 Mbit/s down, 750 kbit/s up, 300 ms latency) on a mission of
 * 20,000 stations: it joins and lists its plan without loading the whole country, then goes offline and keeps working —
 * a reload shows the plan from the phone's own copy, and a check-in made offline is queued and sent once the link is
 * back. Conditions only: how fast the plan shows is measured in `npm run bench` (BENCH_ONLY=phone).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { StoredEvent } from '../../shared/schemas/events';
import type { Station } from '../../shared/schemas/stations';
import { FIXTURE_PASSWORD, servedTestApp, type TestApp } from '../helpers/app';
import { chromiumAvailable, launchChromium, saveScreenshot } from '../helpers/browser';
import { getJson, login } from '../helpers/events';
import { emulateLink, joinOnSlowLink, nationalMissionWithPlan, PLAN_SIZE } from '../helpers/slow-phone';

describe.runIf(chromiumAvailable)('a phone on a slow link with a 20,000-station mission', () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;
  let coordinator: string;
  let plan: Station[];

  beforeAll(async () => {
    ({ t, base } = await servedTestApp());
    coordinator = await login(t.app, t.own.coordinator.username, FIXTURE_PASSWORD);
    plan = await nationalMissionWithPlan(base, coordinator, t.own.joinCodes[0]!.callSign);
    browser = await launchChromium();
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('joins and lists its plan without the whole list, then works offline: reload from its copy, a check-in queued and sent when back', async () => {
    expect((await getJson(t.app, coordinator, '/api/stations')).body.stations.length).toBeGreaterThanOrEqual(20_000);
    const { context, page, cdp, requests, msToPlan } = await joinOnSlowLink(
      browser,
      base,
      t.own.joinCodes[0]!.code,
      PLAN_SIZE,
    );
    page.setDefaultTimeout(60_000);
    console.info(
      `slow link: plan listed ${Math.round(msToPlan)} ms after opening the join link (figure for information; the bench measures it)`,
    );

    // The plan's stations, in order, by code — the unplaced one included — and nothing like the national list fetched.
    const codes = await page.$$eval('[data-vigil-plan] li', (rows) =>
      rows.map((li) => li.getAttribute('data-vigil-station')),
    );
    expect(codes).toEqual(plan.map((s) => s.code));
    expect(await page.textContent('[data-vigil-plan]')).not.toContain('No stations are planned');
    expect(requests.filter((r) => r === 'GET /api/stations')).toEqual([]);
    expect(requests).toContain('GET /api/stations/plan');
    expect(Number(await page.getAttribute('body', 'data-vigil-stations'))).toBeLessThan(100);

    // The app shell is kept by the service worker once it is active.
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });

    // Offline: the whole context (the service worker too) and the page's emulated link.
    await context.setOffline(true);
    await emulateLink(cdp, true);
    await page.reload();
    await page.waitForSelector('[data-vigil-status=offline]');
    await page.waitForFunction((n) => document.querySelectorAll('[data-vigil-plan] li').length === n, PLAN_SIZE);
    expect(
      await page.$$eval('[data-vigil-plan] li', (rows) => rows.map((li) => li.getAttribute('data-vigil-station'))),
    ).toEqual(plan.map((s) => s.code));

    // A check-in at the unplaced station, offline: queued on the phone, nothing on the server.
    const station = plan[0]!;
    const before = (await getJson(t.app, coordinator, '/api/events?after=0&limit=1')).body.head as number;
    const row = `[data-vigil-plan] li[data-vigil-station="${station.code.replaceAll('"', '\\"')}"]`;
    await page.tap(`${row} [data-vigil-check-in]`);
    await page.waitForFunction(
      () => document.body.dataset.vigilPending === '1' && document.body.dataset.vigilSent === '0',
    );
    await saveScreenshot(page, 'field-slow-network-offline');
    const teamEvents = async () =>
      (
        (await getJson(t.app, coordinator, `/api/events?after=${before}&limit=5000`)).body.events as StoredEvent[]
      ).filter((e) => e.teamId === t.own.joinCodes[0]!.teamId);
    expect(await teamEvents()).toEqual([]);

    // Back on the slow link: the check-in goes, once.
    await context.setOffline(false);
    await emulateLink(cdp);
    await page.waitForFunction(
      () => document.body.dataset.vigilPending === '0' && document.body.dataset.vigilSent === '1',
    );
    const stored = await teamEvents();
    expect(stored.map((e) => [e.type, e.stationId])).toEqual([['arrival', station.id]]);
    expect(await page.getAttribute(row, 'data-plan-state')).toBe('here');
    await context.close();
  }, 300_000);
});
