/**
 * What a first real day showed on the coordinators' pages (issue 19), at 1366×768 with no internet: clicking a
 * finding's text selects it and flies the map to its station; the header fits on one line; an open conflict rings its
 * station on the map and shows in its panel, and names the question
 * by its label in the chosen language; the plan's coverage table does not Title-Case Russian; the alert strip names a
 * station once for all its overdue critical findings, in words that are never cut.
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
import { testConfig } from '../helpers/app';
import { chromiumAvailable, launchChromium, offlineCoordinatorPage, BUSY_MACHINE_WAIT_MS } from '../helpers/browser';
import { joinTeams, postAs, type Phone } from '../helpers/demo-activity';
import { checklist, finding, login } from '../helpers/events';

describe.runIf(chromiumAvailable)('coordinator pages on a first real day', () => {
  let database: Database;
  let app: FastifyInstance;
  let browser: Browser;
  let page: Page;
  let base: string;
  let demo: MissionCredentials;
  let phones: Phone[];
  let stations: Station[];

  beforeAll(async () => {
    const clientDir = loadConfig({}).clientDir;
    await ensureClientBuilt(loadConfig({}));
    database = await openTestPglite();
    const config = testConfig({ clientDir, demoCoordinatorPassword: 'demo-password-1' });
    app = await buildApp(config, { database });
    demo = (await ensureDemoMission(database.db, config))!;
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    const coordinator = await login(app, demo.coordinator.username, demo.coordinator.password);
    stations = (
      await app.inject({ method: 'GET', url: '/api/stations', headers: { authorization: `Bearer ${coordinator}` } })
    ).json().stations;
    phones = await joinTeams(base, demo, coordinator);
    browser = await launchChromium();
    ({ page } = await offlineCoordinatorPage(browser, base, demo.coordinator));
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await database?.close();
  });

  it("a click on a finding's text selects it and flies the map to its station", async () => {
    const station = stations.find((s) => s.number === '1061') ?? stations.at(-1)!;
    const report = {
      ...finding(phones[0]!.teamId, station.id, 'serious'),
      text: 'Observers were asked to leave the room during the count.',
    };
    expect((await postAs(base, phones[0]!.token, [report]))[0]!.status).toBe('stored');
    const text = page.locator(`[data-vigil-finding="${report.id}"] [data-vigil-finding-text]`);
    await text.waitFor({ timeout: 15_000 });
    const away = stations.find((s) => Math.abs(s.lat! - station.lat!) > 0.03) ?? stations[0]!;
    await page.evaluate(({ lng, lat }) => window.__vigilMap!.jumpTo({ center: [lng, lat], zoom: 15 }), {
      lng: away.lng!,
      lat: away.lat!,
    });

    await text.click();
    expect(await page.getAttribute(`[data-vigil-finding="${report.id}"]`, 'aria-current')).toBe('true');
    await page.waitForSelector(`[data-vigil-station-panel="${station.id}"]`, { timeout: BUSY_MACHINE_WAIT_MS });
    await page.waitForFunction(
      ({ lng, lat }) => {
        const map = window.__vigilMap!;
        const centre = map.getCenter();
        return !map.isMoving() && Math.abs(centre.lng - lng) < 0.002 && Math.abs(centre.lat - lat) < 0.002;
      },
      { lng: station.lng!, lat: station.lat! },
      { timeout: BUSY_MACHINE_WAIT_MS, polling: 100 },
    );
  });

  it('lays the header out on one line at 1366×768: the mission name whole, "Mission operations" unwrapped', async () => {
    const header = await page.evaluate(() => {
      const h1 = document.querySelector('header h1') as HTMLElement;
      const link = document.querySelector('[data-vigil-operations-link]') as HTMLElement;
      const bar = h1.parentElement!;
      return {
        nameClipped: h1.scrollWidth > h1.clientWidth,
        linkLines: link.getClientRects().length,
        linkHeight: link.getBoundingClientRect().height,
        lineHeight: parseFloat(getComputedStyle(link).lineHeight) || parseFloat(getComputedStyle(link).fontSize) * 1.6,
        barOverflows: bar.scrollWidth > bar.clientWidth,
      };
    });
    expect(header.nameClipped).toBe(false);
    expect(header.linkLines).toBe(1);
    expect(header.linkHeight).toBeLessThan(header.lineHeight * 1.5);
    expect(header.barOverflows).toBe(false);
  });

  it('names a station once in the alert strip for its two overdue critical findings, in words read whole at 1366 px', async () => {
    const station = stations.find((s) => s.number === '1030') ?? stations[10]!;
    // Reported 25 minutes ago by two teams, and nobody acknowledged either: both are overdue.
    for (const phone of [phones[3]!, phones[4]!]) {
      expect((await postAs(base, phone.token, [finding(phone.teamId, station.id, 'critical', 25)]))[0]!.status).toBe(
        'stored',
      );
    }
    const entry = page.locator(`[data-vigil-alert=critical][data-alert-station="${station.id}"]`);
    await page.waitForSelector(
      `[data-vigil-alert=critical][data-alert-station="${station.id}"][data-alert-count="2"]`,
      { timeout: BUSY_MACHINE_WAIT_MS },
    );
    expect(await entry.count()).toBe(1);
    const text = await entry.locator('.text').evaluate((el) => ({
      words: (el as HTMLElement).innerText,
      clipped:
        el.scrollWidth > el.clientWidth ||
        el.scrollHeight > el.clientHeight ||
        getComputedStyle(el).textOverflow === 'ellipsis',
      entryClipped: el.parentElement!.scrollWidth > el.parentElement!.clientWidth,
    }));
    expect(text.words).toContain(station.number);
    expect(text.words).toContain('2');
    expect(text.words).toContain('not acknowledged');
    expect(text.words).not.toContain('…');
    expect(text.clipped).toBe(false);
    expect(text.entryClipped).toBe(false);
  });

  it('rings a station with an open conflict on the map and in its panel, names the question by its label in the chosen language, and does not Title-Case Russian', async () => {
    const station = stations.find((s) => s.number === '1020') ?? stations[5]!;
    const yes = checklist(phones[1]!.teamId, station.id, 'good');
    const no = checklist(phones[2]!.teamId, station.id, 'good');
    (no.answers as Record<string, unknown>).auto_box_working = false;
    expect((await postAs(base, phones[1]!.token, [yes]))[0]!.status).toBe('stored');
    expect((await postAs(base, phones[2]!.token, [no]))[0]!.status).toBe('stored');

    // The live page rings the station on the map, and its panel says so.
    await page.waitForFunction(
      async (id) => {
        const source = window.__vigilMap?.getSource('open-conflicts') as
          { getData(): Promise<GeoJSON.FeatureCollection> } | undefined;
        return (await source?.getData())?.features.some((f) => f.properties?.stationId === id) ?? false;
      },
      station.id,
      { timeout: 15_000, polling: 200 },
    );
    expect(await page.evaluate(() => window.__vigilMap!.getLayer('open-conflicts-ring')?.type)).toBe('circle');
    await page.click('#tab-stations');
    await page.click(`tr[data-station-id="${station.id}"] td.number button`);
    await page.waitForSelector(`[data-vigil-station-panel="${station.id}"] [data-vigil-panel-conflicts="1"]`, {
      timeout: 15_000,
    });
    await page.goto(`${base}/operations`);
    const conflict = page.locator(`[data-vigil-conflict-station="${station.number}"]`).first();
    await conflict.waitFor({ timeout: 15_000 });
    expect(await conflict.textContent()).toContain('Was the automatic ballot box working?');
    expect(await conflict.textContent()).not.toContain('auto_box_working');

    await page.evaluate(() => localStorage.setItem('vigil.language', 'ru'));
    await page.goto(`${base}/`);
    await page.selectOption('[data-vigil-language]', 'ru');
    // The map's own words follow the language.
    await page.waitForFunction(
      () =>
        JSON.stringify(window.__vigilMap?.getLayoutProperty('district-label', 'text-field') ?? '').includes(
          'примерные границы',
        ),
      undefined,
      { timeout: 15_000 },
    );
    await page.goto(`${base}/operations`);
    await conflict.waitFor({ timeout: 15_000 });
    expect(await conflict.textContent()).toContain('Работала ли автоматическая урна?');
    const closing = await page.locator('[data-vigil-coverage] tr[data-phase=closing] th').innerText();
    expect(closing).toBe('Подсчёт голосов');
    // Each team's entry in the plan is whole: "T11 остановок: 12", not "T11 остановок:".
    const cut = await page.$$eval('[data-vigil-team]', (buttons) =>
      buttons
        .filter(
          (b) =>
            b.scrollWidth > b.clientWidth ||
            b.getClientRects().length !== 1 ||
            /:\s*$/.test((b as HTMLElement).innerText.trim()),
        )
        .map((b) => (b as HTMLElement).innerText),
    );
    expect(cut).toEqual([]);
  });

  it('shows in Russian only words from the Russian locale: a line the same in English and Russian is an untranslated one', async () => {
    // Proper nouns the pages show as they are: the mission's, its stations', districts', teams' and people's names.
    const token = await login(app, demo.coordinator.username, demo.coordinator.password);
    const get = async (url: string) =>
      (await app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } })).json();
    const session = await get('/api/session');
    const teams = (await get('/api/teams')).teams as {
      id: string;
      callSign: string;
      members: string[];
      assignedStationIds: string[];
    }[];
    const names = [
      session.mission.name,
      session.name ?? '',
      ...stations.flatMap((s) => [s.name, s.address, s.district]),
      ...teams.flatMap((t) => [t.callSign, ...(t.members ?? [])]),
    ];
    const properWords = new Set(names.flatMap((n) => String(n).match(/\p{L}+/gu) ?? []));
    // Words that are the same in both languages on purpose: the product, units and codes.
    for (const word of ['Vigil', 'OK', 'CSV', 'GeoJSON', 'QR', 'API', 'ID', 'km', 'm', 'min', 'h', 'T'])
      properWords.add(word);

    // What a page shows in a language (`{lang}` in its path is the language's code), line by line, after `then` (a tap that opens more of it) if given. A blank page
    // first, so a change of the hash alone is a fresh load that reads the language again.
    const visibleLines = async (
      on: Page,
      path: string,
      language: 'en' | 'ru',
      ready: string,
      then?: (on: Page) => Promise<void>,
    ) => {
      await on.evaluate((l) => localStorage.setItem('vigil.language', l), language);
      await on.goto('about:blank');
      await on.goto(`${base}${path.replace('{lang}', language)}`);
      await on.waitForSelector(ready, { timeout: 20_000 });
      await then?.(on);
      const { text, options, ownLanguage } = await on.evaluate(() => ({
        text: document.body.innerText,
        // A closed list's choices (categories, phases) are words on the page too.
        options: [...document.querySelectorAll('option')]
          .filter((o) => o.closest('body [lang]') === null)
          .map((o) => o.textContent ?? ''),
        // Text marked with its own language (each language's name in the picker) is meant to stay as it is, and what
        // observers wrote (a finding's text) is shown as written.
        ownLanguage: [...document.querySelectorAll('body [lang], [data-vigil-finding-text]')].map((e) =>
          (e as HTMLElement).innerText.trim(),
        ),
      }));
      const lines = [...text.split('\n'), ...options].map((line) => line.trim()).filter(Boolean);
      return new Set(lines.filter((line) => !ownLanguage.includes(line)));
    };

    // A phone of a team of its own, at the first station of its plan.
    const phoneContext = await browser.newContext({
      viewport: { width: 393, height: 851 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
    });
    const phone = await phoneContext.newPage();
    await phone.goto(`${base}/field`);
    const joinCode = demo.joinCodes.at(-1)!;
    const plan = teams.find((team) => team.id === joinCode.teamId)!.assignedStationIds;
    const pages: [Page, string, string, ((on: Page) => Promise<void>)?][] = [
      [page, '/', 'body[data-vigil-ready=true]'],
      [page, '/operations', '[data-vigil-coverage]'],
      [page, '/operations/summary', '[data-vigil-report] [data-vigil-report-visited]'],
      // A wall speaks the language its link names.
      [page, `/display?token=${demo.displayToken}&lang={lang}`, '[data-vigil-wall] [data-vigil-ticker]'],
      // The phone's sign-in, before it has joined.
      [phone, '/field', 'form[data-vigil-join]'],
    ];
    const phonePages: typeof pages = [
      [phone, '/field#/', '[data-vigil-plan] li'],
      [phone, `/field#/station/${plan[0]!}`, '[data-vigil-station-screen]'],
      [
        phone,
        `/field#/station/${plan[0]!}/checklist`,
        '[data-phase=voting]',
        async (on) => {
          await on.tap('[data-phase=voting]');
          await on.waitForSelector('form[data-vigil-checklist]', { timeout: 20_000 });
        },
      ],
      [phone, `/field#/station/${plan[0]!}/finding`, 'form[data-vigil-finding]'],
    ];
    const untranslated: string[] = [];
    const compare = async ([on, path, ready, then]: (typeof pages)[number]) => {
      const en = await visibleLines(on, path, 'en', ready, then);
      const ru = await visibleLines(on, path, 'ru', ready, then);
      // The page did change language: most of its lines differ.
      expect([...ru].filter((line) => !en.has(line)).length, path).toBeGreaterThan(3);
      for (const line of ru) {
        if (!en.has(line)) continue;
        const words = line.match(/\p{L}+/gu) ?? [];
        if (words.every((word) => properWords.has(word) || /^[A-Z]$/.test(word))) continue;
        untranslated.push(`${path}: ${line}`);
      }
    };
    for (const entry of pages) await compare(entry);
    await phone.evaluate(() => localStorage.setItem('vigil.language', 'en'));
    await phone.goto(`${base}/join?code=${joinCode.code}`);
    await phone.waitForSelector('[data-vigil-plan] li', { timeout: 20_000 });
    for (const entry of phonePages) await compare(entry);
    await phoneContext.close();
    expect(untranslated).toEqual([]);
  }, 300_000);
});
