/**
 * What every fault test checks once the fault is over and the phones' outboxes are empty:
 *   - every event the server acknowledged (2xx: stored or duplicate) is in the database exactly once, at the seq it was
 *     acknowledged with, and nothing is there that no phone made;
 *   - the mission's hash chain verifies from the first event to the recorded head;
 *   - every live dashboard applied exactly the database's events, in order, each once.
 */
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import postgres from 'postgres';
import { openDatabase } from '../../db/client';
import { setUpMission, type MissionCredentials } from '../../server/modules/missions/mission-setup';
import { verifyMissionLog } from '../../server/modules/log/log-verifier';
import { FIXTURE_PASSWORD } from './app';
import { freePort, RedisProcess, VigilInstance } from './processes';
import { createTestDatabase } from './services';
import { waitFor, type LiveDashboard } from './live-client';
import type { PhoneCredentials, PhoneFleet } from './phones';

export async function api(base: string, method: string, path: string, token: string | null, body?: unknown) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: (text === '' ? null : JSON.parse(text)) as any };
}

/** A mission with `teams` teams and two stations per team, migrated into the database at `url`. */
export async function setUpFaultMission(url: string, teams: number): Promise<MissionCredentials> {
  const database = await openDatabase({ driver: 'postgres', url, poolSize: 2 });
  try {
    await database.migrate();
    return (await setUpMission(database.db, {
      mission: {
        name: 'Fault mission',
        electionDate: '2025-11-30',
        timeZone: 'Asia/Bishkek',
        centerLat: 42.87,
        centerLng: 74.6,
        bounds: [
          [74.5, 42.77],
          [74.68, 42.94],
        ],
        outline: null,
        languages: ['en'],
      },
      stations: Array.from({ length: teams * 2 }, (_, i) => ({
        number: String(2001 + i),
        name: `School ${2001 + i}`,
        address: 'Chui Ave 1',
        district: 'Leninsky',
        electoralDistrict: '21',
        lat: 42.85,
        lng: 74.58,
        registeredVoters: 1000,
      })),
      teams: Array.from({ length: teams }, (_, i) => ({
        callSign: `F${String(i + 1).padStart(2, '0')}`,
        members: ['A', 'B'],
        phone: null,
        languages: ['en'],
        assignedStationNumbers: [],
      })),
      coordinator: { username: `coord-${randomUUID().slice(0, 8)}`, displayName: 'C', password: FIXTURE_PASSWORD },
      displayLabel: 'Wall',
    }))!;
  } finally {
    await database.close();
  }
}

export async function joinPhones(base: string, mission: MissionCredentials): Promise<PhoneCredentials[]> {
  return Promise.all(
    mission.joinCodes.map(async (j) => {
      const res = await api(base, 'POST', '/api/auth/join', null, { code: j.code });
      if (res.status !== 200) throw new Error(`join answered ${res.status}`);
      return { token: res.body.token as string, teamId: res.body.teamId as string };
    }),
  );
}

export async function loginCoordinator(base: string, mission: MissionCredentials): Promise<string> {
  const res = await api(base, 'POST', '/api/auth/login', null, {
    username: mission.coordinator.username,
    password: FIXTURE_PASSWORD,
  });
  if (res.status !== 200) throw new Error(`login answered ${res.status}`);
  return res.body.token as string;
}

export async function stationIdsOf(base: string, token: string): Promise<string[]> {
  return (await api(base, 'GET', '/api/stations', token)).body.stations.map((s: { id: string }) => s.id);
}

/** The database's log of the mission, in seq order, read straight from Postgres. */
export async function databaseLog(url: string, missionId: string): Promise<{ id: string; seq: number }[]> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const rows = await sql<
      { id: string; seq: string }[]
    >`select id, seq from events where mission_id = ${missionId} order by seq`;
    return rows.map((r) => ({ id: r.id, seq: Number(r.seq) }));
  } finally {
    await sql.end();
  }
}

/** Nothing acknowledged is lost or doubled; nothing unasked-for is stored; the hash chain holds. */
export async function expectAcknowledgedExactlyOnce(
  url: string,
  missionId: string,
  fleet: PhoneFleet,
): Promise<{ id: string; seq: number }[]> {
  const log = await databaseLog(url, missionId);
  const count = new Map<string, number>();
  for (const row of log) count.set(row.id, (count.get(row.id) ?? 0) + 1);
  const seqOf = new Map(log.map((r) => [r.id, r.seq]));

  expect(fleet.acknowledged.size).toBeGreaterThan(0);
  const lost = [...fleet.acknowledged.keys()].filter((id) => !count.has(id));
  expect(lost, 'acknowledged events missing from the database').toEqual([]);
  const doubled = [...count].filter(([, n]) => n > 1);
  expect(doubled, 'events stored more than once').toEqual([]);
  const moved = [...fleet.acknowledged].filter(([id, seq]) => seqOf.get(id) !== seq);
  expect(moved, 'events stored at another seq than acknowledged').toEqual([]);
  const made = new Set(fleet.made);
  expect(
    log.filter((r) => !made.has(r.id)),
    'stored events no phone made',
  ).toEqual([]);
  // The outboxes are empty: every report made was answered, and none was refused.
  expect(fleet.rejected()).toEqual([]);
  expect(log.length).toBe(fleet.made.length);
  expect(log.map((r) => r.seq)).toEqual(log.map((_, i) => i + 1));

  const database = await openDatabase({ driver: 'postgres', url, poolSize: 1 });
  try {
    const verdict = await verifyMissionLog(database.db, missionId);
    expect(verdict).toMatchObject({ ok: true, events: log.length });
  } finally {
    await database.close();
  }
  return log;
}

/** Each dashboard ends with exactly the database's events, in order, each once. */
export async function expectDashboardsEqualDatabase(
  dashboards: LiveDashboard[],
  log: { id: string; seq: number }[],
  timeoutMs = 20_000,
): Promise<void> {
  for (const d of dashboards) {
    await waitFor(
      () => d.applied.length >= log.length,
      timeoutMs,
      `a dashboard to reach ${log.length} events (has ${d.applied.length})`,
    );
    expect(d.applied.map((e) => e.seq)).toEqual(log.map((r) => r.seq));
    expect(d.applied.map((e) => e.id)).toEqual(log.map((r) => r.id));
  }
}

/**
 * The read models agree with the log after the fault: from the events a dashboard applied, work out each station's
 * present teams, visit count and open findings (the simulated phones walk arrival → … → departure, one phone per
 * team, and report only minor findings), and compare with what the instance serves from the read models.
 */
export async function expectFiguresMatchLog(
  base: string,
  token: string,
  events: { type: string; teamId: string | null; stationId: string | null }[],
): Promise<void> {
  const at = new Map<string, string | null>();
  const visits = new Map<string, number>();
  const findings = new Map<string, number>();
  for (const e of events) {
    if (e.type === 'arrival' && e.teamId && e.stationId) {
      at.set(e.teamId, e.stationId);
      visits.set(e.stationId, (visits.get(e.stationId) ?? 0) + 1);
    } else if (e.type === 'departure' && e.teamId) {
      at.set(e.teamId, null);
    } else if (e.type === 'finding' && e.stationId) {
      findings.set(e.stationId, (findings.get(e.stationId) ?? 0) + 1);
    }
  }
  const { stations } = (await api(base, 'GET', '/api/stations', token)).body as {
    stations: {
      id: string;
      status: { presentTeamIds: string[]; visitCount: number; openFindings: number; worstOpenSeverity: string | null };
    }[];
  };
  const served = stations.map((s) => ({
    id: s.id,
    present: [...s.status.presentTeamIds].sort(),
    visits: s.status.visitCount,
    open: s.status.openFindings,
    worst: s.status.worstOpenSeverity,
  }));
  const expected = stations.map((s) => ({
    id: s.id,
    present: [...at]
      .filter(([, station]) => station === s.id)
      .map(([team]) => team)
      .sort(),
    visits: visits.get(s.id) ?? 0,
    open: findings.get(s.id) ?? 0,
    worst: findings.has(s.id) ? 'minor' : null,
  }));
  // The walk really happened: visits and findings to compare, not a list of empty stations.
  expect(expected.some((s) => s.visits > 0) && expected.some((s) => s.open > 0)).toBe(true);
  expect(served).toEqual(expected);
}

/** The several-instances topology the fault tests break: a fresh database with a fault mission, a private Redis, two instances. */
export interface TwoInstances {
  url: string;
  mission: MissionCredentials;
  redis: RedisProcess;
  a: VigilInstance;
  b: VigilInstance;
  /** Kills both instances, stops Redis and drops the database. */
  stop: () => Promise<void>;
}

export async function startTwoInstances(teams: number): Promise<TwoInstances> {
  const { url, drop } = await createTestDatabase();
  const mission = await setUpFaultMission(url, teams);
  const redis = new RedisProcess(await freePort());
  await redis.start();
  const a = new VigilInstance({ port: await freePort(), databaseUrl: url, redisUrl: redis.url, name: 'A' });
  const b = new VigilInstance({ port: await freePort(), databaseUrl: url, redisUrl: redis.url, name: 'B' });
  await Promise.all([a.start(), b.start()]);
  return {
    url,
    mission,
    redis,
    a,
    b,
    stop: async () => {
      await Promise.all([a.stop('SIGKILL'), b.stop('SIGKILL')]);
      await redis.stop();
      await drop();
    },
  };
}
