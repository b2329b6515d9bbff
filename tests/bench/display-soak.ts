/**
 * `npm run bench` section "display": the wall display left running through an election day in compressed time.
 * A 14-hour day of the demo mission (check-ins along the routes, checklists, findings and their triage, help requests,
 * and a position from every team every 30 simulated seconds) is played in SOAK_SECONDS of real time against one server,
 * while a 1920×1080 wall (rotating through the districts every 5 s) follows it in Chromium. The page's JS heap (after a
 * forced garbage collection), DOM nodes and event listeners are read through the Chrome DevTools Protocol at the start,
 * along the way and at the end: an unattended wall must stay flat.
 */
import { randomUUID } from 'node:crypto';
import type { CDPSession, Page } from 'playwright-core';
import { ensureClientBuilt } from '../../server/client-build';
import { loadConfig } from '../../server/config';
import type { MissionCredentials } from '../../server/modules/missions/mission-setup';
import { chromiumAvailable, launchChromium } from '../helpers/browser';
import { joinTeams, postAs, visit, type Phone } from '../helpers/demo-activity';
import { freePort, VigilInstance } from '../helpers/processes';
import { round } from './measure';

const QUICK = process.env.BENCH_QUICK === '1';
const SOAK_SECONDS = Number(process.env.BENCH_DISPLAY_SECONDS ?? (QUICK ? 20 : 600));
const SIMULATED_DAY_MS = 14 * 3600_000;
const POSITION_EVERY_SIM_MS = 30_000;
const VISIT_EVERY_SIM_MS = 45 * 60_000;
const HELP_EVERY_SIM_MS = 2 * 3600_000;
const TICK_MS = 100;
const SAMPLE_EVERY_MS = QUICK ? 5_000 : 60_000;

export interface SoakRow {
  figure: string;
  vigil: string;
  baseline: string;
  ratio: string;
  target: string;
}

interface Sample {
  atS: number;
  heapMiB: number;
  nodes: number;
  listeners: number;
}

async function measure(cdp: CDPSession, startedMs: number): Promise<Sample> {
  await cdp.send('HeapProfiler.collectGarbage');
  const { metrics } = await cdp.send('Performance.getMetrics');
  const heap = metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? NaN;
  const counters = await cdp.send('Memory.getDOMCounters');
  return {
    atS: Math.round((Date.now() - startedMs) / 1000),
    heapMiB: heap / 2 ** 20,
    nodes: counters.nodes,
    listeners: counters.jsEventListeners,
  };
}

interface TeamPlan {
  phone: Phone;
  routeIndex: number;
  nextVisitAt: number;
  nextPositionAt: number;
  pending: Record<string, unknown>[];
}

/** The simulated day: events come due as the simulated clock passes their device time. */
class SimulatedDay {
  readonly teams: TeamPlan[];
  readonly #coordinatorDue: Record<string, unknown>[] = [];
  #n = 0;
  #nextHelpAt: number;
  posted = 0;

  constructor(
    phones: Phone[],
    readonly simStart: number,
  ) {
    this.teams = phones.map((phone, i) => ({
      phone,
      routeIndex: 0,
      nextVisitAt: simStart + i * 90_000,
      nextPositionAt: simStart + i * 1500,
      pending: [],
    }));
    this.#nextHelpAt = simStart + HELP_EVERY_SIM_MS / 2;
  }

  /** Per phone (and the coordinator: key ''), the events due by `simNow`, in device-time order. */
  due(simNow: number): Map<string, { token: string | null; events: Record<string, unknown>[] }> {
    const out = new Map<string, { token: string | null; events: Record<string, unknown>[] }>();
    const add = (key: string, token: string | null, event: Record<string, unknown>) => {
      const entry = out.get(key) ?? { token, events: [] };
      entry.events.push(event);
      out.set(key, entry);
    };
    for (const team of this.teams) {
      const { phone } = team;
      if (team.pending.length === 0 && simNow >= team.nextVisitAt && phone.route.length > 0) {
        const stationId = phone.route[team.routeIndex % phone.route.length]!;
        team.routeIndex++;
        team.pending = visit(phone, stationId, team.nextVisitAt, ++this.#n);
        team.nextVisitAt += VISIT_EVERY_SIM_MS;
        for (const event of team.pending) {
          if (event.type === 'finding' && (event.severity === 'critical' || event.severity === 'serious')) {
            // The core team triages: acknowledged after 5 simulated minutes, resolved after 30.
            const at = Date.parse(event.occurredAt as string);
            this.#coordinatorDue.push(
              {
                id: randomUUID(),
                type: 'finding_status',
                findingId: event.id,
                status: 'acknowledged',
                occurredAt: new Date(at + 5 * 60_000).toISOString(),
              },
              {
                id: randomUUID(),
                type: 'finding_status',
                findingId: event.id,
                status: 'resolved',
                occurredAt: new Date(at + 30 * 60_000).toISOString(),
              },
            );
          }
        }
      }
      while (team.pending.length > 0 && Date.parse(team.pending[0]!.occurredAt as string) <= simNow)
        add(phone.teamId, phone.token, team.pending.shift()!);
      while (team.nextPositionAt <= simNow) {
        add(phone.teamId, phone.token, {
          id: randomUUID(),
          type: 'position',
          teamId: phone.teamId,
          occurredAt: new Date(team.nextPositionAt).toISOString(),
          position: { lat: 42.87 + (this.#n % 50) / 1000, lng: 74.6 },
        });
        team.nextPositionAt += POSITION_EVERY_SIM_MS;
      }
    }
    if (simNow >= this.#nextHelpAt) {
      const team = this.teams[Math.floor(this.#nextHelpAt / 1000) % this.teams.length]!;
      add(team.phone.teamId, team.phone.token, {
        id: randomUUID(),
        type: 'help_request',
        teamId: team.phone.teamId,
        occurredAt: new Date(this.#nextHelpAt).toISOString(),
      });
      this.#coordinatorDue.push({
        id: randomUUID(),
        type: 'help_resolved',
        teamId: team.phone.teamId,
        occurredAt: new Date(this.#nextHelpAt + 15 * 60_000).toISOString(),
        note: 'called back',
      });
      this.#nextHelpAt += HELP_EVERY_SIM_MS;
    }
    this.#coordinatorDue.sort((a, b) => Date.parse(a.occurredAt as string) - Date.parse(b.occurredAt as string));
    while (this.#coordinatorDue.length > 0 && Date.parse(this.#coordinatorDue[0]!.occurredAt as string) <= simNow)
      add('', null, this.#coordinatorDue.shift()!);
    return out;
  }
}

async function waitForWall(page: Page): Promise<void> {
  await page.waitForSelector('body[data-vigil-ready=true]', { timeout: 60_000 });
  await page.waitForSelector('[data-vigil-figures]', { timeout: 30_000 });
}

export async function displaySoakSection(
  databaseUrl: string,
  credentials: MissionCredentials,
  coordinatorPassword: string,
  instances: VigilInstance[],
  log: (line: string) => void,
): Promise<SoakRow[]> {
  if (!chromiumAvailable) {
    log('display soak skipped: no Chromium');
    return [];
  }
  await ensureClientBuilt(loadConfig({}));
  const server = new VigilInstance({
    port: await freePort(),
    databaseUrl,
    redisUrl: null,
    name: 'bench-display',
    env: { LOG_LEVEL: 'error', SERVE_CLIENT: 'true', HEAD_ANNOUNCE_INTERVAL_MS: '1000' },
  });
  instances.push(server);
  await server.start();
  const call = async (method: string, pathName: string, token: string | null, body?: unknown) => {
    const res = await fetch(`${server.url}${pathName}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return (await res.json()) as any;
  };
  const coordinator = (
    await call('POST', '/api/auth/login', null, {
      username: credentials.coordinator.username,
      password: coordinatorPassword,
    })
  ).token as string;
  const wallLink = await call('POST', '/api/display-links', coordinator, { label: 'Soak wall', rotationSeconds: 5 });
  const phones = await joinTeams(server.url, credentials, coordinator);

  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    let pageErrors = 0;
    page.on('pageerror', (err) => {
      pageErrors++;
      log(`  page error: ${err.message}`);
    });
    await page.goto(`${server.url}${wallLink.path}`);
    await waitForWall(page);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    await page.waitForTimeout(QUICK ? 2000 : 10_000);

    const startedMs = Date.now();
    const samples: Sample[] = [await measure(cdp, startedMs)];
    log(
      `display soak: ${SOAK_SECONDS} s of real time for a 14-hour day; heap at start ${round(samples[0]!.heapMiB, 2)} MiB`,
    );

    let warm: Sample | null = null;
    const realStart = Date.now();
    const compression = SIMULATED_DAY_MS / (SOAK_SECONDS * 1000);
    // The simulated day ends now, so every device time is in the past and within the server's 14-day window.
    const day = new SimulatedDay(phones, realStart - SIMULATED_DAY_MS);
    let posted = 0;
    let rejected = 0;
    const rejections = new Set<string>();
    let nextSampleMs = realStart + SAMPLE_EVERY_MS;
    while (Date.now() - realStart < SOAK_SECONDS * 1000) {
      const tickStart = Date.now();
      const simNow = day.simStart + (tickStart - realStart) * compression;
      const batches = day.due(simNow);
      const send = async ({ token, events }: { token: string | null; events: Record<string, unknown>[] }) => {
        const results = await postAs(server.url, token ?? coordinator, events);
        posted += results.filter((r) => r.status === 'stored').length;
        for (const r of results) {
          if (r.status !== 'rejected') continue;
          rejected++;
          rejections.add(r.error ?? '?');
        }
      };
      // Phones first, then the core team's triage of what they reported (the same tick may hold both).
      await Promise.all([...batches.entries()].filter(([key]) => key !== '').map(([, batch]) => send(batch)));
      const triage = batches.get('');
      if (triage) await send(triage);
      if (Date.now() >= nextSampleMs) {
        const sample = await measure(cdp, startedMs);
        samples.push(sample);
        // The first sample of the day is the baseline for growth: by then the ticker, the alerts and the map's
        // feature states hold what a busy day holds, and only a leak would keep adding.
        warm ??= sample;
        log(
          `  ${sample.atS} s: ${posted} events, heap ${round(sample.heapMiB, 2)} MiB, ${sample.nodes} DOM nodes, ${sample.listeners} listeners`,
        );
        nextSampleMs += SAMPLE_EVERY_MS;
      }
      await new Promise((r) => setTimeout(r, Math.max(0, TICK_MS - (Date.now() - tickStart))));
    }
    const elapsedS = (Date.now() - realStart) / 1000;

    // The wall has caught up with the database, and shows its figures.
    const head = (await call('GET', '/api/events?after=0&limit=1', coordinator)).head as number;
    await page.waitForFunction((h) => Number(document.body.dataset.vigilLastSeq) >= h, head, { timeout: 60_000 });
    await page.waitForTimeout(2000);
    const summary = await call('GET', '/api/summary', coordinator);
    const shown = Number(await page.getAttribute('[data-figure="coveredToday"]', 'data-value'));
    const end = await measure(cdp, startedMs);
    samples.push(end);
    const loaded = samples[0]!;
    const start = warm ?? loaded;
    const peak = Math.max(...samples.map((s) => s.heapMiB));
    const growth = end.heapMiB - start.heapMiB;
    log(
      `  end: heap ${round(end.heapMiB, 2)} MiB (growth since ${start.atS} s: ${round(growth, 2)} MiB, peak ${round(peak, 2)}), ${end.nodes} nodes, ${end.listeners} listeners`,
    );
    log(
      `  ${rejected} events rejected${rejections.size > 0 ? ` (${[...rejections].join('; ')})` : ''}, ${pageErrors} page errors; wall shows ${shown} stations covered today, the database ${summary.stations.coveredToday}`,
    );

    return [
      {
        figure: `wall display soak: 14 h of the demo day in ${Math.round(elapsedS)} s (${posted} events, ${Math.round(posted / elapsedS)}/s, rotation every 5 s)`,
        vigil: `JS heap ${round(start.heapMiB, 1)} MiB at ${start.atS} s → ${round(end.heapMiB, 1)} MiB at the end (peak ${round(peak, 1)}); DOM nodes ${start.nodes} → ${end.nodes}; listeners ${start.listeners} → ${end.listeners}`,
        baseline: `heap after load, before the day: ${round(loaded.heapMiB, 1)} MiB`,
        ratio: `growth ${round(growth, 2)} MiB`,
        target: 'heap growth ≤ 5 MiB, listeners flat (issue 6)',
      },
    ];
  } finally {
    await browser.close();
    await server.stop('SIGKILL');
  }
}
