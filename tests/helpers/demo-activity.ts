/**
 * Election-day activity for the demo mission, posted through the real API as the teams' phones would: check-ins along
 * each team's route, checklists, findings of every severity, departures, a help request. Used by the wall display's
 * browser tests (a picture worth looking at) and its soak bench (a long, fast day in compressed time).
 */
import { randomUUID } from 'node:crypto';
import type { MissionCredentials } from '../../server/modules/missions/mission-setup';
import { checklist } from './events';

export interface Phone {
  token: string;
  teamId: string;
  route: string[];
}

const CATEGORIES = [
  'ballot_stuffing',
  'carousel',
  'group_voting',
  'unauthorized_persons',
  'secrecy',
  'voter_list',
  'observer_rights',
  'count_discrepancy',
  'procedural_error',
  'campaigning',
];
const SEVERITY_CYCLE = ['minor', 'info', 'serious', 'minor', 'critical', 'minor', 'serious', 'info'] as const;
const ASSESSMENT_CYCLE = [
  'good',
  'very_good',
  'good',
  'bad',
  'good',
  'very_bad',
  'good',
  'very_good',
  'good',
  'good',
] as const;

async function call(base: string, method: string, path: string, token: string | null, body?: unknown) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text === '' ? null : JSON.parse(text) };
}

/** Joins every team once (a phone each) and returns them with their planned routes. */
export async function joinTeams(
  base: string,
  credentials: MissionCredentials,
  coordinatorToken: string,
): Promise<Phone[]> {
  const teams = (await call(base, 'GET', '/api/teams', coordinatorToken)).body.teams as {
    id: string;
    assignedStationIds: string[];
  }[];
  const routeOf = new Map(teams.map((t) => [t.id, t.assignedStationIds]));
  return Promise.all(
    credentials.joinCodes.map(async ({ code }) => {
      const joined = (await call(base, 'POST', '/api/auth/join', null, { code })).body as {
        token: string;
        teamId: string;
      };
      return { ...joined, route: routeOf.get(joined.teamId) ?? [] };
    }),
  );
}

export async function postAs(
  base: string,
  token: string,
  events: unknown[],
): Promise<{ status: string; seq?: number; error?: string }[]> {
  const res = await call(base, 'POST', '/api/events', token, { events });
  if (res.status !== 200) throw new Error(`POST /api/events answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body.results;
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * The events of one team's visit to one station: arrival, a checklist, now and then a finding, and a departure unless
 * the team is to stay. `at` is the arrival's device time; later events follow it by minutes (`minuteMs` long each, so a
 * soak run can compress a day).
 */
export function visit(
  phone: Phone,
  stationId: string,
  at: number,
  n: number,
  options: { stay?: boolean; minuteMs?: number; finding?: boolean } = {},
) {
  const minute = options.minuteMs ?? 60_000;
  const events: Record<string, unknown>[] = [
    {
      id: randomUUID(),
      type: 'arrival',
      teamId: phone.teamId,
      stationId,
      occurredAt: iso(at),
      position: { lat: 42.87, lng: 74.6 },
    },
    {
      // A checklist of the mission's own form for the phase (the default kit), every required question answered.
      ...checklist(
        phone.teamId,
        stationId,
        ASSESSMENT_CYCLE[n % ASSESSMENT_CYCLE.length],
        n % 7 === 0 ? 'opening' : 'voting',
      ),
      occurredAt: iso(at + 20 * minute),
    },
  ];
  if (options.finding ?? n % 3 === 0) {
    events.push({
      id: randomUUID(),
      type: 'finding',
      teamId: phone.teamId,
      stationId,
      occurredAt: iso(at + 25 * minute),
      category: CATEGORIES[n % CATEGORIES.length],
      severity: SEVERITY_CYCLE[n % SEVERITY_CYCLE.length],
      text: `Observed at the station (report ${n})`,
    });
  }
  if (!options.stay)
    events.push({
      id: randomUUID(),
      type: 'departure',
      teamId: phone.teamId,
      stationId,
      occurredAt: iso(at + 40 * minute),
    });
  return events;
}

/**
 * A morning's worth of the demo: each team visits the first stations of its route (the last one it is still at), so
 * the map shows visited, present, badly assessed and flagged stations, and the ticker and figures have something to
 * say. Events are posted in the order they happened, one phone at a time, as a real morning would deliver them.
 */
export async function playMorning(
  base: string,
  phones: Phone[],
  options: { visitsPerTeam?: number; helpFrom?: number } = {},
): Promise<void> {
  const visits = options.visitsPerTeam ?? 3;
  const start = Date.now() - visits * 45 * 60_000 - 15 * 60_000;
  const timeline: { at: number; phone: Phone; event: Record<string, unknown> }[] = [];
  let n = 0;
  phones.forEach((phone, teamIndex) => {
    for (let v = 0; v < visits && v < phone.route.length; v++) {
      n++;
      const stay = v === visits - 1 && teamIndex % 3 !== 0;
      for (const event of visit(phone, phone.route[v]!, start + v * 45 * 60_000 + teamIndex * 60_000, n + teamIndex, {
        stay,
      })) {
        timeline.push({ at: Date.parse(event.occurredAt as string), phone, event });
      }
    }
  });
  // One critical finding, recent, so the wall's alert has something to say.
  const witness = phones[1];
  if (witness?.route[0]) {
    const at = Date.now() - 6 * 60_000;
    timeline.push({
      at,
      phone: witness,
      event: {
        id: randomUUID(),
        type: 'finding',
        teamId: witness.teamId,
        stationId: witness.route[Math.min(visits, witness.route.length) - 1],
        occurredAt: iso(at),
        category: 'ballot_stuffing',
        severity: 'critical',
        text: 'Ballots found in the box before opening',
      },
    });
  }
  const helper = phones[options.helpFrom ?? 4];
  if (helper) {
    const at = Date.now() - 3 * 60_000;
    timeline.push({
      at,
      phone: helper,
      event: { id: randomUUID(), type: 'help_request', teamId: helper.teamId, occurredAt: iso(at) },
    });
  }
  timeline.sort((a, b) => a.at - b.at);
  for (const { phone, event } of timeline) {
    const [result] = await postAs(base, phone.token, [event]);
    if (result?.status !== 'stored') throw new Error(`demo activity not stored: ${JSON.stringify(result)}`);
  }
}
