/**
 * The two-way field loop in real Chromium against the real server, on PGlite and on Postgres: two coordinators' pages
 * and an observer's phone. A help request is acknowledged with a note and the phone shows who saw it, when, and the
 * note, pushed by the team socket (the phone's periodic fetch is a minute away); a message naming a station goes to
 * the team, the phone shows it on top and confirms reading, and both coordinators see the receipt live; the team's
 * answer reaches them. Screenshots of the phone's message view and the coordinators' messages panel go to docs/.
 */
import { copyFileSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { openDatabase, type Database } from '../../db/client';
import { openTestPglite } from '../helpers/pglite-snapshot';
import { buildApp } from '../../server/app';
import { ensureClientBuilt } from '../../server/client-build';
import { loadConfig, PROJECT_ROOT } from '../../server/config';
import { ensureDemoMission } from '../../server/demo';
import type { MissionCredentials } from '../../server/modules/missions/mission-setup';
import type { MessagesReply } from '../../shared/schemas/messages';
import type { Station } from '../../shared/schemas/stations';
import { testConfig } from '../helpers/app';
import { chromiumAvailable, launchChromium, offlineCoordinatorPage, saveScreenshot } from '../helpers/browser';
import { createTestDatabase, postgresAvailable } from '../helpers/services';
import { parse as parseCsv } from 'csv-parse/sync';

const drivers = postgresAvailable ? (['pglite', 'postgres'] as const) : (['pglite'] as const);

/** Well under the phone's periodic fetch (60 s): only the socket can bring it this soon, even on a busy machine. */
const PUSHED_WITHIN_MS = 15_000;

describe.runIf(chromiumAvailable).each(drivers)('messages and answered help in Chromium on %s', (driver) => {
  let database: Database;
  let dropDatabase: (() => Promise<void>) | null = null;
  let app: FastifyInstance;
  let browser: Browser;
  let base: string;
  let demo: MissionCredentials;
  let coordinator: string;
  let clientDir: string;

  beforeAll(async () => {
    await ensureClientBuilt(loadConfig({}));
    // A private copy of the build, so another test rebuilding client/dist cannot change files under the service worker.
    clientDir = mkdtempSync(path.join(os.tmpdir(), 'vigil-loop-client-'));
    cpSync(loadConfig({}).clientDir!, clientDir, { recursive: true });
    if (driver === 'postgres') {
      const created = await createTestDatabase();
      dropDatabase = created.drop;
      database = await openDatabase({ driver: 'postgres', url: created.url, poolSize: 5 });
    } else {
      database = await openTestPglite();
    }
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
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await database?.close();
    await dropDatabase?.();
    if (clientDir) rmSync(clientDir, { recursive: true, force: true });
  });

  async function api<T>(url: string): Promise<T> {
    const res = await app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${coordinator}` } });
    if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
    return res.json() as T;
  }

  async function phonePage(code: string, geolocation?: { latitude: number; longitude: number }): Promise<Page> {
    const context = await browser.newContext({
      ...(geolocation ? { geolocation: { ...geolocation, accuracy: 20 }, permissions: ['geolocation'] } : {}),
      viewport: { width: 393, height: 851 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
      locale: 'en-GB',
    });
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    page.on('pageerror', (err) => console.error('phone page error:', err.message));
    await page.goto(`${base}/join?code=${code}`);
    await page.waitForSelector('[data-vigil-plan] li', { timeout: 30_000 });
    return page;
  }

  const login = () => ({ username: demo.coordinator.username, password: 'demo-password-1' });

  it('help is acknowledged with a note and the phone shows who saw it, when, and the note', async () => {
    const joinCode = demo.joinCodes[0]!;
    const phone = await phonePage(joinCode.code);
    const { page: desk } = await offlineCoordinatorPage(browser, base, login());

    await phone.tap('[data-vigil-help-request]');
    await phone.waitForSelector('[data-vigil-help=open]');
    await phone.waitForFunction(
      () => document.body.dataset.vigilPending === '0' && document.body.dataset.vigilSent === '1',
    );

    const alert = desk.locator(`[data-vigil-alert=help]`).filter({ hasText: joinCode.callSign });
    await alert.waitFor({ timeout: 20_000 });
    await alert.locator('[data-vigil-alert-note]').fill('Calling you now');
    await alert.locator('[data-vigil-alert-ack]').click();
    await alert.waitFor({ state: 'detached', timeout: 20_000 });

    const answer = await phone.waitForSelector('[data-vigil-help-answer]', { timeout: PUSHED_WITHIN_MS });
    const shown = (await answer.textContent()) ?? '';
    expect(shown).toMatch(
      new RegExp(`Coordinator ${demo.coordinator.username} saw your request at \\d\\d:\\d\\d: Calling you now`),
    );
    // The notice is also in the inbox, unread, until the observer confirms it.
    await phone.waitForSelector('[data-vigil-message][data-kind=help_acknowledged]');
    await phone.tap('[data-vigil-message][data-kind=help_acknowledged] [data-vigil-message-read]');
    await phone.waitForSelector('[data-vigil-message][data-kind=help_acknowledged]', { state: 'detached' });
    await phone.tap('[data-vigil-help-resolve]');
    await phone.context().close();
    await desk.context().close();
  }, 240_000);

  it('a message naming a station goes to a team, is read on the phone, and both coordinators see the receipt live; the answer comes back', async () => {
    const joinCode = demo.joinCodes[1]!;
    const stations = (await api<{ stations: Station[] }>('/api/stations')).stations;
    const target = stations.find((s) => s.number === stations[40]!.number)!;
    const phone = await phonePage(joinCode.code);
    const { page: writer } = await offlineCoordinatorPage(browser, base, login());
    const { page: watcher } = await offlineCoordinatorPage(browser, base, login());
    for (const page of [writer, watcher]) await page.click('[data-vigil-tab=messages]');

    await writer.selectOption('[data-vigil-message-teams]', [joinCode.teamId, demo.joinCodes[2]!.teamId]);
    await writer.fill('[data-vigil-message-text]', `Go to ${target.number} now: the count there starts early`);
    await writer.fill('[data-vigil-message-station]', target.number);
    await writer.click('[data-vigil-message-send]');

    const receipts = (page: Page) => page.locator('[data-vigil-sent-message] [data-vigil-receipts]').first();
    for (const page of [writer, watcher]) {
      await expect
        .poll(async () => receipts(page).textContent(), { timeout: 20_000 })
        .toBe(`unread by ${[joinCode.callSign, demo.joinCodes[2]!.callSign].sort().join(', ')}`);
    }

    const message = phone.locator('[data-vigil-message][data-kind=message]');
    await message.waitFor({ timeout: PUSHED_WITHIN_MS });
    expect(await message.locator('[data-vigil-message-text]').textContent()).toContain(`Go to ${target.number} now`);
    expect(await message.textContent()).toContain(`Station ${target.number}: ${target.name}`);
    expect(await phone.getAttribute('body', 'data-vigil-unread')).toBe('1');
    await phone.screenshot({ path: path.join(PROJECT_ROOT, 'tests', 'artifacts', 'field-messages.png') });
    if (driver === 'pglite')
      copyFileSync(
        path.join(PROJECT_ROOT, 'tests', 'artifacts', 'field-messages.png'),
        path.join(PROJECT_ROOT, 'docs', 'screenshots', 'field-messages.png'),
      );

    // "Add to my plan" keeps the stop on the phone; "Go there" opens the station.
    await message.locator('[data-vigil-message-add]').tap();
    await phone.waitForSelector(`[data-vigil-added-stops] li[data-vigil-station="${target.number}"]`);
    await message.locator('[data-vigil-message-read]').tap();
    await message.waitFor({ state: 'detached' });

    for (const page of [writer, watcher]) {
      await expect
        .poll(async () => receipts(page).textContent(), { timeout: 20_000 })
        .toBe(`read by ${joinCode.callSign} · unread by ${demo.joinCodes[2]!.callSign}`);
    }

    // The team writes back; the coordinators see it under the team's call sign.
    await phone.click('[data-vigil-inbox] summary');
    await phone.fill('[data-vigil-write]', 'On our way, 10 minutes');
    await phone.click('[data-vigil-inbox] form button[type=submit]');
    for (const page of [writer, watcher]) {
      await page
        .locator('[data-vigil-team-answer]')
        .filter({ hasText: 'On our way, 10 minutes' })
        .waitFor({ timeout: 20_000 });
    }
    expect(await watcher.locator('[data-vigil-team-answer]').first().textContent()).toContain(joinCode.callSign);
    const file = await saveScreenshot(watcher, 'dashboard-messages');
    if (driver === 'pglite')
      copyFileSync(file, path.join(PROJECT_ROOT, 'docs', 'screenshots', 'dashboard-messages.png'));

    // What the pages show is what the database holds.
    const stored = await api<MessagesReply>('/api/messages');
    expect(stored.messages[0]!.receipts.map((r) => [r.callSign, r.readAt !== null])).toEqual(
      [
        [joinCode.callSign, true],
        [demo.joinCodes[2]!.callSign, false],
      ].sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    );
    expect(stored.items.map((i) => i.text)).toEqual(['On our way, 10 minutes']);
    for (const page of [phone, writer, watcher]) await page.context().close();
  }, 240_000);

  it('an incident away from any station is reported from the phone by GPS and shows in the feed and the exports', async () => {
    const joinCode = demo.joinCodes[3]!;
    const phone = await phonePage(joinCode.code, { latitude: 42.87345, longitude: 74.60123 });
    const { page: desk } = await offlineCoordinatorPage(browser, base, login());

    await phone.tap('[data-vigil-report-away]');
    await phone.waitForSelector('[data-vigil-away]');
    await phone.tap('[data-vigil-locate]');
    await phone.waitForSelector('[data-vigil-away-position]');
    await phone.selectOption('form[data-vigil-finding] select[name=category]', { index: 1 });
    await phone.tap('[data-severity=serious]');
    await phone.fill('form[data-vigil-finding] textarea', 'Voters bussed in behind the bazaar');
    await phone.tap('form[data-vigil-finding] button[type=submit]');
    await phone.waitForFunction(
      () => document.body.dataset.vigilPending === '0' && document.body.dataset.vigilSent === '1',
    );

    await desk.click('[data-vigil-tab=findings]');
    const row = desk.locator('[data-vigil-off-station]').first();
    await row.waitFor({ timeout: 20_000 });
    expect(await row.textContent()).toContain('away from a station');

    const csv = await app.inject({
      method: 'GET',
      url: '/api/exports/findings.csv',
      headers: { authorization: `Bearer ${coordinator}` },
    });
    // Read by column name: columns are added at the end (who and when of triage came after lat/lng).
    const records = parseCsv(
      csv.body
        .split('\n')
        .filter((l) => !l.startsWith('#'))
        .join('\n'),
      { columns: true },
    ) as Record<string, string>[];
    const record = records.find((r) => Object.values(r).some((v) => v.includes('Voters bussed in behind the bazaar')))!;
    expect(Number(record.lat)).toBeCloseTo(42.87345, 4);
    expect(Number(record.lng)).toBeCloseTo(74.60123, 4);
    for (const page of [phone, desk]) await page.context().close();
  }, 240_000);
});
