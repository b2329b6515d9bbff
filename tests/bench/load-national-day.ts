/**
 * The national day's phones, run as its own process by national-day.ts (so its CPU is not the measured servers'):
 * every team joins with its code, then walks its route through a day compressed into `daySeconds`: at each station an
 * arrival, the phase's checklist, a finding at about one station in six, a departure and a position on the way to the
 * next. One event per request, as a phone sends them as they happen, spread over the instances.
 *   - Open loop: each event is due at its time of the day whatever the answers do, and its latency counts from when it
 *     was due (no coordinated omission). A team's own events go in order, as one phone's outbox sends them.
 *   - Items whose id starts with `trackPrefix` are noted with the wall-clock time their request started, for the
 *     dashboards' fan-out delays.
 * Input: JSON from runLoadProcess (readLoad). Output: one JSON line on stdout.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { checklist, finding } from '../helpers/events';
import { readLoad, summarize } from './measure';

export interface NationalDayLoad {
  urls: string[];
  teams: { code: string; route: string[] }[];
  daySeconds: number;
  trackPrefix: string;
}

export interface NationalDayResult {
  events: number;
  stored: number;
  /** Answered 200 but not stored (first few reasons in `refusals`). */
  refused: number;
  refusals: string[];
  /** No 200 (network error or an error status). */
  failures: number;
  /** Requests that started more than a second after they were due (the team's previous one still pending). */
  late: number;
  offeredPerSecond: number;
  elapsedMs: number;
  joinMs: number;
  p50: number;
  p99: number;
  max: number;
  sentAt: Record<string, number>;
}

const load = readLoad<NationalDayLoad>();
const agent = new http.Agent({ keepAlive: true, maxSockets: 512 });
const wallClock = () => performance.timeOrigin + performance.now();

function request(url: string, pathName: string, token: string | null, body: unknown) {
  const text = JSON.stringify(body);
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = http.request(`${url}${pathName}`, {
      method: 'POST',
      agent,
      headers: {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(text),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(text);
  });
}

/** A small seeded generator (mulberry32): the same day every run. */
function seeded(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Planned {
  dueMs: number;
  make: (teamId: string) => { id: string; type: string } & Record<string, unknown>;
}

/** One team's day: its stations in route order, each taking an equal share of the day. */
function planDay(route: string[], random: () => number): Planned[] {
  const slot = (load.daySeconds * 1000) / route.length;
  const planned: Planned[] = [];
  route.forEach((stationId, k) => {
    const start = k * slot + random() * slot * 0.1;
    const phase = k === 0 ? 'opening' : k === route.length - 1 ? 'closing' : 'voting';
    const assessment = random() < 0.9 ? 'good' : 'bad';
    const at = (share: number) => start + slot * share;
    planned.push({
      dueMs: at(0),
      make: (teamId) => ({ id: randomUUID(), type: 'arrival', teamId, stationId }),
    });
    planned.push({ dueMs: at(0.25), make: (teamId) => checklist(teamId, stationId, assessment, phase) });
    if (random() < 1 / 6) {
      const severity = random() < 0.2 ? 'serious' : 'minor';
      planned.push({ dueMs: at(0.4), make: (teamId) => finding(teamId, stationId, severity) });
    }
    planned.push({
      dueMs: at(0.7),
      make: (teamId) => ({ id: randomUUID(), type: 'departure', teamId, stationId }),
    });
    planned.push({
      dueMs: at(0.85),
      make: (teamId) => ({
        id: randomUUID(),
        type: 'position',
        teamId,
        position: { lat: 42.8 + random() * 0.1, lng: 74.5 + random() * 0.15 },
      }),
    });
  });
  return planned;
}

async function joinAll(): Promise<{ token: string; teamId: string }[]> {
  const phones: { token: string; teamId: string }[] = new Array(load.teams.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: 64 }, async () => {
      while (next < load.teams.length) {
        const i = next++;
        const res = await request(load.urls[i % load.urls.length]!, '/api/auth/join', null, {
          code: load.teams[i]!.code,
        });
        if (res.status !== 200) throw new Error(`join answered ${res.status}: ${res.body}`);
        phones[i] = JSON.parse(res.body) as { token: string; teamId: string };
      }
    }),
  );
  return phones;
}

const joinStarted = performance.now();
const phones = await joinAll();
const joinMs = performance.now() - joinStarted;

const random = seeded(2026);
const days = load.teams.map((team) => planDay(team.route, random));
const events = days.reduce((n, day) => n + day.length, 0);
const latencies: number[] = [];
const refusals: string[] = [];
const sentAt: Record<string, number> = {};
let stored = 0;
let refused = 0;
let failures = 0;
let late = 0;

const start = performance.now();
await Promise.all(
  days.map(async (day, i) => {
    const phone = phones[i]!;
    const url = load.urls[i % load.urls.length]!;
    for (const planned of day) {
      const due = start + planned.dueMs;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      else if (wait < -1000) late++;
      const event = { ...planned.make(phone.teamId), occurredAt: new Date().toISOString() };
      if (event.id.startsWith(load.trackPrefix)) sentAt[event.id] = wallClock();
      try {
        const res = await request(url, '/api/events', phone.token, { events: [event] });
        if (res.status !== 200) {
          failures++;
          if (refusals.length < 5) refusals.push(`${res.status}: ${res.body.slice(0, 200)}`);
          continue;
        }
        const [result] = (JSON.parse(res.body) as { results: { status: string; error?: string }[] }).results;
        if (result?.status === 'stored') stored++;
        else {
          refused++;
          if (refusals.length < 5) refusals.push(`${event.type}: ${result?.status} ${result?.error ?? ''}`);
        }
      } catch (error) {
        failures++;
        if (refusals.length < 5) refusals.push(String(error));
      }
      latencies.push(performance.now() - due);
    }
  }),
);
const elapsedMs = performance.now() - start;

const result: NationalDayResult = {
  events,
  stored,
  refused,
  refusals,
  failures,
  late,
  offeredPerSecond: events / load.daySeconds,
  elapsedMs,
  joinMs,
  ...summarize(latencies),
  sentAt,
};
agent.destroy();
// A pipe takes a large write asynchronously: exit only once it is out, or the parent reads half a line.
process.stdout.write(`${JSON.stringify(result)}\n`, () => process.exit(0));
