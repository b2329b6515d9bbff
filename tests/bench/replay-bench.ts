/**
 * Bench section `replay`: how long a coordinator waits for a past moment of a long day. A real Vigil process on
 * Postgres takes 100,000 events of the demo mission through POST /api/events (teams arriving, moving, filing checklists
 * and findings, leaving), then GET /api/replay?at= is asked for random moments of that day: the first ask (which
 * replays the log and stores the snapshots as it passes them) and then moments in random order, as a scrubber jumps.
 * The baseline is what a live page reads for the same figures: GET /api/stations and GET /api/teams.
 */
import { arrival, checklist, departure, finding } from '../helpers/events';
import { BENCH_PASSWORD, seedMission } from './seed';
import { createTestDatabase } from '../helpers/services';
import { freePort, VigilInstance } from '../helpers/processes';
import { round, summarize } from './measure';

const QUICK = process.env.BENCH_QUICK === '1';
const EVENTS = QUICK ? 2_000 : 100_000;
const MOMENTS = QUICK ? 5 : 30;
const TARGET_MS = 1_000;
const BATCH = 500;

interface Row {
  figure: string;
  vigil: string;
  baseline: string;
  ratio: string;
  target: string;
}

async function call(base: string, method: string, path: string, token: string | null, body?: unknown) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.json() as Promise<any>;
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await work();
  return performance.now() - start;
}

/** One team's visits, event after event, each with device times a minute apart ending before now. */
function* teamDay(teamId: string, stationIds: string[], events: number, offset: number) {
  let made = 0;
  let visit = 0;
  const at = (minutesAgo: number) => ({ occurredAt: new Date(Date.now() - minutesAgo * 60_000).toISOString() });
  let clock = events + 10;
  while (made < events) {
    const station = stationIds[(offset + visit * 7) % stationIds.length]!;
    const visitEvents = [
      { ...arrival(teamId, station), ...at(clock--) },
      ...Array.from({ length: 8 }, (_, i) => ({
        id: crypto.randomUUID(),
        type: 'position',
        teamId,
        stationId: station,
        position: { lat: 42.85 + ((visit + i) % 10) * 0.003, lng: 74.58 + (i % 10) * 0.003 },
        ...at(clock--),
      })),
      { ...checklist(teamId, station, visit % 5 === 0 ? 'bad' : 'good'), ...at(clock--) },
      ...(visit % 3 === 0
        ? [{ ...finding(teamId, station, visit % 6 === 0 ? 'serious' : 'minor'), ...at(clock--) }]
        : []),
      { ...departure(teamId, station), ...at(clock--) },
    ];
    for (const event of visitEvents) {
      if (made++ >= events) return;
      yield event;
    }
    visit += 1;
  }
}

export async function replaySection(log: (line: string) => void): Promise<Row[]> {
  const { url, drop } = await createTestDatabase();
  const server = new VigilInstance({
    port: await freePort(),
    databaseUrl: url,
    redisUrl: null,
    name: 'bench-replay',
    env: { LOG_LEVEL: 'error' },
  });
  try {
    const { credentials } = await seedMission(url, 'bench-replay');
    await server.start();
    const base = server.url;
    const { token } = await call(base, 'POST', '/api/auth/login', null, {
      username: credentials.coordinator.username,
      password: BENCH_PASSWORD,
    });
    const stationIds = ((await call(base, 'GET', '/api/stations', token)).stations as { id: string }[]).map(
      (s) => s.id,
    );
    const phones: { teamId: string; token: string }[] = [];
    for (const { code } of credentials.joinCodes) {
      const joined = await call(base, 'POST', '/api/auth/join', null, { code });
      phones.push({ teamId: joined.teamId, token: joined.token });
    }
    log(`replay: posting ${EVENTS.toLocaleString('en-US')} events from ${phones.length} teams`);
    const perTeam = Math.ceil(EVENTS / phones.length);
    await Promise.all(
      phones.map(async (phone, i) => {
        let batch: unknown[] = [];
        const send = async () => {
          const reply = await call(base, 'POST', '/api/events', phone.token, { events: batch });
          const refused = (reply.results as { status: string; error?: string }[]).find((r) => r.status === 'rejected');
          if (refused) throw new Error(`replay bench: an event was refused: ${refused.error}`);
          batch = [];
        };
        for (const event of teamDay(phone.teamId, stationIds, perTeam, i * 11)) {
          batch.push(event);
          if (batch.length === BATCH) await send();
        }
        if (batch.length > 0) await send();
      }),
    );
    const first = await call(base, 'GET', '/api/events?after=0&limit=1', token);
    const head = first.head as number;
    const dayStart = Date.parse(first.events[0].receivedAt);
    const dayEnd = Date.now();
    const moment = () => new Date(dayStart + Math.random() * (dayEnd - dayStart)).toISOString();
    const replay = (at: string) => call(base, 'GET', `/api/replay?at=${encodeURIComponent(at)}`, token);

    // The server takes its snapshots in the background at most every 10 s; a real day (a few events a second) is never
    // further ahead of them than that. The bench posts far faster, so it gives the background that time once.
    log(`replay: ${head.toLocaleString('en-US')} events stored; waiting 11 s, then the first replay`);
    await new Promise((resolve) => setTimeout(resolve, 11_000));
    const coldMs = await timed(() => replay(new Date(dayEnd).toISOString()));
    const times: number[] = [];
    for (let i = 0; i < MOMENTS; i++) times.push(await timed(() => replay(moment())));
    const live: number[] = [];
    for (let i = 0; i < MOMENTS; i++) {
      live.push(
        await timed(() =>
          Promise.all([call(base, 'GET', '/api/stations', token), call(base, 'GET', '/api/teams', token)]),
        ),
      );
    }
    const warm = summarize(times);
    const baseline = summarize(live);
    const events = head.toLocaleString('en-US');
    return [
      {
        figure: `replay: a random moment of a ${events}-event day (${MOMENTS} moments, random order)`,
        vigil: `p50 ${round(warm.p50)} ms, max ${round(warm.max)} ms`,
        baseline: `live GET /api/stations + /api/teams p50 ${round(baseline.p50)} ms`,
        ratio: `p50 ×${round(warm.p50 / baseline.p50, 1)}`,
        target: `≤ ${TARGET_MS} ms (issue 17)`,
      },
      {
        figure: `replay: the first moment asked of a ${events}-event day (background snapshots, nothing cached yet)`,
        vigil: `${round(coldMs)} ms`,
        baseline: '—',
        ratio: '—',
        target: `≤ ${TARGET_MS} ms (issue 17)`,
      },
    ];
  } finally {
    await server.stop('SIGKILL');
    await drop();
  }
}
