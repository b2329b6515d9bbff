/**
 * Connection truth on the coordinators' dashboard, against real Postgres and Redis: the page's server is stopped,
 * the day goes on through a second instance (check-ins, findings, triage, an acknowledged alert), the server comes back
 * on the same address, and the page ends showing exactly what the database holds.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ensureClientBuilt } from '../../server/client-build';
import { loadConfig } from '../../server/config';
import { chromiumAvailable, launchChromium, saveScreenshot, BUSY_MACHINE_WAIT_MS } from '../helpers/browser';
import { createTestDatabase, postgresAvailable } from '../helpers/services';
import { freePort, hasBinary, RedisProcess, VigilInstance } from '../helpers/processes';

const runnable = chromiumAvailable && postgresAvailable && hasBinary('redis-server');

async function call(base: string, method: string, url: string, token: string | null, body?: unknown) {
  const res = await fetch(`${base}${url}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return res.json();
}

describe.runIf(runnable)('the dashboard across a server restart', () => {
  let drop: () => Promise<void>;
  let redis: RedisProcess;
  let a: VigilInstance;
  let b: VigilInstance;
  let browser: Browser;
  let dataDir: string;
  let page: Page;
  let coordinator: string;
  let teams: { token: string; teamId: string; route: string[] }[];

  beforeAll(async () => {
    await ensureClientBuilt(loadConfig({}));
    const db = await createTestDatabase();
    drop = db.drop;
    redis = new RedisProcess(await freePort());
    await redis.start();
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'vigil-restart-'));
    const shared = { databaseUrl: db.url, redisUrl: redis.url };
    a = new VigilInstance({
      ...shared,
      port: await freePort(),
      name: 'A',
      env: { SERVE_CLIENT: 'true', VIGIL_SEED_DEMO: 'true', DATA_DIR: dataDir },
    });
    await a.start();
    b = new VigilInstance({ ...shared, port: await freePort(), name: 'B' });
    await b.start();
    const password = /^Coordinator: \S+ user=coordinator password=(\S+)$/m.exec(a.output)![1]!;
    coordinator = (await call(b.url, 'POST', '/api/auth/login', null, { username: 'coordinator', password })).token;
    const codes = [...a.output.matchAll(/^Team T\d\d: join code (\S+)/gm)].map((m) => m[1]!).slice(0, 4);
    const planned = (await call(b.url, 'GET', '/api/teams', coordinator)).teams as {
      id: string;
      assignedStationIds: string[];
    }[];
    teams = await Promise.all(
      codes.map(async (code) => {
        const joined = await call(b.url, 'POST', '/api/auth/join', null, { code });
        return { ...joined, route: planned.find((t) => t.id === joined.teamId)!.assignedStationIds };
      }),
    );
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    page.on('pageerror', (err) => console.error('page error:', err.message));
    await page.goto(`${a.url}/`);
    await page.fill('input[name=username]', 'coordinator');
    await page.fill('input[name=password]', password);
    await page.click('form[data-vigil-login] button[type=submit]');
    await page.waitForSelector('body[data-vigil-ready=true]', { timeout: 30_000 });
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await Promise.all([a?.stop('SIGKILL'), b?.stop('SIGKILL')]);
    await redis?.stop();
    await drop?.();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  const now = () => new Date().toISOString();
  const post = (token: string, events: unknown[]) => call(b.url, 'POST', '/api/events', token, { events });

  it('says it is offline while its server is down, catches up after, and ends equal to the database', async () => {
    const [t1, t2, t3, t4] = teams as [(typeof teams)[0], (typeof teams)[0], (typeof teams)[0], (typeof teams)[0]];
    const before = randomUUID();
    await post(t1.token, [
      { id: randomUUID(), type: 'arrival', teamId: t1.teamId, stationId: t1.route[0], occurredAt: now() },
      {
        id: before,
        type: 'finding',
        teamId: t1.teamId,
        stationId: t1.route[0],
        occurredAt: now(),
        category: 'ballot_stuffing',
        severity: 'critical',
        text: 'Before the outage',
      },
    ]);
    // Posted to B, shown by the page on A: news travels through Redis.
    await page.waitForSelector(`[data-vigil-finding="${before}"]`, { timeout: BUSY_MACHINE_WAIT_MS });

    await a.stop('SIGTERM');
    await page.waitForSelector('[data-vigil-indicator]:not([data-connection=live])', { timeout: BUSY_MACHINE_WAIT_MS });
    await page.waitForSelector('[data-vigil-indicator][data-connection=offline]', { timeout: 20_000 });
    expect(await page.textContent('[data-vigil-indicator]')).toMatch(/Offline since \d\d:\d\d/);
    await saveScreenshot(page, 'dashboard-offline');

    // The day goes on without A.
    const during = randomUUID();
    await post(t2.token, [
      { id: randomUUID(), type: 'arrival', teamId: t2.teamId, stationId: t2.route[0], occurredAt: now() },
      {
        id: during,
        type: 'finding',
        teamId: t2.teamId,
        stationId: t2.route[0],
        occurredAt: now(),
        category: 'carousel',
        severity: 'serious',
        text: 'During the outage',
      },
      {
        id: randomUUID(),
        type: 'checklist',
        teamId: t2.teamId,
        stationId: t2.route[0],
        occurredAt: now(),
        form: 'voting-v1',
        phase: 'voting',
        answers: {
          id_checked: true,
          biometric_working: true,
          secrecy: true,
          auto_box_working: true,
          unauthorized_present: false,
          queue_minutes: 5,
          issues: [],
        },
        assessment: 'good',
      },
    ]);
    await post(t3.token, [{ id: randomUUID(), type: 'help_request', teamId: t3.teamId, occurredAt: now() }]);
    await post(t4.token, [
      { id: randomUUID(), type: 'arrival', teamId: t4.teamId, stationId: t4.route[0], occurredAt: now() },
    ]);
    const triage = await post(coordinator, [
      {
        id: randomUUID(),
        type: 'finding_status',
        findingId: before,
        status: 'escalated',
        note: 'CEC informed',
        occurredAt: now(),
      },
      { id: randomUUID(), type: 'team_alert_acknowledged', teamId: t3.teamId, alert: 'help', occurredAt: now() },
    ]);
    expect(triage.results.map((r: { status: string }) => r.status)).toEqual(['stored', 'stored']);
    // A coordinator on B changes the alert settings: not an event, so no catch-up carries it; the page reads it again.
    const settings = {
      silentTeamMinutes: 30,
      pollingStartsAt: '07:00',
      pollingEndsAt: '20:00',
      criticalAckMinutes: 90,
    };
    await call(b.url, 'PUT', '/api/mission/alert-settings', coordinator, settings);

    await a.start();
    await page.waitForSelector('[data-vigil-indicator][data-connection=live]', { timeout: 30_000 });
    const head = (await call(b.url, 'GET', '/api/events?after=0&limit=1', coordinator)).head as number;
    await page.waitForSelector(`[data-vigil-indicator][data-last-seq="${head}"]`, {
      state: 'attached',
      timeout: BUSY_MACHINE_WAIT_MS,
    });

    // The feed: every finding of the database, in its status, with its last note.
    await page.selectOption('[data-vigil-status-filter]', { index: 0 });
    const database = (await call(b.url, 'GET', '/api/findings', coordinator)).findings as {
      id: string;
      status: string;
      lastNote: string | null;
    }[];
    await expect
      .poll(
        () =>
          page.$$eval('[data-vigil-finding]', (items) =>
            items.map((el) => `${el.getAttribute('data-vigil-finding')}:${el.getAttribute('data-status')}`),
          ),
        { timeout: BUSY_MACHINE_WAIT_MS },
      )
      .toEqual(database.map((f) => `${f.id}:${f.status}`));
    expect(await page.textContent(`[data-vigil-finding="${before}"]`)).toContain('CEC informed');
    expect(await page.textContent(`[data-vigil-finding="${during}"]`)).toContain('During the outage');

    // Coverage figures equal the server's, read after everything above.
    await page.click('[data-vigil-tab=coverage]');
    const coverage = await call(b.url, 'GET', '/api/coverage', coordinator);
    for (const row of [{ district: 'city', ...coverage.overall }, ...coverage.districts]) {
      const selector = `[data-vigil-coverage-row="${row.district}"]`;
      await expect
        .poll(() => page.getAttribute(selector, 'data-visited'), { timeout: BUSY_MACHINE_WAIT_MS })
        .toBe(String(row.visited));
      expect(await page.getAttribute(selector, 'data-present')).toBe(String(row.presentNow));
      expect(await page.getAttribute(selector, 'data-never')).toBe(String(row.neverVisited));
    }
    // The help request made and acknowledged during the outage: the team shows it, the alert strip does not.
    await page.click('[data-vigil-tab=teams]');
    expect(await page.getAttribute(`[data-vigil-team="${t3.teamId}"]`, 'data-state')).toBe('helpAcknowledged');
    expect(await page.locator(`[data-alert-key="help:${t3.teamId}"]`).count()).toBe(0);
    // The station list and the legend's counts equal the stations the server reports.
    const stations = (await call(b.url, 'GET', '/api/stations', coordinator)).stations as {
      id: string;
      status: { presentTeamIds: string[] };
    }[];
    const present = stations
      .filter((s) => s.status.presentTeamIds.length > 0)
      .map((s) => s.id)
      .sort();
    const shownPresent = (
      await page.$$eval(
        'tr[data-station-id][data-state=present], tr[data-station-id][data-state=critical], tr[data-station-id][data-state=serious]',
        (rows) => rows.map((r) => r.getAttribute('data-station-id')!),
      )
    ).sort();
    for (const id of present) expect(shownPresent).toContain(id);
    // The alert settings changed while it was away are the ones it now follows.
    await page.click('[data-vigil-tab=setup]');
    await page.click('[data-vigil-alert-settings] summary');
    await expect
      .poll(() => page.inputValue('input[name=critical-minutes]'), { timeout: BUSY_MACHINE_WAIT_MS })
      .toBe('90');
    expect(await page.inputValue('input[name=silent-minutes]')).toBe('30');
  }, 120_000); // a stop, an offline spell and a restart with reconnect back-off: longer than the default 30 s
});
