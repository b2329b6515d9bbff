/**
 * A phone on a slow link, for the slow-network browser test and the bench's `phone` section: a national mission of
 * 20,000 stations with one team's plan (one of its stations unplaced), and a phone context whose page goes through
 * Chromium's network emulation (CDP Network.emulateNetworkConditions) at the figures.
 */
import type { Browser, BrowserContext, BrowserContextOptions, CDPSession, Page } from 'playwright-core';
import type { Station } from '../../shared/schemas/stations';
import { NATIONAL_MAPPING, nationalList } from './national-list';

/** The link of issue 13: 1.6 Mbit/s down, 750 kbit/s up, 300 ms latency. */
export const SLOW_LINK = { downloadKbitPerS: 1600, uploadKbitPerS: 750, latencyMs: 300 } as const;

export const PHONE_CONTEXT: BrowserContextOptions = {
  viewport: { width: 393, height: 851 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
  locale: 'en-GB',
};

const BISHKEK: [[number, number], [number, number]] = [
  [74.5, 42.77],
  [74.68, 42.94],
];
export const PLAN_SIZE = 10;

async function call<T>(
  base: string,
  method: string,
  pathName: string,
  token: string,
  body: string,
  contentType: string,
): Promise<T> {
  const res = await fetch(`${base}${pathName}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
    body,
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${pathName}: ${res.status} ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

function csvCell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/**
 * Imports a generated national list of `stations` into the coordinator's mission and gives the team `callSign` a plan
 * of PLAN_SIZE of them by code, the first one unplaced. Returns the plan's stations in order.
 */
export async function nationalMissionWithPlan(
  base: string,
  coordinatorToken: string,
  callSign: string,
  stations = 20_000,
): Promise<Station[]> {
  const list = nationalList({ stations, bounds: BISHKEK, seed: 13 });
  await call(
    base,
    'POST',
    `/api/stations/import?mapping=${encodeURIComponent(JSON.stringify(NATIONAL_MAPPING))}`,
    coordinatorToken,
    list.csv,
    'text/csv',
  );
  const res = await fetch(`${base}/api/stations`, { headers: { authorization: `Bearer ${coordinatorToken}` } });
  const all = ((await res.json()) as { stations: Station[] }).stations;
  // Spread over districts with hard names (quotes, commas, Roman numerals); the first is unplaced.
  const imported = all.filter((s) => s.region !== null);
  const unplaced = imported.find((s) => s.lat === null && s.district.includes('"'))!;
  const candidates = imported.filter((s) => s.lat !== null && s.lng !== null && s.lat > 40);
  const stride = Math.max(1, Math.floor(candidates.length / PLAN_SIZE));
  const placed = candidates.filter((_, i) => i % stride === 0).slice(0, PLAN_SIZE - 1);
  const plan = [unplaced, ...placed];
  const planCsv =
    ['team,station,order', ...plan.map((s, i) => `${csvCell(callSign)},${csvCell(s.code)},${i + 1}`)].join('\n') + '\n';
  await call(base, 'POST', '/api/plan/import', coordinatorToken, planCsv, 'text/csv');
  return plan;
}

/** Puts the page's traffic on the slow link, or offline. The session stays with the page across reloads. */
export async function emulateLink(cdp: CDPSession, offline = false): Promise<void> {
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', {
    offline,
    latency: SLOW_LINK.latencyMs,
    // CDP wants bytes per second.
    downloadThroughput: (SLOW_LINK.downloadKbitPerS * 1000) / 8,
    uploadThroughput: (SLOW_LINK.uploadKbitPerS * 1000) / 8,
  });
}

export interface SlowPhone {
  context: BrowserContext;
  page: Page;
  cdp: CDPSession;
  /** From navigating to the join link to the plan's rows on screen (a first visit: nothing cached). */
  msToPlan: number;
  /** Every request the page made, as "METHOD path". */
  requests: string[];
}

/** A fresh phone (nothing cached) on the slow link opens the team's join link and waits until its plan is listed. */
export async function joinOnSlowLink(
  browser: Browser,
  base: string,
  joinCode: string,
  planSize: number,
  options: BrowserContextOptions = {},
): Promise<SlowPhone> {
  const context = await browser.newContext({ ...PHONE_CONTEXT, ...options });
  const page = await context.newPage();
  const requests: string[] = [];
  page.on('request', (request) => {
    const url = new URL(request.url());
    requests.push(`${request.method()} ${url.pathname}`);
  });
  page.on('pageerror', (err) => console.error('page error:', err.message));
  const cdp = await context.newCDPSession(page);
  await emulateLink(cdp);
  const started = performance.now();
  await page.goto(`${base}/join?code=${encodeURIComponent(joinCode)}`, { timeout: 120_000 });
  await page.waitForFunction((n) => document.querySelectorAll('[data-vigil-plan] li').length === n, planSize, {
    timeout: 120_000,
    polling: 50,
  });
  return { context, page, cdp, msToPlan: performance.now() - started, requests };
}
