/**
 * The observer's field app in Chromium with a phone's viewport, touch and position, against the real server on PGlite
 * and on Postgres: a whole day (join, check in, voting checklist, finding with a photo, check out, help), then the cases
 * the outbox exists for: hours offline across a reload, a server that answers 500 once, an answer lost to a timeout.
 * Every step is checked where it matters: in what the coordinator's API returns.
 */
import { randomUUID } from 'node:crypto';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { PNG } from 'pngjs';
import type { FastifyInstance } from 'fastify';
import { openDatabase, type Database } from '../../db/client';
import { openTestPglite } from '../helpers/pglite-snapshot';
import { buildApp } from '../../server/app';
import { ensureClientBuilt } from '../../server/client-build';
import { loadConfig } from '../../server/config';
import { ensureDemoMission } from '../../server/demo';
import type { MissionCredentials } from '../../server/modules/missions/mission-setup';
import { PHOTO_MAX_EDGE_PX } from '../../shared/constants';
import type { StoredEvent } from '../../shared/schemas/events';
import type { Station } from '../../shared/schemas/stations';
import type { Team } from '../../shared/schemas/teams';
import { testConfig } from '../helpers/app';
import { chromiumAvailable, launchChromium, saveScreenshot, useInReadme } from '../helpers/browser';
import { createTestDatabase, postgresAvailable } from '../helpers/services';

const drivers = postgresAvailable ? (['pglite', 'postgres'] as const) : (['pglite'] as const);

/** A mid-range Android phone. */
const PHONE: BrowserContextOptions = {
  viewport: { width: 393, height: 851 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
  userAgent:
    'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Mobile Safari/537.36',
  locale: 'en-GB',
  permissions: ['geolocation'],
};

/** A camera-sized picture (smooth, so the PNG stays small to hand over; the phone must still shrink and re-encode it). */
function cameraPicture(width = 3000, height = 2000): Buffer {
  const png = new PNG({ width, height });
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      png.data[i] = (x * 255) / width;
      png.data[i + 1] = (y * 255) / height;
      png.data[i + 2] = ((x + y) >> 4) % 2 === 0 ? 200 : 60;
      png.data[i + 3] = 255;
    }
  }
  return PNG.sync.write(png);
}

/** Width and height from a JPEG's start-of-frame marker. */
function jpegSize(bytes: Buffer): { width: number; height: number } {
  for (let i = 2; i < bytes.length - 9;) {
    if (bytes[i] !== 0xff) throw new Error('not a JPEG marker');
    const marker = bytes[i + 1]!;
    const length = bytes.readUInt16BE(i + 2);
    if (marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker)) {
      return { height: bytes.readUInt16BE(i + 5), width: bytes.readUInt16BE(i + 7) };
    }
    i += 2 + length;
  }
  throw new Error('no frame in the JPEG');
}

describe.runIf(chromiumAvailable).each(drivers)('field app in a phone-sized Chromium on %s', (driver) => {
  let database: Database;
  let dropDatabase: (() => Promise<void>) | null = null;
  let app: FastifyInstance;
  let browser: Browser;
  let base: string;
  let demo: MissionCredentials;
  let coordinator: string;
  let stations: Station[];
  let clientDir: string;

  beforeAll(async () => {
    await ensureClientBuilt(loadConfig({}));
    // Serve a private copy of the build: another test file (or a developer) rebuilding client/dist meanwhile would
    // change the file names under this server, and the service worker's install would fail on them.
    clientDir = mkdtempSync(path.join(os.tmpdir(), 'vigil-field-client-'));
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
    stations = (await api('/api/stations')).stations;
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await database?.close();
    await dropDatabase?.();
    if (clientDir) rmSync(clientDir, { recursive: true, force: true });
  });

  async function api(url: string) {
    const res = await app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${coordinator}` } });
    if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
    return res.json();
  }

  async function teamEvents(teamId: string, after = 0): Promise<StoredEvent[]> {
    const page = await api(`/api/events?after=${after}&limit=5000`);
    return (page.events as StoredEvent[]).filter((e) => e.teamId === teamId);
  }

  async function team(teamId: string): Promise<Team> {
    return (await api('/api/teams')).teams.find((t: Team) => t.id === teamId);
  }

  function stationOf(id: string): Station {
    return stations.find((s) => s.id === id)!;
  }

  async function phone(options: BrowserContextOptions = {}): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ ...PHONE, ...options });
    const page = await context.newPage();
    // A step that does not happen fails with its own message, well before the test's time is up.
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (err) => console.error('page error:', err.message));
    return { context, page };
  }

  async function joinWithLink(page: Page, code: string) {
    await page.goto(`${base}/join?code=${code}`);
    await page.waitForSelector('[data-vigil-plan] li', { timeout: 20_000 });
    await page.waitForFunction(() => document.body.dataset.vigilStations !== '0');
  }

  function waitForCounts(page: Page, counts: { sent?: number; pending?: number; rejected?: number }, timeout = 20_000) {
    return page.waitForFunction(
      (want) =>
        (want.sent === undefined || document.body.dataset.vigilSent === String(want.sent)) &&
        (want.pending === undefined || document.body.dataset.vigilPending === String(want.pending)) &&
        (want.rejected === undefined || document.body.dataset.vigilRejected === String(want.rejected)),
      counts,
      { timeout },
    );
  }

  it("an observer's day: join by link, check in, voting checklist, finding with a photo, check out, help; the coordinator sees each", async () => {
    const joinCode = demo.joinCodes[0]!;
    const teamId = joinCode.teamId;
    const plan = (await team(teamId)).assignedStationIds;
    const first = stationOf(plan[0]!) as Station & { lat: number; lng: number }; // demo stations are all placed
    const { context, page } = await phone({ geolocation: { latitude: first.lat, longitude: first.lng, accuracy: 15 } });
    const before = (await api('/api/events?after=0&limit=1')).head as number;

    // Join: the link carries the code, so no typing; the app then lives at /field.
    await joinWithLink(page, joinCode.code);
    expect(new URL(page.url()).pathname).toBe('/field');
    expect(await page.locator('[data-vigil-plan] li').count()).toBe(plan.length);
    expect(await page.getAttribute('[data-vigil-plan] li >> nth=0', 'data-vigil-station')).toBe(first.number);
    expect(await page.getAttribute('[data-vigil-plan] li >> nth=0', 'data-plan-state')).toBe('not_yet');

    // Check in: one tap from the opened app.
    await page.tap(`[data-vigil-plan] li[data-vigil-station="${first.number}"] [data-vigil-check-in]`);
    await waitForCounts(page, { sent: 1, pending: 0 });
    expect(
      await page.getAttribute(`[data-vigil-plan] li[data-vigil-station="${first.number}"]`, 'data-plan-state'),
    ).toBe('here');
    let events = await teamEvents(teamId, before);
    expect(events).toMatchObject([{ type: 'arrival', stationId: first.id, actor: { role: 'team' } }]);
    expect((events[0] as StoredEvent & { position?: { lat: number } }).position?.lat).toBeCloseTo(first.lat, 4);
    expect((await team(teamId)).status.currentStationId).toBe(first.id);
    await saveScreenshot(page, 'field-app-plan');

    // The station, then its voting checklist.
    await page.tap(`[data-vigil-plan] li[data-vigil-station="${first.number}"] button.open`);
    await page.tap('[data-vigil-open-checklist]');
    await page.tap('[data-phase=voting]');
    await page.waitForSelector('form[data-vigil-checklist="voting-v1"]');

    // Sending it empty: every problem is shown where it is, and nothing is sent.
    await page.tap('[data-vigil-send-checklist]');
    await page.waitForSelector('[data-vigil-form-blocked]');
    expect(await page.locator('[data-question] [data-problem=required]').count()).toBe(6);
    await page.fill('[data-question=queue_minutes] input', '-5');
    await page.locator('[data-question=queue_minutes] input').blur();
    expect(await page.textContent('[data-question=queue_minutes] [data-problem]')).toContain('at least 0');
    expect(await page.getAttribute('body', 'data-vigil-pending')).toBe('0');
    expect(await teamEvents(teamId, before)).toHaveLength(1);

    // Fill it in; the draft survives a reload half-way.
    for (const [question, answer] of [
      ['id_checked', true],
      ['biometric_working', true],
      ['secrecy', false],
    ] as const) {
      await page.tap(`[data-question=${question}] [data-answer=${answer}]`);
    }
    await page.fill('[data-question=queue_minutes] input', '12');
    await page.waitForTimeout(400);
    await page.reload();
    await page.waitForSelector('form[data-vigil-checklist="voting-v1"]');
    expect(await page.getAttribute('[data-question=secrecy] [data-answer=false]', 'aria-checked')).toBe('true');
    expect(await page.inputValue('[data-question=queue_minutes] input')).toBe('12');
    expect(await page.locator('[data-question=secrecy] [data-vigil-flag]').count()).toBe(1);
    for (const [question, answer] of [
      ['auto_box_working', true],
      ['unauthorized_present', false],
    ] as const) {
      await page.tap(`[data-question=${question}] [data-answer=${answer}]`);
    }
    await page.tap('[data-question=issues] input[value=overcrowding]');
    // Figures that do not reconcile: shown with the reason, and still sendable (it may be what was seen).
    await page.fill('[data-question=ballots_issued] input', '500');
    await page.fill('[data-question=box_counter] input', '512');
    await page.locator('[data-question=box_counter] input').blur();
    expect(await page.textContent('[data-question=box_counter] [data-problem=check_failed]')).toContain(
      'more ballots than were issued',
    );
    await page.tap('[data-assessment=bad]');
    await saveScreenshot(page, 'field-app-checklist');
    await page.tap('[data-vigil-send-checklist]');
    await page.waitForSelector('[data-vigil-station-screen]');
    await waitForCounts(page, { sent: 2, pending: 0 });
    events = await teamEvents(teamId, before);
    expect(events[1]).toMatchObject({
      type: 'checklist',
      form: 'voting-v1',
      phase: 'voting',
      assessment: 'bad',
      answers: {
        id_checked: true,
        secrecy: false,
        queue_minutes: 12,
        issues: ['overcrowding'],
        ballots_issued: 500,
        box_counter: 512,
        notes: null,
      },
    });
    expect(
      (await api('/api/stations')).stations.find((s: Station) => s.id === first.id).status.latestAssessments.voting
        .assessment,
    ).toBe('bad');

    // A finding with a photo: category, severity, text, picture shrunk on the phone.
    await page.tap('[data-vigil-open-finding]');
    await page.tap('[data-vigil-send-finding]');
    expect(await page.locator('[data-problem=category], [data-problem=text]').count()).toBe(2);
    expect(await page.getAttribute('body', 'data-vigil-pending')).toBe('0');
    await page.selectOption('select[name=category]', 'ballot_stuffing');
    await page.tap('[data-severity=serious]');
    await page.fill('textarea[name=text]', 'A man put several folded ballots into the box at 10:40.');
    const picture = cameraPicture();
    await page.setInputFiles('[data-vigil-photo-input]', {
      name: 'IMG_0001.png',
      mimeType: 'image/png',
      buffer: picture,
    });
    await page.waitForSelector('[data-vigil-photo-preview]');
    await page.tap('[data-vigil-send-finding]');
    await page.waitForSelector('[data-vigil-station-screen]');
    await waitForCounts(page, { sent: 4, pending: 0 });
    events = await teamEvents(teamId, before);
    const finding = events[2] as StoredEvent & { photoId?: string };
    expect(finding).toMatchObject({
      type: 'finding',
      category: 'ballot_stuffing',
      severity: 'serious',
      stationId: first.id,
    });
    expect(finding.photoId).toMatch(/^[0-9a-f-]{36}$/);
    const photo = await app.inject({
      method: 'GET',
      url: `/api/photos/${finding.photoId}`,
      headers: { authorization: `Bearer ${coordinator}` },
    });
    expect(photo.statusCode).toBe(200);
    expect(photo.headers['content-type']).toBe('image/jpeg');
    expect(photo.rawPayload.length).toBeLessThan(picture.length);
    expect(jpegSize(photo.rawPayload)).toEqual({
      width: PHOTO_MAX_EDGE_PX,
      height: Math.round((PHOTO_MAX_EDGE_PX * 2) / 3),
    });

    // Check out from the station screen.
    await page.tap('[data-vigil-check-out]');
    await waitForCounts(page, { sent: 5, pending: 0 });
    events = await teamEvents(teamId, before);
    expect(events.map((e) => e.type)).toEqual(['arrival', 'checklist', 'finding', 'departure']);
    expect((await team(teamId)).status.currentStationId).toBeNull();

    // Help with one tap, with the phone's position; then the observer says they are safe.
    await page.tap('[data-vigil-help-request]');
    await page.waitForSelector('[data-vigil-help=open]');
    await waitForCounts(page, { sent: 6, pending: 0 });
    const helped = await team(teamId);
    expect(helped.status.helpOpen).toBe(true);
    expect(helped.status.lastPosition?.lat).toBeCloseTo(first.lat, 4);
    await page.tap('[data-vigil-help-resolve]');
    await waitForCounts(page, { sent: 7, pending: 0 });
    expect((await team(teamId)).status.helpOpen).toBe(false);
    // Help closed by a coordinator instead: the phone learns it from the server.
    await page.tap('[data-vigil-help-request]');
    await waitForCounts(page, { sent: 8, pending: 0 });
    const resolved = await app.inject({
      method: 'POST',
      url: '/api/events',
      headers: { authorization: `Bearer ${coordinator}` },
      payload: {
        events: [
          {
            id: randomUUID(),
            type: 'help_resolved',
            teamId,
            occurredAt: new Date().toISOString(),
            note: 'called back, all fine',
          },
        ],
      },
    });
    expect(resolved.json().results[0].status).toBe('stored');
    await page.reload();
    await page.waitForSelector('[data-vigil-help-request]');
    expect(await page.locator('[data-vigil-help=open]').count()).toBe(0);

    // Installable: the manifest names the app's start page and its icons are served.
    const manifest = await (await fetch(`${base}/manifest.webmanifest`)).json();
    expect(manifest).toMatchObject({ start_url: '/field', display: 'standalone' });
    for (const icon of manifest.icons)
      expect((await fetch(`${base}${icon.src}`)).headers.get('content-type')).toBe('image/png');

    // The same app in Russian, through the shared i18n layer.
    await page.goto(`${base}/field#/`);
    await page.waitForSelector('[data-vigil-plan]');
    await page.selectOption('[data-vigil-language]', 'ru');
    expect(await page.textContent('#plan-title')).toBe('План на сегодня');
    await page.selectOption('[data-vigil-language]', 'en');
    await context.close();
  }, 120_000);

  it('offline: three reports made with no network survive a reload and are stored exactly once each, in order, when the network returns', async () => {
    const joinCode = demo.joinCodes[1]!;
    const teamId = joinCode.teamId;
    const station = stationOf((await team(teamId)).assignedStationIds[0]!);
    const { context, page } = await phone();
    await joinWithLink(page, joinCode.code);
    // The service worker has kept the app shell once it is active.
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });
    const before = (await api('/api/events?after=0&limit=1')).head as number;

    // No network from here on: the app opens from the service worker, the plan and the forms from the phone's copy.
    await context.setOffline(true);
    await page.reload();
    await page.waitForSelector('[data-vigil-status=offline]');
    await page.waitForSelector(`[data-vigil-plan] li[data-vigil-station="${station.number}"]`);

    await page.tap(`[data-vigil-plan] li[data-vigil-station="${station.number}"] [data-vigil-check-in]`);
    await page.tap(`[data-vigil-plan] li[data-vigil-station="${station.number}"] button.open`);
    await page.tap('[data-vigil-open-finding]');
    await page.selectOption('select[name=category]', 'campaigning');
    await page.fill('textarea[name=text]', 'Leaflets of one party on the table by the entrance.');
    await page.tap('[data-vigil-send-finding]');
    await page.waitForSelector('[data-vigil-station-screen]');
    await page.tap('[data-vigil-check-out]');
    await waitForCounts(page, { pending: 3, sent: 0 });
    await page.goto(`${base}/field#/`);
    await page.waitForSelector('[data-vigil-plan] li');
    const shot = await saveScreenshot(page, 'field-app-offline');
    if (driver === 'pglite') useInReadme(shot, 'field-app');

    // Reload, still offline: nothing is lost.
    await page.reload();
    await page.waitForSelector('[data-vigil-plan] li');
    await waitForCounts(page, { pending: 3, sent: 0 });
    expect(await page.getAttribute('[data-vigil-status]', 'data-vigil-status')).toBe('offline');
    expect(
      await page.getAttribute(`[data-vigil-plan] li[data-vigil-station="${station.number}"]`, 'data-plan-state'),
    ).toBe('done');
    expect(await teamEvents(teamId, before)).toHaveLength(0);

    await context.setOffline(false);
    await waitForCounts(page, { pending: 0, sent: 3 });
    const stored = await teamEvents(teamId, before);
    expect(stored.map((e) => e.type)).toEqual(['arrival', 'finding', 'departure']);
    expect(stored.every((e) => e.stationId === station.id)).toBe(true);
    expect(stored[1]).toMatchObject({ category: 'campaigning' });
    expect(new Set(stored.map((e) => e.id)).size).toBe(3);

    // The phone lists the same three ids, all sent; and the server holds each once.
    await page.tap('[data-vigil-open-outbox]');
    const rows = await page
      .locator('[data-outbox-item]')
      .evaluateAll((list) => list.map((r) => [r.getAttribute('data-outbox-item'), r.getAttribute('data-state')]));
    expect(rows.map(([id]) => id).reverse()).toEqual(stored.map((e) => e.id));
    expect(rows.every(([, state]) => state === 'sent')).toBe(true);
    const all = (await api('/api/events?after=0&limit=5000')).events as StoredEvent[];
    for (const event of stored) expect(all.filter((e) => e.id === event.id)).toHaveLength(1);
    await context.close();
  }, 60_000);

  it('a server that answers 500 once: the report stays pending, is sent later, and stored once', async () => {
    const joinCode = demo.joinCodes[2]!;
    const teamId = joinCode.teamId;
    const station = stationOf((await team(teamId)).assignedStationIds[0]!);
    // Routing sees only requests the page makes itself, so no service worker here.
    const { context, page } = await phone({ serviceWorkers: 'block' });
    await joinWithLink(page, joinCode.code);
    const before = (await api('/api/events?after=0&limit=1')).head as number;

    const attempts: number[] = [];
    await page.route('**/api/events', async (route) => {
      if (route.request().method() !== 'POST') return route.continue();
      attempts.push(Date.now());
      if (attempts.length === 1) {
        return route.fulfill({
          status: 500,
          contentType: 'application/json',
          body: JSON.stringify({ statusCode: 500, error: 'Internal Server Error', message: 'internal error' }),
        });
      }
      return route.continue();
    });
    await page.tap(`[data-vigil-plan] li[data-vigil-station="${station.number}"] [data-vigil-check-in]`);
    await page.waitForFunction(() => document.body.dataset.vigilPending === '1');
    await page.tap('[data-vigil-open-outbox]');
    await page.waitForSelector('[data-outbox-item][data-state=pending]');
    expect(await page.textContent('[data-outbox-item]')).toContain('HTTP 500');
    expect(await teamEvents(teamId, before)).toHaveLength(0);

    await waitForCounts(page, { pending: 0, sent: 1 });
    expect(attempts).toHaveLength(2);
    const stored = await teamEvents(teamId, before);
    expect(stored).toMatchObject([{ type: 'arrival', stationId: station.id }]);
    expect(await page.getAttribute('[data-outbox-item]', 'data-outbox-item')).toBe(stored[0]!.id);
    await context.close();
  });

  it('an answer lost to a timeout after the server stored the report: resent later, answered duplicate, stored once', async () => {
    const joinCode = demo.joinCodes[3]!;
    const teamId = joinCode.teamId;
    const station = stationOf((await team(teamId)).assignedStationIds[0]!);
    const { context, page } = await phone({ serviceWorkers: 'block' });
    await joinWithLink(page, joinCode.code);
    const before = (await api('/api/events?after=0&limit=1')).head as number;

    const answers: string[] = [];
    await page.route('**/api/events', async (route) => {
      if (route.request().method() !== 'POST') return route.continue();
      // The request reaches the server and is committed; the phone never hears back.
      const response = await route.fetch();
      const body = (await response.json()) as { results: { status: string }[] };
      answers.push(body.results[0]!.status);
      if (answers.length === 1) return route.abort('timedout');
      return route.fulfill({ response, json: body });
    });
    await page.tap(`[data-vigil-plan] li[data-vigil-station="${station.number}"] [data-vigil-check-in]`);
    await waitForCounts(page, { pending: 0, sent: 1 });
    expect(answers).toEqual(['stored', 'duplicate']);
    const stored = await teamEvents(teamId, before);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ type: 'arrival', stationId: station.id });
    await context.close();
  });

  it("a second phone of the same team gets its own token, and its check-in shows on the first phone's plan", async () => {
    const joinCode = demo.joinCodes[4]!;
    const station = stationOf((await team(joinCode.teamId)).assignedStationIds[0]!);
    const a = await phone({ serviceWorkers: 'block' });
    const b = await phone({ serviceWorkers: 'block' });
    await joinWithLink(a.page, joinCode.code);
    await joinWithLink(b.page, joinCode.code);
    const tokens = await Promise.all(
      [a.page, b.page].map((p) =>
        p.evaluate(() => JSON.parse(localStorage.getItem('vigil.field-session')!).token as string),
      ),
    );
    expect(tokens[0]).not.toBe(tokens[1]);
    await b.page.tap(`[data-vigil-plan] li[data-vigil-station="${station.number}"] [data-vigil-check-in]`);
    await waitForCounts(b.page, { sent: 1 });
    await a.page.reload();
    await a.page.waitForSelector(`[data-vigil-plan] li[data-vigil-station="${station.number}"][data-plan-state=here]`);
    await a.context.close();
    await b.context.close();
  });
});
