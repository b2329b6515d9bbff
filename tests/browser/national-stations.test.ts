/**
 * A national station list in real Chromium: a generated list (numbering restarting per district, ~30 % without
 * coordinates, headers Vigil does not know) goes in through the operations page's mapping step with its problems
 * grouped by kind and downloadable; then coordinators place unplaced stations by typing coordinates and by clicking the
 * map, and every coordinator's map and count follow live.
 */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Station } from '../../shared/schemas/stations';
import { FIXTURE_PASSWORD, servedTestApp, type TestApp } from '../helpers/app';
import {
  BUSY_MACHINE_WAIT_MS,
  chromiumAvailable,
  launchChromium,
  offlineCoordinatorPage,
  saveScreenshot,
} from '../helpers/browser';
import { getJson, login } from '../helpers/events';
import { NATIONAL_MAPPING, nationalList } from '../helpers/national-list';

const BISHKEK: [[number, number], [number, number]] = [
  [74.5, 42.77],
  [74.68, 42.94],
];
const STATIONS = 3_000;

describe.runIf(chromiumAvailable)('a national station list in Chromium', () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;
  let coordinator: string;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    ({ t, base } = await servedTestApp());
    coordinator = await login(t.app, t.own.coordinator.username, FIXTURE_PASSWORD);
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await t?.close();
  });

  const stations = async () => (await getJson(t.app, coordinator, '/api/stations')).body.stations as Station[];

  async function operationsPage(): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, acceptDownloads: true });
    contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (err) => console.error('page error:', err.message));
    await page.goto(`${base}/operations`);
    await page.fill('input[name=username]', t.own.coordinator.username);
    await page.fill('input[name=password]', FIXTURE_PASSWORD);
    await page.click('form[data-vigil-login] button[type=submit]');
    await page.waitForSelector('[data-vigil-operations] [data-vigil-station-file]', { timeout: BUSY_MACHINE_WAIT_MS });
    return page;
  }

  it('imports a national list through the mapping step, with problems grouped by kind and all of them downloadable', async () => {
    const list = nationalList({ stations: STATIONS, districts: 30, bounds: BISHKEK });
    const page = await operationsPage();
    await page.setInputFiles('[data-vigil-station-file]', {
      name: 'national.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(list.csv),
    });

    // Headers Vigil does not know: the file's first rows and a select per field; the header problem names what it found.
    await page.waitForSelector('[data-vigil-mapping-step]', { timeout: BUSY_MACHINE_WAIT_MS });
    expect(await page.locator('[data-vigil-file-columns]').innerText()).toContain('Nr. secție, Județ, Localitate');
    expect(await page.locator('[data-vigil-sample]').getAttribute('data-vigil-sample')).toBe('5');
    expect(await page.locator('[data-vigil-sample] tbody tr').first().innerText()).toContain(list.districts[0]!);
    expect(
      await page
        .locator('[data-vigil-problem-kind="number: column is missing (map one)"]')
        .getAttribute('data-severity'),
    ).toBe('error');
    const headerProblem = await page.locator('[data-vigil-problems]').innerText();
    expect(headerProblem).toContain('"Nr. secție", "Județ", "Localitate"');
    expect(headerProblem).toContain('expected number and district');
    expect(await page.locator('[data-vigil-import-stations]').isDisabled()).toBe(true);
    expect(await page.locator('[data-vigil-apply-mapping]').isDisabled()).toBe(true);

    for (const [field, column] of Object.entries(NATIONAL_MAPPING))
      await page.selectOption(`[data-vigil-map-select="${field}"]`, column);
    await page.click('[data-vigil-apply-mapping]');

    // The whole file read with the mapping: counts, and the problems grouped by kind with how many rows have each.
    await page.waitForSelector('[data-vigil-preview-counts]', { timeout: BUSY_MACHINE_WAIT_MS });
    expect(await page.locator('[data-vigil-preview-counts]').innerText()).toContain(`${STATIONS} new, 0 changed`);
    expect(await page.locator('[data-vigil-preview-unplaced]').getAttribute('data-vigil-preview-unplaced')).toBe(
      String(list.unplaced),
    );
    const kinds = page.locator('[data-vigil-problem-kinds]');
    expect(await kinds.getAttribute('data-vigil-error-count')).toBe('0');
    const countOf = (kind: string) => page.locator(`[data-vigil-problem-kind="${kind}"]`).getAttribute('data-count');
    expect(await countOf('no position → unplaced (not on the map)')).toBe(String(list.unplaced));
    expect(await countOf('position 0,0')).toBe(String(list.zeroPoints));
    expect(await countOf("position outside the mission's map area")).toBe(String(list.farPoints));
    expect(await page.locator('[data-vigil-problem-kind="position 0,0"]').innerText()).toContain(
      `${list.zeroPoints} rows`,
    );
    await saveScreenshot(page, 'national-import-preview');

    // Every problem row, not only the listed first 500, as CSV.
    const [download] = await Promise.all([
      page.waitForEvent('download', { timeout: BUSY_MACHINE_WAIT_MS }),
      page.click('[data-vigil-download-problems]'),
    ]);
    const problemsCsv = await readFile((await download.path())!, 'utf8');
    const problemLines = problemsCsv.trim().split('\n');
    expect(problemLines[0]).toBe('row,column,severity,kind,problem');
    expect(problemLines.filter((line) => line.includes(',notice,')).length).toBe(list.unplaced);
    expect(problemLines.length - 1).toBeGreaterThan(500);

    await page.click('[data-vigil-import-stations]');
    await page.waitForSelector('[data-vigil-imported]', { timeout: BUSY_MACHINE_WAIT_MS });
    const imported = await page.locator('[data-vigil-imported]').innerText();
    expect(imported).toContain(`Imported ${STATIONS} rows: ${STATIONS} new stations, 0 updated.`);
    expect(imported).toContain(`${list.unplaced} of them are not on the map yet`);

    const all = await stations();
    expect(all).toHaveLength(STATIONS + 3);
    expect(all.filter((s) => s.lat === null && s.lng === null)).toHaveLength(list.unplaced);
    const first = all.find((s) => s.district === list.districts[0] && s.number === '1')!;
    expect(first).toMatchObject({ code: `${list.districts[0]}-1`, region: 'Județul 0' });
    // Numbering restarts per district: number 1 exists once in every district.
    expect(all.filter((s) => s.number === '1')).toHaveLength(30);
  }, 240_000);

  it("coordinators place unplaced stations by typed coordinates and by a click on the map, and every coordinator's map follows", async () => {
    const before = await stations();
    const unplaced = before.filter((s) => s.lat === null);
    expect(unplaced.length).toBeGreaterThan(2);
    const [typed, clicked] = [unplaced[0]!, unplaced[1]!];

    const coordinatorAccount = { username: t.own.coordinator.username, password: FIXTURE_PASSWORD };
    const { page: a, outside } = await offlineCoordinatorPage(browser, base, coordinatorAccount);
    const { page: b } = await offlineCoordinatorPage(browser, base, coordinatorAccount);
    contexts.push(a.context(), b.context());
    for (const page of [a, b]) {
      await page.waitForFunction(
        (count) =>
          document.querySelector('[data-vigil-unplaced-chip]')?.getAttribute('data-vigil-unplaced-chip') ===
          String(count),
        unplaced.length,
        { timeout: BUSY_MACHINE_WAIT_MS },
      );
    }
    expect(await a.locator('[data-vigil-unplaced-chip]').innerText()).toBe(
      `${unplaced.length} stations not on the map`,
    );

    /** Whether a station is among the features the map draws. */
    const onMap = (page: Page, stationId: string) =>
      page.evaluate(async (id) => {
        const source = window.__vigilMap?.getSource('stations') as
          { getData(): Promise<GeoJSON.FeatureCollection> } | undefined;
        const data = await source?.getData();
        return (data?.features ?? []).some((f) => f.properties?.id === id);
      }, stationId);
    expect(await onMap(b, typed.id)).toBe(false);

    // A: the chip opens the list; search finds the station (case, spaces and dashes ignored); typed coordinates.
    await a.click('[data-vigil-unplaced-chip]');
    await a.waitForSelector('[data-vigil-unplaced-search]', { state: 'visible' });
    expect(await a.locator('[data-vigil-unplaced-showing]').innerText()).toContain(`of ${unplaced.length}`);
    await a.fill('[data-vigil-unplaced-search]', typed.code.toLowerCase().replaceAll('-', ' '));
    await a.waitForSelector(`[data-vigil-unplaced-station="${typed.code}"]`, { timeout: BUSY_MACHINE_WAIT_MS });
    await a.click(`[data-vigil-place="${typed.code}"]`);
    await a.fill('[data-vigil-place-lat]', '42.8712');
    await a.fill('[data-vigil-place-lng]', '74.6011');
    await a.click('[data-vigil-place-save]');
    await a.waitForSelector('[data-vigil-placed]', { timeout: BUSY_MACHINE_WAIT_MS });

    // B, untouched: the count goes down and the station is drawn on its map.
    await b.waitForFunction(
      (count) =>
        document.querySelector('[data-vigil-unplaced-chip]')?.getAttribute('data-vigil-unplaced-chip') ===
        String(count),
      unplaced.length - 1,
      { timeout: BUSY_MACHINE_WAIT_MS },
    );
    await b.waitForFunction(
      async (id) => {
        const source = window.__vigilMap?.getSource('stations') as
          { getData(): Promise<GeoJSON.FeatureCollection> } | undefined;
        return ((await source?.getData())?.features ?? []).some((f) => f.properties?.id === id);
      },
      typed.id,
      { timeout: BUSY_MACHINE_WAIT_MS, polling: 250 },
    );
    expect((await stations()).find((s) => s.id === typed.id)).toMatchObject({ lat: 42.8712, lng: 74.6011 });

    // A: the second by a click on the map, at a known place.
    await a.fill('[data-vigil-unplaced-search]', clicked.code);
    await a.click(`[data-vigil-place="${clicked.code}"]`);
    const target = { lng: 74.59, lat: 42.86 };
    await a.evaluate(({ lng, lat }) => window.__vigilMap!.jumpTo({ center: [lng, lat], zoom: 13 }), target);
    await a.waitForFunction(() => !window.__vigilMap!.isMoving(), undefined, { timeout: BUSY_MACHINE_WAIT_MS });
    const point = await a.evaluate(({ lng, lat }) => {
      const map = window.__vigilMap!;
      const rect = map.getCanvas().getBoundingClientRect();
      const p = map.project([lng, lat]);
      return { x: rect.left + p.x, y: rect.top + p.y };
    }, target);
    await a.mouse.click(point.x, point.y);
    await a.waitForFunction(
      () => (document.querySelector('[data-vigil-place-lat]') as HTMLInputElement | null)?.value !== '',
      undefined,
      { timeout: BUSY_MACHINE_WAIT_MS },
    );
    // The click placed; it did not open a station's panel.
    expect(await a.locator('[data-vigil-station-panel]').count()).toBe(0);
    await a.click('[data-vigil-place-save]');

    await b.waitForFunction(
      (count) =>
        document.querySelector('[data-vigil-unplaced-chip]')?.getAttribute('data-vigil-unplaced-chip') ===
        String(count),
      unplaced.length - 2,
      { timeout: BUSY_MACHINE_WAIT_MS },
    );
    await a.waitForFunction(
      (count) =>
        document.querySelector('[data-vigil-unplaced-count]')?.textContent === `${count} stations not on the map`,
      unplaced.length - 2,
      { timeout: BUSY_MACHINE_WAIT_MS },
    );
    const placed = (await stations()).find((s) => s.id === clicked.id)!;
    expect(Math.abs(placed.lat! - target.lat)).toBeLessThan(0.002);
    expect(Math.abs(placed.lng! - target.lng)).toBeLessThan(0.002);
    expect(await onMap(b, clicked.id)).toBe(true);
    expect(await onMap(a, clicked.id)).toBe(true);
    await saveScreenshot(a, 'national-place-station');
    expect(outside).toEqual([]);
  }, 240_000);
});
