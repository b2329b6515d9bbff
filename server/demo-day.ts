/**
 * `npm start -- --demo-day[=10m]`: once the server listens, a rehearsal plays into the demo mission in drill mode (the
 * simulator, through the public API as phones would), so a newcomer's first map comes alive within seconds instead of
 * staying grey. Only into the demo mission, and only while its log holds no live reports (the simulator refuses
 * otherwise and says why).
 */
import type { MissionCredentials } from './modules/missions/mission-setup';
import { parseDuration, simulateDay } from './simulate/simulator';

export const DEMO_DAY_FLAG = '--demo-day';
const DEFAULT_DEMO_DAY_MS = 10 * 60_000;

/** The demo day's length if the command line asks for one (`--demo-day` or `--demo-day=90s`), else null. */
export function demoDayRequested(argv: readonly string[]): number | null {
  for (const arg of argv) {
    if (arg === DEMO_DAY_FLAG) return DEFAULT_DEMO_DAY_MS;
    if (arg.startsWith(`${DEMO_DAY_FLAG}=`)) {
      const ms = parseDuration(arg.slice(DEMO_DAY_FLAG.length + 1));
      if (ms === null) throw new Error(`${arg}: give the day's length as 90s, 10m or 1h`);
      return ms;
    }
  }
  return null;
}

export async function playDemoDay(
  url: string,
  credentials: MissionCredentials,
  durationMs: number,
  log: (line: string) => void,
): Promise<void> {
  log(
    `Demo day: a rehearsal plays into the demo mission in drill mode (06:30–22:30 in ${Math.round(durationMs / 1000)} s).`,
  );
  try {
    const report = await simulateDay({
      url,
      username: credentials.coordinator.username,
      password: credentials.coordinator.password,
      durationMs,
      seed: Date.now() % 100_000,
      drill: true,
      log: (line) => log(`demo day: ${line}`),
    });
    log(`Demo day over: ${report.stored} reports stored. Clear it on the operations page (drill) to start again.`);
  } catch (error) {
    log(`Demo day not played: ${error instanceof Error ? error.message : String(error)}`);
  }
}
