/**
 * Bench section `phone`: time to plan for an observer's phone on a 20,000-station mission over the slow link
 * (Chromium network emulation: 1.6 Mbit/s down, 750 kbit/s up, 300 ms latency). A real Vigil process on Postgres serves
 * the built client; each run is a fresh phone (nothing cached) opening the team's join link, timed until its plan's rows
 * are listed. The baseline is the same phone with no emulation, on the loopback.
 */
import { ensureClientBuilt } from '../../server/client-build';
import { loadConfig } from '../../server/config';
import { BENCH_PASSWORD, seedMission } from './seed';
import { chromiumAvailable, launchChromium } from '../helpers/browser';
import { createTestDatabase } from '../helpers/services';
import { freePort, VigilInstance } from '../helpers/processes';
import { joinOnSlowLink, nationalMissionWithPlan, PHONE_CONTEXT, PLAN_SIZE, SLOW_LINK } from '../helpers/slow-phone';

const QUICK = process.env.BENCH_QUICK === '1';
const RUNS = QUICK ? 1 : 7;
const STATIONS = QUICK ? 2_000 : 20_000;
const TARGET_MS = 5_000;

interface Row {
  figure: string;
  vigil: string;
  baseline: string;
  ratio: string;
  target: string;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

export async function phoneSection(log: (line: string) => void): Promise<Row[]> {
  if (!chromiumAvailable) {
    log('phone bench skipped: no Chromium');
    return [];
  }
  await ensureClientBuilt(loadConfig({}));
  const { url, drop } = await createTestDatabase();
  const server = new VigilInstance({
    port: await freePort(),
    databaseUrl: url,
    redisUrl: null,
    name: 'bench-phone',
    env: { LOG_LEVEL: 'error', SERVE_CLIENT: 'true' },
  });
  const browser = await launchChromium();
  try {
    const { credentials } = await seedMission(url, 'bench-phone');
    await server.start();
    const login = await fetch(`${server.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: credentials.coordinator.username, password: BENCH_PASSWORD }),
    });
    const { token } = (await login.json()) as { token: string };
    const team = credentials.joinCodes[0]!;
    log(
      `phone: importing ${STATIONS.toLocaleString('en-US')} stations and a plan of ${PLAN_SIZE} for ${team.callSign}`,
    );
    await nationalMissionWithPlan(server.url, token, team.callSign, STATIONS);

    const time = async (slow: boolean) => {
      const samples: number[] = [];
      for (let run = 0; run < RUNS; run++) {
        const phone = slow
          ? await joinOnSlowLink(browser, server.url, team.code, PLAN_SIZE)
          : await (async () => {
              const context = await browser.newContext(PHONE_CONTEXT);
              const page = await context.newPage();
              const started = performance.now();
              await page.goto(`${server.url}/join?code=${encodeURIComponent(team.code)}`);
              await page.waitForFunction(
                (n) => document.querySelectorAll('[data-vigil-plan] li').length === n,
                PLAN_SIZE,
                { timeout: 120_000, polling: 50 },
              );
              return { context, msToPlan: performance.now() - started };
            })();
        samples.push(phone.msToPlan);
        await phone.context.close();
      }
      return samples;
    };
    const fast = await time(false);
    const slow = await time(true);
    log(
      `phone: time to plan, slow link ${slow.map(Math.round).join(', ')} ms; loopback ${fast.map(Math.round).join(', ')} ms`,
    );
    const slowMs = median(slow);
    const fastMs = median(fast);
    return [
      {
        figure: `phone: join link → plan listed, ${STATIONS.toLocaleString('en-US')}-station mission, ${SLOW_LINK.downloadKbitPerS / 1000} Mbit/s down, ${SLOW_LINK.uploadKbitPerS} kbit/s up, ${SLOW_LINK.latencyMs} ms (median of ${RUNS}, fresh phone)`,
        vigil: `${Math.round(slowMs).toLocaleString('en-US')} ms (max ${Math.round(Math.max(...slow)).toLocaleString('en-US')})`,
        baseline: `same phone, no emulation: ${Math.round(fastMs).toLocaleString('en-US')} ms`,
        ratio: `${(slowMs / fastMs).toFixed(1)}×`,
        target: `≤ ${TARGET_MS.toLocaleString('en-US')} ms: ${slowMs <= TARGET_MS ? 'met' : 'NOT met'}`,
      },
    ];
  } finally {
    await browser.close();
    await server.stop('SIGKILL');
    await drop();
  }
}
