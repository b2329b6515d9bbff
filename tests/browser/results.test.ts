/**
 * Turnout and a results protocol from an observer's phone to the coordinator's Results tab, in real Chromium against
 * the real server: the phone asks for turnout at the hour that has come where the team is checked in, the protocol
 * form marks figures that do not reconcile while they are typed and still sends them, and the coordinator sees the
 * turnout bar, the flagged protocol and the quick count's estimate arrive live. Then the coordinator imports the
 * commission's results through the column-mapping step and sees where they differ from the observers' copy.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { FIXTURE_PASSWORD, servedTestApp, type TestApp } from '../helpers/app';
import { chromiumAvailable, launchChromium, offlineCoordinatorPage, saveScreenshot } from '../helpers/browser';
import { login } from '../helpers/events';
import { MAYOR_CONTEST } from '../helpers/ballots';

/** 00:00 has always come: the phone asks for it whenever the test runs. */
const BALLOT = {
  contests: [MAYOR_CONTEST],
  turnoutHours: ['00:00'],
  protocolPhotoRequired: false,
  sample: { stations: ['1001', '1003'], stratified: false, minReported: 1 },
};

describe.runIf(chromiumAvailable)('turnout and protocols in Chromium', () => {
  let t: TestApp;
  let base: string;
  let browser: Browser;
  let coordinator: string;

  beforeAll(async () => {
    ({ t, base } = await servedTestApp());
    coordinator = await login(t.app, t.own.coordinator.username, FIXTURE_PASSWORD);
    const put = await t.app.inject({
      method: 'PUT',
      url: '/api/ballot',
      headers: { authorization: `Bearer ${coordinator}` },
      payload: BALLOT,
    });
    expect(put.statusCode).toBe(200);
    browser = await launchChromium();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function phonePage(code: string): Promise<Page> {
    const context = await browser.newContext({
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

  it('the phone reports turnout and a protocol that does not add up; the coordinator sees both, flagged', async () => {
    const { page: desk } = await offlineCoordinatorPage(browser, base, {
      username: t.own.coordinator.username,
      password: FIXTURE_PASSWORD,
    });
    await desk.click('[data-vigil-tab=results]');
    await desk.waitForSelector('[data-vigil-results]');
    const quick = desk.locator('[data-vigil-quick-contest=mayor]');
    await quick.waitFor();
    expect(await quick.locator('[data-vigil-reported]').textContent()).toBe('Reported 0 of 2 sample stations');
    await quick.locator('[data-vigil-quick-waiting]').waitFor();

    const phone = await phonePage(t.own.joinCodes[0]!.code);
    await phone.tap('[data-vigil-plan] li[data-vigil-station="1001"] [data-vigil-check-in]');
    await phone.tap('[data-vigil-plan] li[data-vigil-station="1001"] button.open');

    // Checked in at the station: the turnout hour that has come is asked for.
    const prompt = phone.locator('[data-vigil-turnout="00:00"]');
    await prompt.waitFor();
    expect(await prompt.textContent()).toContain('Turnout at 00:00');
    await prompt.locator('input[name=voted]').fill('2500');
    // 1001 has 2000 registered voters: the phone says so, and lets it go.
    await phone.waitForSelector('[data-problem=turnout_above_registered]');
    await prompt.locator('input[name=voted]').fill('640');
    await phone.tap('[data-vigil-send-turnout]');
    await prompt.waitFor({ state: 'detached' });

    await phone.tap('[data-vigil-open-protocol]');
    await phone.waitForSelector('[data-vigil-protocol]');
    const figures = {
      registered: 2000,
      ballotsReceived: 2000,
      issued: 900,
      foundInBoxes: 900,
      valid: 880,
      invalid: 20,
      spoilt: 0,
      unused: 1100,
    };
    for (const [figure, value] of Object.entries(figures))
      await phone.fill(`[data-vigil-figure=${figure}]`, String(value));
    await phone.fill('[data-vigil-votes=A]', '470');
    await phone.fill('[data-vigil-votes=B]', '400');
    // 470 + 400 is not the 880 valid ballots: marked while typed, and sendable.
    const flags = await phone.waitForSelector('[data-vigil-protocol-flags]');
    expect(await flags.getAttribute('data-vigil-protocol-flags')).toBe('votes_valid');
    expect(await flags.textContent()).toContain('the votes should add up to the valid ballots');
    await saveScreenshot(phone, 'field-protocol');
    await phone.tap('[data-vigil-send-protocol]');
    await phone.waitForSelector('[data-vigil-station-screen="1001"]');
    await phone.waitForFunction(
      () => document.body.dataset.vigilPending === '0' && document.body.dataset.vigilRejected === '0',
    );

    // The coordinator's Results tab follows live.
    const row = desk.locator('[data-vigil-protocol-row="1001"]');
    await row.waitFor({ timeout: 20_000 });
    expect(await row.getAttribute('data-flags')).toBe('votes_valid');
    const text = (await row.textContent()) ?? '';
    expect(text).toContain('A 470, B 400');
    expect(text).toContain('the votes should add up to the valid ballots');
    const city = desk.locator('[data-vigil-turnout-area=city] [data-vigil-turnout-hour="00:00"]');
    await city.waitFor();
    expect(await city.textContent()).toContain('32.0 %');
    expect(await city.textContent()).toContain('1 observed');
    // The quick count follows: one sample station of two, its shares without a margin (one report cannot give one).
    await desk.waitForSelector('[data-vigil-quick-contest=mayor][data-reported="1"]');
    expect(await quick.locator('[data-vigil-reported]').textContent()).toBe('Reported 1 of 2 sample stations');
    expect(await quick.locator('[data-vigil-estimate=A]').getAttribute('data-value')).toBe((470 / 880).toFixed(4));
    expect(await quick.locator('[data-vigil-estimate=turnout]').textContent()).toContain('45.0 %');
    await saveScreenshot(desk, 'dashboard-results');
    // The printable summary carries the same turnout and quick count.
    await desk.goto(`${base}/operations/summary`);
    const hour = desk.locator('[data-vigil-report-turnout] [data-vigil-report-hour="00:00"]');
    await hour.waitFor({ timeout: 20_000 });
    expect(await hour.textContent()).toContain('32.0 %');
    expect(await desk.locator('[data-vigil-report-reported=mayor]').textContent()).toContain(
      'Reported 1 of 2 sample stations',
    );
    expect(await desk.locator('[data-vigil-report-candidate=A]').textContent()).toContain(
      `${((470 / 880) * 100).toFixed(1)} %`,
    );
    // A wall shows the city's turnout by hour too.
    await desk.goto(`${base}/display?token=${encodeURIComponent(t.own.displayToken)}`);
    const wallHour = desk.locator('[data-vigil-wall-turnout-hour="00:00"]');
    await wallHour.waitFor({ timeout: 20_000 });
    expect(await wallHour.textContent()).toContain('32.0%');
    // The quick count stays off the wall until the mission allows it; then bars, whiskers and "reported n of N".
    expect(await desk.locator('[data-vigil-wall-quick-count]').count()).toBe(0);
    const allowed = await t.app.inject({
      method: 'PUT',
      url: '/api/display-links/policy',
      headers: { authorization: `Bearer ${coordinator}` },
      payload: { showsFindingText: false, showsTeamPositions: false, showsQuickCount: true },
    });
    expect(allowed.statusCode).toBe(200);
    await desk.reload();
    const wallQuick = desk.locator('[data-vigil-wall-quick-count]');
    await wallQuick.waitFor({ timeout: 20_000 });
    expect(await wallQuick.locator('[data-vigil-reported]').textContent()).toBe('Reported 1 of 2 sample stations');
    expect(await wallQuick.locator('[data-vigil-estimate=A]').getAttribute('data-value')).toBe((470 / 880).toFixed(4));
    // On the operations page the coordinator has Vigil redraw the sample: refused now that protocols have arrived,
    // then drawn anyway, with the seed and the per-district allocation shown and the draw marked forced.
    await desk.goto(`${base}/operations`);
    const sample = desk.locator('[data-vigil-sample-panel]');
    await sample.waitFor({ timeout: 20_000 });
    // First the ballot's contests from CSV: a bad cell is named by row and column, a good file replaces them.
    const header = 'contest_id,contest_name,kind,candidate_id,candidate_name,stations,districts';
    const ballotCsv = (rows: string[]) => ({
      name: 'ballot.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from([header, ...rows].join('\n')),
    });
    await desk.setInputFiles(
      '[data-vigil-ballot-csv]',
      ballotCsv(['mayor,Mayor of Bishkek,,A,Asanov,all,', 'mayor,,,B,,,']),
    );
    await desk.waitForSelector('[data-vigil-ballot-problem]');
    expect(await desk.locator('[data-vigil-ballot-panel]').textContent()).toContain('is empty');
    await desk.setInputFiles(
      '[data-vigil-ballot-csv]',
      ballotCsv([
        'mayor,Mayor of Bishkek,,A,Asanov,all,',
        'mayor,,,B,Bekova,,',
        'okrug-24,Constituency 24,,Y,Yusupov,,Sverdlovsky',
      ]),
    );
    await desk.waitForSelector('[data-vigil-contest="okrug-24"]');
    expect(await desk.locator('[data-vigil-contest="okrug-24"]').textContent()).toContain('1 stations');
    expect(await sample.locator('[data-vigil-sample-current]').textContent()).toContain('2 sample stations');
    await sample.locator('[data-vigil-sample-method]').selectOption('stratified');
    await sample.locator('[data-vigil-sample-size]').fill('2');
    await sample.locator('[data-vigil-sample-seed]').fill('2026 12 07');
    await sample.locator('[data-vigil-sample-draw]').click();
    expect(await sample.locator('[data-vigil-sample-problem]').textContent()).toContain(
      'results protocols have arrived for "mayor"',
    );
    await sample.locator('[data-vigil-sample-force]').check();
    await sample.locator('[data-vigil-sample-draw]').click();
    const done = sample.locator('[data-vigil-sample-drawn]');
    await done.waitFor();
    expect(await done.textContent()).toContain('Drew 2 stations with seed 2026 12 07:');
    expect(await done.textContent()).toContain('Leninsky 1/2 · Sverdlovsky 1/1');
    expect(await sample.locator('[data-vigil-sample-current]').textContent()).toContain(
      'stratified from 3 stations, seed 2026 12 07 (sha256-order-v1) · redrawn after protocols had arrived',
    );
    // The Results tab says how the sample was made.
    await desk.goto(`${base}/`);
    await desk.click('[data-vigil-tab=results]');
    const origin = desk.locator('[data-vigil-sample-origin]');
    await origin.waitFor({ timeout: 20_000 });
    expect(await origin.textContent()).toContain('seed 2026 12 07 (sha256-order-v1)');
    await phone.context().close();
    await desk.context().close();
  }, 240_000);

  it("imports the official results with the file's own column names and lists where they differ from observers", async () => {
    const { page: desk } = await offlineCoordinatorPage(browser, base, {
      username: t.own.coordinator.username,
      password: FIXTURE_PASSWORD,
    });
    await desk.click('[data-vigil-tab=results]');
    const panel = desk.locator('[data-vigil-official]');
    await panel.locator('summary').click();
    // The commission says 480 for A where the observer copied 470; "Kandidat" is not a name the import knows.
    const csv = 'UIK;Kandidat;Golosa;valid\n1001;A;480;880\n1001;B;400;880\n1002;A;10;10\n';
    await panel
      .locator('[data-vigil-official-file]')
      .setInputFiles({ name: 'official.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await panel.locator('[data-vigil-official-problems]').waitFor();
    const mapping = panel.locator('[data-vigil-official-mapping]');
    await mapping.locator('label:has-text("candidate") select').selectOption('Kandidat');
    await mapping.locator('label:has-text("votes") select').selectOption('Golosa');
    // The ballot has two contests by now (the CSV import above): a file without a contest column names its contest.
    await panel.locator('[data-vigil-official-contest-id]').fill('mayor');
    await panel.locator('[data-vigil-official-import]').click();
    const difference = panel.locator('[data-vigil-official-difference="1001"]');
    await difference.waitFor({ timeout: 20_000 });
    expect(await difference.allTextContents()).toEqual([expect.stringMatching(/1001.*mayor.*votes:A.*470.*480/)]);
    expect(await panel.locator('[data-vigil-official-contest=mayor]').getAttribute('data-differing')).toBe('1');
    expect(await panel.locator('[data-vigil-official-total=A]').textContent()).toContain(
      `${((490 / 890) * 100).toFixed(1)} %`,
    );
    // The election fingerprint draws the observed stations beside the official ones.
    await desk.locator('[data-vigil-fingerprint=mayor] svg').nth(1).waitFor();
    // The file's 1001 and 1002 have valid ballots and the list registered voters: both are placed.
    expect(
      await desk.locator('[data-vigil-fingerprint=mayor] [data-stations]').last().getAttribute('data-stations'),
    ).toBe('2');
    await desk.locator('[data-vigil-fingerprint=mayor]').scrollIntoViewIfNeeded();
    await saveScreenshot(desk, 'dashboard-official-results');
    // The printable summary carries the comparison and the fingerprint too.
    await desk.goto(`${base}/operations/summary`);
    await desk.locator('[data-vigil-report-fingerprint=mayor] svg').nth(1).waitFor({ timeout: 20_000 });
    expect(await desk.locator('[data-vigil-report-official=mayor]').getAttribute('data-differing')).toBe('1');
    expect(await desk.locator('[data-vigil-report-official-total=A]').textContent()).toContain(
      `${((490 / 890) * 100).toFixed(1)} %`,
    );
    expect(await desk.locator('[data-vigil-report-difference="1001"]').allTextContents()).toEqual([
      expect.stringMatching(/1001.*mayor.*votes:A.*470.*480/),
    ]);
    await desk.context().close();
  }, 120_000);
});
