/**
 * Route sheets for the demo mission in real Chromium with no internet (issue 17): the coordinator sets the emergency
 * contacts on the operations page, opens the route sheets from there, and sees one page per team with the team's
 * stations in plan order, a map of the route, and — once the coordinator issues codes for the sheets — a join QR code
 * whose code really joins that team. Printed, it is one page per team. The README's picture is one team's sheet.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import type { Database } from '../../db/client';
import { openTestPglite } from '../helpers/pglite-snapshot';
import { buildApp } from '../../server/app';
import { ensureClientBuilt } from '../../server/client-build';
import { loadConfig } from '../../server/config';
import { ensureDemoMission } from '../../server/demo';
import type { MissionCredentials } from '../../server/modules/missions/mission-setup';
import type { Station } from '../../shared/schemas/stations';
import type { Team } from '../../shared/schemas/teams';
import { testConfig } from '../helpers/app';
import {
  BUSY_MACHINE_WAIT_MS,
  chromiumAvailable,
  launchChromium,
  offlineCoordinatorPage,
  saveScreenshot,
  useInReadme,
} from '../helpers/browser';
import { getJson, join, login } from '../helpers/events';

describe.runIf(chromiumAvailable)('route sheets for the demo mission', () => {
  let database: Database;
  let app: FastifyInstance;
  let browser: Browser;
  let page: Page;
  let outside: string[];
  let base: string;
  let demo: MissionCredentials;
  let teams: Team[];
  let stationById: Map<string, Station>;

  beforeAll(async () => {
    const config = loadConfig({});
    await ensureClientBuilt(config);
    database = await openTestPglite();
    const appConfig = testConfig({ clientDir: config.clientDir, demoCoordinatorPassword: 'demo-password-1' });
    app = await buildApp(appConfig, { database });
    demo = (await ensureDemoMission(database.db, appConfig))!;
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    const coordinator = await login(app, demo.coordinator.username, demo.coordinator.password);
    // What the sheets must show, read from the plan and station list (not from the route-sheet endpoint itself).
    teams = (await getJson(app, coordinator, '/api/teams')).body.teams;
    stationById = new Map(
      (await getJson(app, coordinator, '/api/stations')).body.stations.map((s: Station) => [s.id, s]),
    );
    browser = await launchChromium();
    ({ page, outside } = await offlineCoordinatorPage(browser, base, demo.coordinator));
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await database?.close();
  });

  it('a coordinator sets an emergency contact on the operations page and reaches the route sheets from there', async () => {
    // The dashboard's Teams tab links to the sheets as well (for the briefing, next to the team list).
    await page.click('[data-vigil-tab=teams]');
    const fromTeams = page.locator('[data-vigil-team-route-sheets]');
    expect(await fromTeams.getAttribute('href')).toBe('/operations/route-sheets');
    expect(await fromTeams.textContent()).toMatch(/route sheets/i);
    await page.click('[data-vigil-operations-link]');
    const panel = page.locator('[data-vigil-contacts-panel]');
    await panel.waitFor({ timeout: BUSY_MACHINE_WAIT_MS });
    // The demo comes with three made-up contacts; a fourth is added through the form.
    await panel.locator('[data-vigil-contact="2"]').waitFor({ timeout: BUSY_MACHINE_WAIT_MS });
    await panel.locator('[data-vigil-contact-add]').click();
    const row = panel.locator('[data-vigil-contact="3"]');
    await row.locator('input[name=name]').fill('Night duty');
    await row.locator('input[name=phone]').fill('not a phone');
    await panel.locator('[data-vigil-contacts-save]').click();
    await expect.poll(() => panel.locator('[role=status]').textContent()).toContain('phone');
    await row.locator('input[name=phone]').fill('+996 000 000 199');
    await panel.locator('[data-vigil-contacts-save]').click();
    await expect.poll(() => panel.locator('[role=status]').textContent()).toBe('Contacts saved.');

    const href = await page.getAttribute('[data-vigil-sheets-all]', 'href');
    expect(href).toBe('/operations/route-sheets');
    await page.goto(`${base}${href}`);
    await page.locator('[data-vigil-route-sheet]').first().waitFor({ timeout: BUSY_MACHINE_WAIT_MS });
  });

  it("shows every team's stations in plan order with a map of the route and the mission's emergency contacts", async () => {
    expect(await page.locator('[data-vigil-route-sheet]').count()).toBe(teams.length);
    expect(teams.length).toBe(20);
    for (const team of teams) {
      const sheet = page.locator(`[data-vigil-route-sheet="${team.callSign}"]`);
      const planned = team.route!.map((stop) => stationById.get(stop.stationId)!);
      expect(planned.length, team.callSign).toBeGreaterThan(0);
      expect(await sheet.locator('h2').textContent()).toBe(`Route sheet · ${team.callSign}`);
      const rows = sheet.locator('[data-vigil-sheet-stop]');
      expect(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-vigil-sheet-stop')))).toEqual(
        planned.map((s) => s.code),
      );
      const first = rows.first();
      expect(await first.textContent()).toContain(planned[0]!.name);
      expect(await first.textContent()).toContain(planned[0]!.address);
      const phases = team.route![0]!.phases.map(
        (p) => ({ opening: 'Opening', voting: 'Voting', closing: 'Closing & count' })[p],
      );
      expect((await first.locator('td').last().textContent())?.trim()).toBe(phases.join(', '));
      // The map numbers the stops in the same order as the table.
      const map = sheet.locator('svg[data-vigil-sheet-map]');
      expect(await map.getAttribute('data-vigil-sheet-map')).toBe(planned.map((s) => s.code).join(' '));
      expect(await map.locator('[data-vigil-sheet-marker]').count()).toBe(planned.length);
      expect(await map.locator('polyline').count()).toBe(1);
      const contacts = await sheet.locator('[data-vigil-sheet-contacts] li').allTextContents();
      expect(contacts).toEqual([
        'Core team desk, Coordination: +996 000 000 101',
        'Aida Sultanova, Security officer: +996 000 000 102',
        'Legal help line, Lawyer on duty: +996 000 000 103',
        'Night duty: +996 000 000 199',
      ]);
      // No code is made behind the coordinator's back: until issued, the sheet says so and has no QR.
      expect(await sheet.locator('[data-vigil-sheet-qr]').count()).toBe(0);
      expect(await sheet.locator('[data-vigil-sheet-no-code]').isVisible()).toBe(true);
    }
  });

  it('issues a join code per sheet on request; the printed code joins that team', async () => {
    await page.click('[data-vigil-sheets-issue]');
    await expect
      .poll(() => page.locator('[data-vigil-sheet-qr] svg').count(), { timeout: 2 * BUSY_MACHINE_WAIT_MS })
      .toBe(teams.length);
    for (const team of [teams[0]!, teams.at(-1)!]) {
      const code = await page
        .locator(`[data-vigil-route-sheet="${team.callSign}"] [data-vigil-sheet-code]`)
        .textContent();
      expect((await join(app, code!)).teamId).toBe(team.id);
    }
  });

  it('prints one page per team, without the toolbar', async () => {
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('[data-vigil-sheets-issue]').isVisible()).toBe(false);
    const pdf = (await page.pdf({ format: 'A4', printBackground: true })).toString('latin1');
    expect(pdf.match(/\/Type\s*\/Page\b/g)?.length).toBe(teams.length);
    await page.emulateMedia({ media: 'screen' });
  });

  it("shows one team's sheet on its own (the README's picture), all without internet", async () => {
    const team = teams.find((t) => t.callSign === 'T03') ?? teams[0]!;
    await page.setViewportSize({ width: 900, height: 1150 });
    await page.selectOption('[data-vigil-sheets-team]', team.id);
    await expect.poll(() => page.locator('[data-vigil-route-sheet]').count()).toBe(1);
    expect(new URL(page.url()).searchParams.get('team')).toBe(team.id);
    await page.reload();
    await page.locator(`[data-vigil-route-sheet="${team.callSign}"]`).waitFor({ timeout: BUSY_MACHINE_WAIT_MS });
    expect(await page.locator('[data-vigil-route-sheet]').count()).toBe(1);
    await page.click('[data-vigil-sheets-issue]');
    await page.locator('[data-vigil-sheet-qr] svg').waitFor({ timeout: BUSY_MACHINE_WAIT_MS });
    useInReadme(await saveScreenshot(page, 'route-sheet'), 'route-sheet');
    expect(outside).toEqual([]);
  });
});
