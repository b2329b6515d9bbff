/**
 * A list with regions above its districts, in real Chromium: the coordinator's coverage panel shows each region with its
 * own totals and its districts under it, and the wall's rotation shows a region (its figures and a line per district)
 * and then its districts, each named with its region.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { CoverageReply } from '../../shared/schemas/coverage';
import type { Station } from '../../shared/schemas/stations';
import { FIXTURE_PASSWORD, servedTestApp, type TestApp } from '../helpers/app';
import { BUSY_MACHINE_WAIT_MS, chromiumAvailable, launchChromium, saveScreenshot } from '../helpers/browser';
import { arrival, getJson, join, login, postEvents } from '../helpers/events';
import { NATIONAL_MAPPING, nationalList } from '../helpers/national-list';

const BISHKEK: [[number, number], [number, number]] = [
  [74.5, 42.77],
  [74.68, 42.94],
];

describe.runIf(chromiumAvailable)('regions above districts in Chromium', () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;
  let coordinator: string;
  const contexts: BrowserContext[] = [];
  // No stray positions: the wall's views are fitted to the stations, and a point in Sydney would make them the world.
  const list = nationalList({
    stations: 360,
    districts: 9,
    regions: 3,
    unplacedShare: 0.2,
    zeroPoints: 0,
    farPoints: 0,
    bounds: BISHKEK,
    seed: 7,
  });
  const region = list.regions[1]!;
  const regionDistricts = list.districts
    .filter((d) => list.regionOf.get(d) === region)
    .sort((a, b) => a.localeCompare(b));

  beforeAll(async () => {
    ({ t, base } = await servedTestApp({ headAnnounceIntervalMs: 1000 }));
    coordinator = await login(t.app, t.own.coordinator.username, FIXTURE_PASSWORD);
    const imported = await t.app.inject({
      method: 'POST',
      url: `/api/stations/import?${new URLSearchParams({ mapping: JSON.stringify(NATIONAL_MAPPING) })}`,
      headers: { authorization: `Bearer ${coordinator}`, 'content-type': 'text/csv' },
      payload: list.csv,
    });
    expect(imported.statusCode).toBe(200);
    // A team checks in at a station of the chosen region, so its figures are not all zero.
    const stations = (await getJson(t.app, coordinator, '/api/stations')).body.stations as Station[];
    const at = stations.find((s) => s.district === regionDistricts[0] && s.lat !== null)!;
    const team = await join(t.app, t.own.joinCodes[0]!.code);
    await postEvents(t.app, team.token, [arrival(team.teamId, at.id, 10)]);
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await t?.close();
  });

  async function newPage(viewport: { width: number; height: number }): Promise<Page> {
    const context = await browser.newContext({ viewport });
    contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (err) => console.error('page error:', err.message));
    return page;
  }

  it("the coverage panel shows a region's row with its own totals, and its districts under it", async () => {
    const page = await newPage({ width: 1400, height: 1000 });
    await page.goto(`${base}/`);
    await page.fill('input[name=username]', t.own.coordinator.username);
    await page.fill('input[name=password]', FIXTURE_PASSWORD);
    await page.click('form[data-vigil-login] button[type=submit]');
    await page.waitForSelector('body[data-vigil-ready=true]', { timeout: 2 * BUSY_MACHINE_WAIT_MS });
    await page.click('[data-vigil-tab=coverage]');
    const regionRow = page.locator(`[data-vigil-coverage-region="${region}"]`);
    await regionRow.waitFor({ timeout: BUSY_MACHINE_WAIT_MS });

    const coverage = (await getJson(t.app, coordinator, '/api/coverage')).body as CoverageReply;
    const expected = coverage.regions.find((r) => r.region === region)!;
    expect(Number(await regionRow.getAttribute('data-total'))).toBe(expected.total);
    expect(Number(await regionRow.getAttribute('data-visited'))).toBe(1);
    expect(await regionRow.innerText()).toContain(region);

    // Rows in order: each region, then its own districts; the fixture's districts (no region) at the end.
    const order = await page.$$eval('[data-vigil-coverage] table.figures:first-of-type tbody tr', (rows) =>
      rows.map(
        (tr) =>
          tr.getAttribute('data-vigil-coverage-region') ??
          `${tr.getAttribute('data-region') ?? '-'}/${tr.getAttribute('data-vigil-coverage-row')}`,
      ),
    );
    const at = order.indexOf(region);
    expect(order.slice(at + 1, at + 1 + regionDistricts.length)).toEqual(regionDistricts.map((d) => `${region}/${d}`));
    expect(order.filter((row) => list.regions.includes(row))).toEqual(
      [...list.regions].sort((a, b) => a.localeCompare(b)),
    );
    expect(order.at(-1)).toMatch(/^-\//);
    // A district's name with quotes and a comma stays one row, with the figures the server gives it.
    const quoted = list.districts.find((d) => d.includes('"'))!;
    const quotedRow = page.locator(`[data-vigil-coverage-row="${quoted.replaceAll('"', '\\"')}"]`);
    expect(Number(await quotedRow.getAttribute('data-total'))).toBe(
      coverage.districts.find((d) => d.district === quoted)!.total,
    );
    await saveScreenshot(page, 'coverage-regions');
  }, 120_000);

  it("the wall's rotation shows a region with a line per district, then its districts named with their region", async () => {
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/display-links',
      headers: { authorization: `Bearer ${coordinator}` },
      payload: { label: 'Regions wall', rotationSeconds: 5 },
    });
    expect(created.statusCode).toBe(201);
    const page = await newPage({ width: 1920, height: 1080 });
    await page.goto(`${base}/display?token=${encodeURIComponent(created.json().token as string)}`);
    await page.waitForSelector('body[data-vigil-ready=true]', { timeout: 2 * BUSY_MACHINE_WAIT_MS });

    // The rotation reaches the chosen region (city, then regions in name order with their districts).
    await page.waitForSelector(`[data-vigil-view="region:${region}"]`, { timeout: 3 * BUSY_MACHINE_WAIT_MS });
    const figures = page.locator('[data-vigil-figures][data-scope-kind=region]');
    await figures.waitFor({ timeout: BUSY_MACHINE_WAIT_MS });
    expect(await figures.getAttribute('data-scope')).toBe(region);
    const lines = await page.$$eval('[data-figure="region-districts"] tbody tr', (rows) =>
      rows.map((tr) => ({
        district: tr.getAttribute('data-district'),
        total: Number(tr.getAttribute('data-total')),
        coveredNow: Number(tr.getAttribute('data-covered-now')),
      })),
    );
    const coverage = (await getJson(t.app, coordinator, '/api/coverage')).body as CoverageReply;
    expect(lines).toEqual(
      regionDistricts.map((district) => {
        const d = coverage.districts.find((c) => c.district === district)!;
        return { district, total: d.total, coveredNow: d.presentNow };
      }),
    );
    expect(Number(await page.getAttribute('[data-figure="coveredNow"]', 'data-value'))).toBe(1);
    await saveScreenshot(page, 'wall-region');

    // Next comes the region's first district, labelled with its region.
    await page.waitForSelector(
      `[data-vigil-view="${regionDistricts[0]!.replaceAll('"', '\\"')}"][data-vigil-view-kind=district]`,
      { timeout: 3 * BUSY_MACHINE_WAIT_MS },
    );
    expect(await page.textContent('[data-vigil-view]')).toContain(region);
    expect(await page.getAttribute('[data-vigil-figures]', 'data-scope-kind')).toBe('district');
  }, 180_000);
});
