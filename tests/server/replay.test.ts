/**
 * Replay of the day: GET /api/replay?at= rebuilds the stations and teams from the log, and at three moments of a
 * simulated day equals what GET /api/stations and GET /api/teams said live at those moments. Then a wiped drill's
 * snapshots are not used again, and bad moments and callers are refused.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { buildTestApp, type Driver, type TestApp } from '../helpers/app';
import { postgresAvailable } from '../helpers/services';
import { getJson, login } from '../helpers/events';
import { missionPlanFromFiles } from '../../server/modules/missions/mission-files';
import { setUpMission, type MissionCredentials } from '../../server/modules/missions/mission-setup';
import { simulateDay } from '../../server/simulate/simulator';
import { events, replaySnapshots } from '../../db/schema/index';
import type { StationsReply } from '../../shared/schemas/stations';
import type { TeamsReply } from '../../shared/schemas/teams';
import type { ReplayReply } from '../../shared/schemas/replay';
import type { CoverageReply } from '../../shared/schemas/coverage';

const drivers: Driver[] = postgresAvailable ? ['pglite', 'postgres'] : ['pglite'];
const example = (file: string) => readFileSync(new URL(`../../examples/osh/${file}`, import.meta.url), 'utf8');
const PASSWORD = 'replay the whole day';
/** Small, so a simulated day crosses several snapshots and the replay starts from them. */
const SNAPSHOT_EVERY = 20;

interface Recorded {
  at: string;
  head: number;
  stations: StationsReply['stations'];
  teams: TeamsReply['teams'];
  coverage: CoverageReply;
}

describe.each(drivers)('replay of the day on %s', (driver) => {
  let t: TestApp;
  let osh: MissionCredentials;
  let token: string;
  const recorded: Recorded[] = [];

  /** What a coordinator's page holds at this moment (both lists read at one head). */
  async function recordLive(): Promise<Recorded> {
    for (;;) {
      const [stations, teams, coverage] = await Promise.all([
        getJson(t.app, token, '/api/stations'),
        getJson(t.app, token, '/api/teams'),
        getJson(t.app, token, '/api/coverage'),
      ]);
      const at = new Date().toISOString();
      const head = (stations.body as StationsReply).head;
      if ((teams.body as TeamsReply).head !== head || (coverage.body as CoverageReply).head !== head) continue;
      return {
        at,
        head,
        stations: (stations.body as StationsReply).stations,
        teams: (teams.body as TeamsReply).teams,
        coverage: coverage.body as CoverageReply,
      };
    }
  }

  /**
   * The moment the log names for what the page read: just after it received the head event the page's lists are at
   * (rounded up to the millisecond an ISO time can say), provided the next event came later than that. Timing the
   * moment by the log rather than by the test's clock keeps it exact however slow the machine: a page read takes
   * a while, and events keep arriving during it.
   */
  async function nameInLog(moment: Recorded): Promise<Recorded | null> {
    const micros = async (seq: number) => {
      const [row] = await t.database.db
        .select({ us: sql<string>`(extract(epoch from ${events.receivedAt}) * 1000000)::bigint::text` })
        .from(events)
        .where(and(eq(events.missionId, osh.missionId), eq(events.seq, seq)));
      return row ? Number(row.us) : null;
    };
    const received = await micros(moment.head);
    if (received === null) return null;
    const atMs = Math.ceil(received / 1000);
    const next = await micros(moment.head + 1);
    if (next !== null && next <= atMs * 1000) return null;
    return { ...moment, at: new Date(atMs).toISOString() };
  }

  beforeAll(async () => {
    t = await buildTestApp(driver, { replaySnapshotEvery: SNAPSHOT_EVERY });
    const plan = missionPlanFromFiles({
      name: 'Osh replay test',
      electionDate: '2026-04-12',
      timeZone: 'Asia/Bishkek',
      languages: ['en', 'ru'],
      stations: { text: example('stations.csv'), format: 'csv' },
      teams: { text: example('teams.csv') },
      plan: example('plan.csv'),
      coordinator: {
        username: `osh-${Math.random().toString(36).slice(2, 8)}`,
        displayName: 'Osh',
        password: PASSWORD,
      },
      displayLabel: 'Osh wall',
    });
    if (!plan.ok) throw new Error(plan.problems.join('; '));
    osh = (await setUpMission(t.database.db, plan.plan))!;
    token = await login(t.app, osh.coordinator.username, PASSWORD);
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    const address = t.app.server.address();
    const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    let dayStarts: () => void = () => {};
    const started = new Promise<void>((resolve) => (dayStarts = resolve));
    const day = simulateDay({
      url: base,
      username: osh.coordinator.username,
      password: PASSWORD,
      durationMs: 6000,
      seed: 7,
      drill: true,
      log: (line) => {
        if (/team phones joined/.test(line)) dayStarts();
      },
    });
    await started;
    // Moments through the day (of six seconds), keeping three the log can name: morning, afternoon, evening.
    let over = false;
    void day.finally(() => (over = true));
    const moments: Recorded[] = [];
    while (!over) {
      moments.push(await recordLive());
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await day;
    const settled: Recorded[] = [];
    for (const moment of moments) {
      const named = moment.head > 0 && !settled.some((m) => m.head === moment.head) ? await nameInLog(moment) : null;
      if (named) settled.push(named);
    }
    const third = Math.ceil(settled.length / 3);
    const chosen = [settled[0], settled[third], settled.at(-1)].filter((m): m is Recorded => m !== undefined);
    recorded.push(...chosen);
  }, 120_000);
  afterAll(async () => t?.close());

  it('at three moments of a simulated day equals the stations, teams and coverage recorded live then', async () => {
    expect(recorded).toHaveLength(3);
    expect(new Set(recorded.map((r) => r.head)).size).toBe(3);
    expect(recorded.map((r) => r.head)).toEqual([...recorded.map((r) => r.head)].sort((a, b) => a - b));
    expect(recorded[0]!.head).toBeGreaterThan(0);
    expect(recorded[2]!.head).toBeGreaterThan(recorded[0]!.head);
    // Backwards too: the last moment first, then the earlier ones (from a snapshot or the start, not the cache).
    for (const live of [...recorded].reverse()) {
      const res = await getJson(t.app, token, `/api/replay?at=${encodeURIComponent(live.at)}`);
      expect(res.status).toBe(200);
      const replay = res.body as ReplayReply;
      expect(replay.seq).toBe(live.head);
      const byId = <T extends { id: string }>(list: T[]) => [...list].sort((a, b) => a.id.localeCompare(b.id));
      expect(byId(replay.stations)).toEqual(byId(live.stations.map((s) => ({ id: s.id, status: s.status }))));
      expect(byId(replay.teams)).toEqual(byId(live.teams.map((team) => ({ id: team.id, status: team.status }))));
      expect({ ...replay.coverage, computedAt: null }).toEqual({ ...live.coverage, computedAt: null });
    }
  });

  it('lists the findings as they stood: none reported later, triage as it was then', async () => {
    const first = (await getJson(t.app, token, `/api/replay?at=${encodeURIComponent(recorded[0]!.at)}`))
      .body as ReplayReply;
    const now = (await getJson(t.app, token, `/api/replay?at=${encodeURIComponent(new Date().toISOString())}`))
      .body as ReplayReply;
    const live = (await getJson(t.app, token, '/api/findings')).body as { findings: { id: string; status: string }[] };
    expect(now.findings.map((f) => [f.id, f.status])).toEqual(live.findings.map((f) => [f.id, f.status]));
    expect(first.findings.every((f) => f.seq <= recorded[0]!.head)).toBe(true);
    expect(first.findings.length).toBeLessThan(now.findings.length);
  });

  it('stores a snapshot every N events and ignores one whose log was since wiped', async () => {
    const [last] = await t.database.db
      .select({ seq: sql<number>`max(${events.seq})::int` })
      .from(events)
      .where(eq(events.missionId, osh.missionId));
    const head = Number(last?.seq);
    const [stored] = await t.database.db
      .select({ n: sql<number>`count(*)::int` })
      .from(replaySnapshots)
      .where(eq(replaySnapshots.missionId, osh.missionId));
    expect(head).toBeGreaterThan(3 * SNAPSHOT_EVERY);
    expect(Number(stored?.n)).toBe(Math.floor(head / SNAPSHOT_EVERY));
    // A snapshot that no longer fits the log (as after a drill is cleared and played again) must not be used.
    await t.database.db
      .insert(replaySnapshots)
      .values({ missionId: osh.missionId, seq: 1, hash: 'not the log', state: '{"seq":1,"broken":true}' });
    const res = await getJson(t.app, token, `/api/replay?at=${encodeURIComponent(recorded[0]!.at)}`);
    expect(res.status).toBe(200);
    expect((res.body as ReplayReply).seq).toBe(recorded[0]!.head);
    expect((res.body as ReplayReply).stations.length).toBeGreaterThan(0);
  });

  it('refuses a moment that is not an ISO time, or is still to come, naming the problem', async () => {
    for (const [at, problem] of [
      ['yesterday', /ISO 8601/],
      ['2026-13-45T99:00:00Z', /not a real time/],
      ['2026-04-12T14:00:00', /ISO 8601/],
      [new Date(Date.now() + 3_600_000).toISOString(), /future/],
    ] as const) {
      const res = await getJson(t.app, token, `/api/replay?at=${encodeURIComponent(at)}`);
      expect(res.status, at).toBe(400);
      expect(res.body.message).toMatch(/^at: /);
      expect(res.body.message).toMatch(problem);
    }
    const missing = await getJson(t.app, token, '/api/replay');
    expect(missing.status).toBe(400);
    expect(missing.body.message).toMatch(/at/);
  });

  it('is for coordinators: a wall display gets 403', async () => {
    const res = await getJson(
      t.app,
      osh.displayToken,
      `/api/replay?at=${encodeURIComponent(new Date().toISOString())}`,
    );
    expect(res.status).toBe(403);
  });
});
