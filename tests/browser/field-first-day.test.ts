/**
 * What a first real day showed on the phone (issue 19): the plan is laid out before any other station can be tapped
 * and keeps its place while data arrives; a check-in outside the plan asks first; a checklist opened without a
 * check-in offers one (and the event says how it was); the message after sending says what is true.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import type { Database } from '../../db/client';
import { openTestPglite } from '../helpers/pglite-snapshot';
import { buildApp } from '../../server/app';
import { ensureClientBuilt } from '../../server/client-build';
import { loadConfig } from '../../server/config';
import { ensureDemoMission } from '../../server/demo';
import type { MissionCredentials } from '../../server/modules/missions/mission-setup';
import type { StoredEvent } from '../../shared/schemas/events';
import type { Station } from '../../shared/schemas/stations';
import type { Team } from '../../shared/schemas/teams';
import { testConfig } from '../helpers/app';
import { chromiumAvailable, launchChromium } from '../helpers/browser';

const PHONE: BrowserContextOptions = {
  viewport: { width: 393, height: 851 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
  locale: 'en-GB',
  permissions: ['geolocation'],
};

describe.runIf(chromiumAvailable)('the field app on a first real day', () => {
  let database: Database;
  let app: FastifyInstance;
  let browser: Browser;
  let base: string;
  let demo: MissionCredentials;
  let coordinator: string;
  let stations: Station[];
  let clientDir: string;

  beforeAll(async () => {
    await ensureClientBuilt(loadConfig({}));
    clientDir = mkdtempSync(path.join(os.tmpdir(), 'vigil-field-day-'));
    cpSync(loadConfig({}).clientDir!, clientDir, { recursive: true });
    database = await openTestPglite();
    const config = testConfig({ clientDir, demoCoordinatorPassword: 'demo-password-1' });
    app = await buildApp(config, { database });
    demo = (await ensureDemoMission(database.db, config))!;
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    coordinator = (
      await app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username: demo.coordinator.username, password: 'demo-password-1' },
      })
    ).json().token;
    stations = (await api('/api/stations')).stations;
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await database?.close();
    if (clientDir) rmSync(clientDir, { recursive: true, force: true });
  });

  async function api(url: string) {
    const res = await app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${coordinator}` } });
    if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
    return res.json();
  }
  const teamEvents = async (teamId: string): Promise<StoredEvent[]> =>
    ((await api('/api/events?after=0&limit=5000')).events as StoredEvent[]).filter((e) => e.teamId === teamId);
  const planOf = async (teamId: string): Promise<Station[]> =>
    ((await api('/api/teams')).teams.find((t: Team) => t.id === teamId) as Team).assignedStationIds.map((id) =>
      stations.find((s) => s.id === id)!,
    );

  function waitForCounts(page: Page, counts: { sent?: number; pending?: number }) {
    return page.waitForFunction(
      (want) =>
        (want.sent === undefined || document.body.dataset.vigilSent === String(want.sent)) &&
        (want.pending === undefined || document.body.dataset.vigilPending === String(want.pending)),
      counts,
      { timeout: 20_000 },
    );
  }

  async function fillVotingChecklist(page: Page) {
    await page.tap('[data-phase=voting]');
    await page.waitForSelector('form[data-vigil-checklist="voting-v1"]');
    for (const [question, answer] of [
      ['id_checked', true],
      ['biometric_working', true],
      ['secrecy', true],
      ['auto_box_working', true],
      ['unauthorized_present', false],
    ] as const) {
      await page.tap(`[data-question=${question}] [data-answer=${answer}]`);
    }
    await page.fill('[data-question=queue_minutes] input', '5');
    await page.tap('[data-assessment=good]');
  }

  it('lays the plan out before any other station can be tapped, keeps it in place, and asks before a check-in outside it', async () => {
    const joinCode = demo.joinCodes[1]!;
    const plan = await planOf(joinCode.teamId);
    const first = plan[0]!;
    const context = await browser.newContext({
      ...PHONE,
      geolocation: { latitude: first.lat!, longitude: first.lng!, accuracy: 10 },
    });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    // Records, as the page changes, whether a check-in button ever showed while the plan was not laid out, and where
    // the plan's first row was when it appeared.
    await page.addInitScript(() => {
      const record = { early: null as string | null, firstRowTop: null as number | null };
      (window as unknown as { vigilLayout: typeof record }).vigilLayout = record;
      new MutationObserver(() => {
        const plan = document.querySelector('[data-vigil-plan]');
        const button = document.querySelector('[data-vigil-check-in]');
        if (button && !plan && record.early === null) record.early = button.closest('li')?.dataset.vigilStation ?? '?';
        const row = plan?.querySelector('li');
        if (row && record.firstRowTop === null) record.firstRowTop = row.getBoundingClientRect().top + window.scrollY;
      }).observe(document, { childList: true, subtree: true });
    });
    // The team's plan answers late, after the phone knows where it is: the case where the nearest list came first.
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    await page.route('**/api/teams', async (route) => {
      await released;
      await route.continue();
    });
    await page.goto(`${base}/join?code=${joinCode.code}`);
    await page.waitForFunction(
      () => document.body.dataset.vigilPosition === 'known' && document.body.dataset.vigilJoined === 'true',
    );
    expect(await page.locator('[data-vigil-check-in]').count()).toBe(0);
    release();

    await page.waitForSelector('[data-vigil-plan] li');
    await page.waitForSelector('[data-vigil-nearest] li');
    const layout = await page.evaluate(
      () => (window as unknown as { vigilLayout: { early: string | null; firstRowTop: number | null } }).vigilLayout,
    );
    expect(layout.early, 'a check-in button showed before the plan').toBeNull();
    const topNow = await page.evaluate(
      () => document.querySelector('[data-vigil-plan] li')!.getBoundingClientRect().top + window.scrollY,
    );
    expect(topNow).toBe(layout.firstRowTop);

    // A station that is not on the team's plan, found by searching (the phone keeps only its plan's stations): its
    // check-in asks first, and "Cancel" sends nothing.
    const planned = new Set(plan.map((s) => s.number));
    const outside = stations.find((s) => !planned.has(s.number))!.number;
    await page.fill('[data-vigil-search]', outside);
    const row = `[data-vigil-search-results] li[data-vigil-station="${outside}"]`;
    await page.waitForSelector(row);
    await page.tap(`${row} [data-vigil-check-in]`);
    await page.waitForSelector(`${row} [data-vigil-confirm-check-in="${outside}"]`);
    expect(await page.textContent(`${row} [data-vigil-confirm-check-in]`)).toContain(
      `Station ${outside} is not in your plan`,
    );
    await page.tap(`${row} [data-vigil-confirm-no]`);
    expect(await page.locator(`${row} [data-vigil-confirm-check-in]`).count()).toBe(0);
    expect(await page.getAttribute('body', 'data-vigil-pending')).toBe('0');
    expect(await page.getAttribute('body', 'data-vigil-sent')).toBe('0');
    await page.tap(`${row} [data-vigil-check-in]`);
    await page.tap(`${row} [data-vigil-confirm-yes]`);
    await waitForCounts(page, { sent: 1, pending: 0 });

    // A planned station: one tap, no question.
    await page.tap(`[data-vigil-plan] li[data-vigil-station="${first.number}"] [data-vigil-check-in]`);
    await waitForCounts(page, { sent: 2, pending: 0 });
    expect((await teamEvents(joinCode.teamId)).map((e) => [e.type, e.stationId])).toEqual([
      ['arrival', stations.find((s) => s.number === outside)!.id],
      ['arrival', first.id],
    ]);
    await context.close();
  }, 120_000);

  it('offers a check-in from a checklist opened without one, records how it was, and says whether it was sent or kept', async () => {
    const joinCode = demo.joinCodes[2]!;
    const plan = await planOf(joinCode.teamId);
    const [first, second] = [plan[0]!, plan[1]!];
    const context = await browser.newContext({
      ...PHONE,
      geolocation: { latitude: first.lat!, longitude: first.lng!, accuracy: 10 },
    });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(`${base}/join?code=${joinCode.code}`);
    await page.waitForSelector('[data-vigil-plan] li');

    // Not checked in: the checklist offers it, one tap, and the offer goes away.
    await page.tap(`[data-vigil-plan] li[data-vigil-station="${first.number}"] button.open`);
    await page.tap('[data-vigil-open-checklist]');
    await page.waitForSelector('[data-vigil-not-checked-in]');
    expect(await page.textContent('[data-vigil-not-checked-in]')).toContain(
      `You are not checked in at station ${first.number}`,
    );
    await page.tap('[data-vigil-not-checked-in] [data-vigil-check-in]');
    await waitForCounts(page, { sent: 1, pending: 0 });
    await page.waitForSelector('[data-vigil-not-checked-in]', { state: 'detached' });
    await fillVotingChecklist(page);
    await page.tap('[data-vigil-send-checklist]');
    // Online: the message says it was sent and stored, not "saved: it goes out when there is a connection".
    await page.waitForSelector('[data-vigil-notice=sent]');
    expect(await page.textContent('[data-vigil-notice]')).toBe('Checklist sent: the server has stored it.');
    await page.tap('[data-vigil-check-out]');
    await waitForCounts(page, { sent: 3, pending: 0 });

    // Offline, at the next station without checking in (the "forgot to check in" case): kept, and it says so.
    await context.setOffline(true);
    await page.waitForSelector('[data-vigil-status=offline]');
    await page.goto(`${base}/field#/station/${second.id}/checklist`).catch(() => undefined);
    await page.waitForSelector('[data-vigil-not-checked-in]');
    await fillVotingChecklist(page);
    await page.tap('[data-vigil-send-checklist]');
    await page.waitForSelector('[data-vigil-notice=pending]');
    expect(await page.textContent('[data-vigil-notice]')).toBe(
      'Checklist saved on this phone: it goes out as soon as there is a connection.',
    );
    await context.setOffline(false);
    await waitForCounts(page, { sent: 4, pending: 0 });

    const checklists = (await teamEvents(joinCode.teamId)).filter((e) => e.type === 'checklist');
    expect(checklists.map((e) => [e.stationId, (e as { checkIn?: string }).checkIn])).toEqual([
      [first.id, 'from_checklist'],
      [second.id, 'not_checked_in'],
    ]);
    await context.close();
  }, 120_000);
});
