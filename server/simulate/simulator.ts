/**
 * The rehearsal simulator: plays an election day for a mission's teams against any running Vigil, through the public
 * API only, as the phones would — a coordinator signs in, each team's phone joins with a fresh join code, and the
 * phones post arrivals, departures, positions on the way, checklists, findings and a help request with realistic timing.
 * Time is compressed: the day from 06:30 to 22:30 plays in `durationMs` of real time (events carry the real time at
 * which they are posted, as a phone's would).
 *
 * It only plays into a mission in drill mode (it switches drill mode on when asked and the log is empty), so a
 * rehearsal never mixes with a live record and can be wiped afterwards.
 */
import { SeededRandom } from '../../db/seed/seeded-random';
import { backoffMs, type Backoff } from '../../shared/backoff';
import type { EventInput, Assessment, Phase, Severity } from '../../shared/schemas/events';
import type { FormsReply, ChecklistForm } from '../../shared/schemas/forms';
import type { Station } from '../../shared/schemas/stations';
import type { Team } from '../../shared/schemas/teams';
import type { Summary } from '../../shared/schemas/summary';
import { answersFor, drawFigures, type StationFigures } from './answers';
import {
  SIMULATED_CONTEST,
  SIMULATED_TURNOUT,
  drawPopulation,
  officialCsv,
  simulatedBallot,
  type ResultsPopulation,
} from './results-day';

export interface SimulationOptions {
  url: string;
  username: string;
  password: string;
  /** Real time the day takes (06:30–22:30 of the day). */
  durationMs: number;
  seed: number;
  /** Switch the mission to drill mode first (only possible while its log is empty). */
  drill: boolean;
  /**
   * Also play the results (server/simulate/results-day.ts): set a ballot whose quick-count sample is the stations where
   * teams close, report turnout at its hours and copy each closing station's protocol, then import the official
   * results with two observed stations' votes altered.
   */
  results?: boolean;
  log?: (line: string) => void;
}

export interface SimulatedResults {
  /** The synthetic electorate's shares of the valid vote and its turnout: what the quick count should find. */
  trueShares: Record<string, number>;
  trueTurnout: number;
  sampleStations: string[];
  /** Codes of the observed stations whose official votes were altered: what the comparison should name. */
  alteredStations: string[];
  officialImportSeq: number | null;
}

export interface SimulationReport {
  teams: number;
  posted: number;
  stored: number;
  duplicate: number;
  rejected: { type: string; error: string }[];
  retries: number;
  byType: Record<string, number>;
  silentTeam: string | null;
  helpTeam: string | null;
  clusterStations: string[];
  /** Where a second team's detour contradicts the planned team's assessment (a conflict to resolve), if any. */
  conflictStation: string | null;
  /** With `results`: what the rehearsal's results should show; null without. */
  results: SimulatedResults | null;
  summary: Summary;
}

const DAY_START = 6 * 60 + 30;
const DAY_END = 22 * 60 + 30;

const clockOf = (minute: number) =>
  `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;

/** '90s', '10m', '1h' (a bare number is seconds) in milliseconds; null below a second or unreadable. */
export function parseDuration(text: string): number | null {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!match) return null;
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[match[2] ?? 's']!;
  const ms = Number(match[1]) * unit;
  return ms >= 1000 ? ms : null;
}

/** How many times faster than real time the drill's clock runs when the day plays in `durationMs`. */
export function drillSpeed(durationMs: number): number {
  return Math.min(100_000, Math.max(1, ((DAY_END - DAY_START) * 60_000) / durationMs));
}
const MAX_ATTEMPTS = 12;
/** Between attempts, unless the server says when (Retry-After). */
const RETRY_BACKOFF: Backoff = { firstMs: 250, maxMs: 5_000 };

class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    message: string,
  ) {
    super(message);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

/** One HTTP call with the phone's retry rules: network errors, 408, 429 and 5xx are retried with backoff. */
function client(base: string, stats: { retries: number }, log: (line: string) => void) {
  return async function call<T>(method: string, path: string, token: string | null, body?: unknown): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      let status = 0;
      let text: string;
      let retryAfter: string | null = null;
      try {
        const res = await fetch(`${base}${path}`, {
          method,
          headers: {
            ...(token ? { authorization: `Bearer ${token}` } : {}),
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(30_000),
        });
        status = res.status;
        text = await res.text();
        retryAfter = res.headers.get('retry-after');
      } catch (error) {
        text = error instanceof Error ? error.message : String(error);
      }
      const parsed = text ? safeJson(text) : null;
      if (status >= 200 && status < 300) return parsed as T;
      const retriable = status === 0 || status === 408 || status === 429 || status >= 500;
      if (!retriable || attempt >= MAX_ATTEMPTS) {
        const message = (parsed as { message?: string } | null)?.message ?? text;
        throw new ApiError(status, parsed, `${method} ${path} → ${status || 'network error'}: ${message}`);
      }
      stats.retries += 1;
      const wait =
        retryAfter && /^\d+$/.test(retryAfter) ? Number(retryAfter) * 1000 : backoffMs(attempt - 1, RETRY_BACKOFF);
      log(`  retrying ${method} ${path} in ${Math.round(wait / 100) / 10} s (${status || text})`);
      await sleep(wait);
    }
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

interface Phone {
  team: Team;
  token: string;
}

interface Action {
  /** Minute of the simulated day. */
  minute: number;
  teamId: string;
  /** Built when it is sent, so `occurredAt` is the real time of sending. */
  make: () => EventInput[];
}

const FINDING_TEXTS: Record<string, string[]> = {
  ballot_stuffing: [
    'Several ballots folded together seen going into the box',
    'A voter put more than one ballot in the box',
  ],
  carousel: ['The same group of voters came back a second time', 'Voters arriving with pre-filled ballots'],
  group_voting: ['Family voting in one booth', 'Two people in the booth together'],
  unauthorized_persons: [
    'An unidentified man directing voters inside the station',
    'Police officer inside the room without reason',
  ],
  secrecy: ['Booths placed so the ballot can be seen from the table', 'Voters photographing their ballots'],
  voter_list: ['Several voters not on the list turned away', 'Additional list longer than expected'],
  observer_rights: ['Observers asked to stand far from the table', 'Chair refused to show the register'],
  count_discrepancy: [
    'Numbers in the protocol differ from the announced count',
    'Count started before all observers were present',
  ],
  procedural_error: ['Seals not checked before opening', "Ink not applied to voters' fingers"],
  campaigning: ['Campaign leaflets near the entrance', 'Party agitators within 50 m of the station'],
};

type MaybePlaced = { lat: number | null; lng: number | null };

/** Unplaced stations are "infinitely far": never anyone's nearest neighbour. */
function distance(a: MaybePlaced, b: MaybePlaced): number {
  if (a.lat === null || a.lng === null || b.lat === null || b.lng === null) return Number.POSITIVE_INFINITY;
  return Math.hypot(a.lat - b.lat, (a.lng - b.lng) * Math.cos((a.lat * Math.PI) / 180));
}

/** Builds every team's day: which events at which minute. */
function planDay(
  phones: Phone[],
  stations: Station[],
  kit: FormsReply,
  random: SeededRandom,
  population: ResultsPopulation | null = null,
): {
  actions: Action[];
  silentTeam: string | null;
  helpTeam: string | null;
  cluster: Station[];
  conflictStation: Station | null;
  /** Where each team closes and copies the protocol (with `population`). */
  closing: { station: Station; teamId: string }[];
} {
  const byId = new Map(stations.map((s) => [s.id, s]));
  const forms = kit.forms.filter((f) => !f.retired);
  const formFor = (phase: Phase): ChecklistForm | undefined => forms.find((f) => f.phase === phase);
  const categories = kit.findingCategories.filter((c) => !c.retired).map((c) => c.id);
  const figures = new Map<string, StationFigures>();
  const figuresOf = (s: Station) =>
    figures.get(s.id) ?? (figures.set(s.id, drawFigures(random, s.registeredVoters)), figures.get(s.id)!);

  // Two clusters of trouble: a planned station and its nearest neighbours, each with a favourite kind of finding.
  const planned = [...new Set(phones.flatMap((p) => p.team.assignedStationIds))]
    .map((id) => byId.get(id)!)
    .filter(Boolean);
  const seeds = planned.length >= 2 ? [random.pick(planned), random.pick(planned)] : planned;
  const clusterCategory = new Map<string, string>();
  for (const seed of seeds) {
    const category = random.pick(categories.length ? categories : ['procedural_error']);
    for (const s of [...stations].sort((a, b) => distance(a, seed) - distance(b, seed)).slice(0, 3))
      clusterCategory.set(s.id, category);
  }
  const mood = new Map<string, Assessment>();
  const moodOf = (s: Station): Assessment => {
    if (!mood.has(s.id)) {
      mood.set(
        s.id,
        clusterCategory.has(s.id)
          ? random.pickWeighted<Assessment>([
              { value: 'bad', weight: 2 },
              { value: 'very_bad', weight: 1 },
            ])
          : random.pickWeighted<Assessment>([
              { value: 'very_good', weight: 30 },
              { value: 'good', weight: 52 },
              { value: 'bad', weight: 14 },
              { value: 'very_bad', weight: 4 },
            ]),
      );
    }
    return mood.get(s.id)!;
  };

  const silent = phones.length >= 3 ? random.pick(phones).team.id : null;
  const helpCandidates = phones.filter((p) => p.team.id !== silent);
  const help = helpCandidates.length ? random.pick(helpCandidates).team.id : null;
  const actions: Action[] = [];
  const push = (teamId: string, minute: number, make: () => EventInput[]) => {
    if (teamId === silent && minute > 13 * 60) return; // this team's phones go quiet after 13:00
    actions.push({ minute: Math.min(Math.max(minute, DAY_START), DAY_END), teamId, make });
  };
  /** Travel between two voting stops: room for a detour. */
  const gaps: { teamId: string; from: number; to: number; near: Station }[] = [];
  /** Who files the voting checklist where. */
  const votingBy = new Map<string, string>();
  const closing: { station: Station; teamId: string }[] = [];
  const now = () => new Date().toISOString();
  const id = () => random.uuid();

  for (const { team } of phones) {
    let route = (team.route ?? [])
      .map((stop) => ({ station: byId.get(stop.stationId)!, phases: stop.phases }))
      .filter((s) => s.station);
    if (route.length === 0) {
      // A team without a plan covers a few stations near a random one.
      const start = random.pick(stations);
      route = [...stations]
        .sort((a, b) => distance(a, start) - distance(b, start))
        .slice(0, 4)
        .map((station) => ({ station, phases: ['opening', 'voting', 'closing'] as Phase[] }));
    }
    const add = (minute: number, make: () => EventInput[]) => push(team.id, minute, make);
    const checklist = (station: Station, phase: Phase, minute: number, share: number) => {
      const form = formFor(phase);
      if (!form) return;
      const assessment = moodOf(station);
      const answers = answersFor(form, assessment, random, figuresOf(station), share);
      if (!answers) return;
      if (phase === 'voting') votingBy.set(station.id, team.id);
      add(minute, () => [
        {
          id: id(),
          type: 'checklist',
          occurredAt: now(),
          teamId: team.id,
          stationId: station.id,
          form: form.id,
          phase,
          answers,
          assessment,
        },
      ]);
    };
    const findings = (station: Station, from: number, to: number) => {
      const hot = clusterCategory.get(station.id);
      const count = hot ? random.int(1, 3) : random.chance(0.18) ? 1 : 0;
      for (let i = 0; i < count; i++) {
        const category = hot ?? random.pick(categories.length ? categories : ['procedural_error']);
        const severity = random.pickWeighted<Severity>(
          hot
            ? [
                { value: 'minor', weight: 2 },
                { value: 'serious', weight: 4 },
                { value: 'critical', weight: 2 },
              ]
            : [
                { value: 'info', weight: 25 },
                { value: 'minor', weight: 50 },
                { value: 'serious', weight: 20 },
                { value: 'critical', weight: 5 },
              ],
        );
        const text = random.pick(FINDING_TEXTS[category] ?? ['Irregularity observed; details to follow by phone']);
        const minute = random.int(from, Math.max(from, to));
        add(minute, () => [
          {
            id: id(),
            type: 'finding',
            occurredAt: now(),
            teamId: team.id,
            stationId: station.id,
            category,
            severity,
            text,
          },
        ]);
      }
    };
    const travel = (from: Station, to: Station, depart: number, arrive: number) => {
      if (from.lat === null || from.lng === null || to.lat === null || to.lng === null) return;
      const mid = Math.round((depart + arrive) / 2);
      const position = {
        lat: (from.lat + to.lat) / 2 + random.between(-0.001, 0.001),
        lng: (from.lng + to.lng) / 2 + random.between(-0.001, 0.001),
        accuracyM: random.int(5, 40),
      };
      add(mid, () => [{ id: id(), type: 'position', occurredAt: now(), teamId: team.id, position }]);
    };
    const visit = (station: Station, arrive: number, leave: number) => {
      const position =
        station.lat !== null && station.lng !== null
          ? { position: { lat: station.lat, lng: station.lng, accuracyM: random.int(5, 25) } }
          : {};
      add(arrive, () => [
        { id: id(), type: 'arrival', occurredAt: now(), teamId: team.id, stationId: station.id, ...position },
      ]);
      add(leave, () => [{ id: id(), type: 'departure', occurredAt: now(), teamId: team.id, stationId: station.id }]);
      // At each turnout hour the team is there for, the station's count of those who have voted so far.
      const count = population?.counts.get(station.id);
      for (const hour of count ? SIMULATED_TURNOUT : []) {
        if (hour.minute < arrive || hour.minute + 2 >= leave) continue;
        const voted = Math.round(count!.figures.foundInBoxes * hour.share);
        add(hour.minute + 2, () => [
          {
            id: id(),
            type: 'turnout',
            occurredAt: now(),
            teamId: team.id,
            stationId: station.id,
            at: hour.at,
            voted,
          },
        ]);
      }
    };
    /** After the count, the team copies the posted protocol. */
    const protocol = (station: Station, minute: number) => {
      const count = population?.counts.get(station.id);
      if (!count) return;
      closing.push({ station, teamId: team.id });
      add(minute, () => [
        {
          id: id(),
          type: 'results_protocol',
          occurredAt: now(),
          teamId: team.id,
          stationId: station.id,
          contestId: SIMULATED_CONTEST,
          figures: count.figures,
          votes: count.votes,
        },
      ]);
    };

    const first = route[0]!;
    const last = route[route.length - 1]!;
    const middle = route.length > 2 ? route.slice(1, -1) : [];
    // Opening at the first station: arrive before 07:00, checklist once it opens at 08:00.
    let t = random.int(DAY_START, DAY_START + 20);
    const leaveFirst = route.length === 1 ? 21 * 60 + random.int(30, 60) : random.int(8 * 60 + 15, 8 * 60 + 45);
    visit(first.station, t, leaveFirst);
    if (first.phases.includes('opening')) checklist(first.station, 'opening', random.int(8 * 60 + 2, 8 * 60 + 12), 0);
    if (first.phases.includes('voting') && route.length === 1)
      checklist(first.station, 'voting', random.int(12 * 60, 14 * 60), 0.5);
    if (route.length === 1 && first.phases.includes('closing')) {
      checklist(first.station, 'closing', random.int(21 * 60, 21 * 60 + 25), 1);
      protocol(first.station, 21 * 60 + 28);
    }
    findings(first.station, t + 10, leaveFirst - 5);
    t = leaveFirst;
    let previous = first.station;
    // Voting: the middle stations in route order, sharing the time until 19:00.
    const slot = middle.length ? Math.floor((19 * 60 - t) / middle.length) : 0;
    for (const stop of middle) {
      const shortest = Math.floor(Math.min(10, slot / 4));
      const arrive = t + random.int(shortest, Math.max(shortest, Math.floor(Math.min(35, slot / 3))));
      const leave = Math.max(arrive + 15, t + slot - random.int(0, 5));
      gaps.push({ teamId: team.id, from: t, to: arrive, near: stop.station });
      travel(previous, stop.station, t, arrive);
      visit(stop.station, arrive, leave);
      if (stop.phases.includes('voting'))
        checklist(
          stop.station,
          'voting',
          random.int(arrive + 10, Math.max(arrive + 10, leave - 5)),
          (arrive - 8 * 60) / (12 * 60),
        );
      findings(stop.station, arrive + 5, leave - 5);
      previous = stop.station;
      t = leave;
    }
    if (route.length > 1) {
      // Closing and counting at the last station.
      const arrive = Math.max(t + 15, random.int(19 * 60 + 15, 19 * 60 + 40));
      const leave = random.int(22 * 60, 22 * 60 + 20);
      travel(previous, last.station, t, arrive);
      visit(last.station, arrive, leave);
      if (last.phases.includes('voting')) checklist(last.station, 'voting', arrive + 10, 0.9);
      if (last.phases.includes('closing')) {
        checklist(last.station, 'closing', random.int(21 * 60 + 20, 21 * 60 + 50), 1);
        protocol(last.station, 21 * 60 + 55);
      }
      findings(last.station, arrive + 5, leave - 10);
    }
    if (team.id === help) {
      const at = random.int(15 * 60, 16 * 60);
      add(at, () => [
        {
          id: id(),
          type: 'help_request',
          occurredAt: now(),
          teamId: team.id,
          note: 'Aggressive man outside the station, we stepped away',
        },
      ]);
      add(at + random.int(15, 30), () => [
        { id: id(), type: 'help_resolved', occurredAt: now(), teamId: team.id, note: 'Police came, we are fine' },
      ]);
    }
  }
  // A detour: between two of its stops, a team looks in at a nearby station another team observes, and sees it
  // differently — the conflicting reports a coordinator has to resolve.
  let conflictStation: Station | null = null;
  const votingForm = formFor('voting');
  const detours = gaps.filter(
    (g) => g.teamId !== silent && g.to - g.from >= 6 && g.from >= 10 * 60 && g.from <= 17 * 60,
  );
  if (votingForm && detours.length) {
    const gap = random.pick(detours);
    // Not a station of the team that goes silent: its checklist may never come.
    const candidates = [...votingBy]
      .filter(([, by]) => by !== gap.teamId && by !== silent)
      .map(([id]) => byId.get(id)!);
    const target = candidates.sort((a, b) => distance(a, gap.near) - distance(b, gap.near))[0];
    if (target) {
      const seen: Assessment = moodOf(target) === 'bad' || moodOf(target) === 'very_bad' ? 'good' : 'bad';
      const answers = answersFor(votingForm, seen, random, figuresOf(target), 0.5);
      if (answers) {
        conflictStation = target;
        push(gap.teamId, gap.from + 1, () => [
          { id: id(), type: 'arrival', occurredAt: now(), teamId: gap.teamId, stationId: target.id },
        ]);
        push(gap.teamId, gap.from + 3, () => [
          {
            id: id(),
            type: 'checklist',
            occurredAt: now(),
            teamId: gap.teamId,
            stationId: target.id,
            form: votingForm.id,
            phase: 'voting',
            answers,
            assessment: seen,
          },
        ]);
        push(gap.teamId, gap.from + 5, () => [
          { id: id(), type: 'departure', occurredAt: now(), teamId: gap.teamId, stationId: target.id },
        ]);
      }
    }
  }

  // A stable order: by minute, then the order they were planned in (a team's events stay in order).
  const indexed = actions.map((a, i) => ({ a, i }));
  indexed.sort((x, y) => x.a.minute - y.a.minute || x.i - y.i);
  return {
    actions: indexed.map((x) => x.a),
    silentTeam: silent,
    helpTeam: help,
    cluster: [...clusterCategory.keys()].map((id) => byId.get(id)!),
    conflictStation,
    closing,
  };
}

export async function simulateDay(options: SimulationOptions): Promise<SimulationReport> {
  const log = options.log ?? (() => {});
  const stats = { retries: 0 };
  const call = client(options.url.replace(/\/+$/, ''), stats, log);
  const random = new SeededRandom(options.seed, 'rehearsal');

  const login = await call<{ token: string; mission: { name: string } }>('POST', '/api/auth/login', null, {
    username: options.username,
    password: options.password,
  });
  const coordinator = login.token;
  let mission = await call<{ drill: boolean; events: number; name: string }>('GET', '/api/mission', coordinator);
  if (!mission.drill) {
    if (!options.drill)
      throw new Error(
        `mission "${mission.name}" is live: a rehearsal plays only into a drill (pass --drill to switch an empty mission to drill mode)`,
      );
    try {
      mission = await call('PUT', '/api/mission/drill', coordinator, { drill: true });
    } catch (error) {
      if (error instanceof ApiError && error.status === 409)
        throw new Error(`cannot switch "${mission.name}" to drill mode: ${error.message}`, { cause: error });
      throw error;
    }
    log(`Mission "${mission.name}" is now in drill mode.`);
  }
  const [stations, teams, kit] = await Promise.all([
    call<{ stations: Station[] }>('GET', '/api/stations', coordinator),
    call<{ teams: Team[] }>('GET', '/api/teams', coordinator),
    call<FormsReply>('GET', '/api/forms', coordinator),
  ]);
  if (stations.stations.length === 0 || teams.teams.length === 0)
    throw new Error('the mission needs stations and teams to rehearse');

  // Each team's phone joins as a real phone does: a fresh join code, then POST /api/auth/join.
  const phones: Phone[] = [];
  for (const team of teams.teams) {
    const { code } = await call<{ code: string }>('POST', `/api/teams/${team.id}/join-codes`, coordinator);
    const joined = await call<{ token: string }>('POST', '/api/auth/join', null, { code });
    phones.push({ team, token: joined.token });
  }
  log(`${phones.length} team phones joined; ${stations.stations.length} stations.`);

  const population = options.results ? drawPopulation(stations.stations, options.seed) : null;
  const day = planDay(phones, stations.stations, kit, random, population);
  // The quick count's sample: the stations where teams close (the day's plan, not a random draw, but every station's
  // count swings independently around the electorate's shares, so the estimate is still fair).
  const sampleCodes = [...new Set(day.closing.map((c) => c.station.code))].sort();
  if (population) {
    await call('PUT', '/api/ballot', coordinator, simulatedBallot(sampleCodes));
    log(
      `Ballot set: one contest, turnout at ${SIMULATED_TURNOUT.map((h) => h.at).join(', ')}, ${sampleCodes.length} sample stations.`,
    );
  }
  const callSign = new Map(teams.teams.map((t) => [t.id, t.callSign]));
  if (day.silentTeam) log(`Team ${callSign.get(day.silentTeam)} will go silent after 13:00.`);
  if (day.helpTeam) log(`Team ${callSign.get(day.helpTeam)} will ask for help in the afternoon.`);
  const tokenOf = new Map(phones.map((p) => [p.team.id, p.token]));
  const report: Omit<SimulationReport, 'summary'> = {
    teams: phones.length,
    posted: 0,
    stored: 0,
    duplicate: 0,
    rejected: [],
    retries: 0,
    byType: {},
    silentTeam: day.silentTeam ? callSign.get(day.silentTeam)! : null,
    helpTeam: day.helpTeam ? callSign.get(day.helpTeam)! : null,
    clusterStations: day.cluster.map((s) => s.number),
    conflictStation: day.conflictStation?.number ?? null,
    results: null,
  };

  const msPerMinute = options.durationMs / (DAY_END - DAY_START);
  // The day runs compressed: the drill's own clock, started with it, lets the coordinators' alerts (silent teams,
  // polling hours) keep its pace, as they would on the real day.
  await call('PUT', '/api/mission/drill', coordinator, {
    drill: true,
    clock: { startsAt: clockOf(DAY_START), speed: drillSpeed(options.durationMs) },
  });
  const started = Date.now();
  let lastLoggedHour = -1;
  let next = 0;
  while (next < day.actions.length) {
    const due = day.actions[next]!.minute;
    await sleep(started + (due - DAY_START) * msPerMinute - Date.now());
    const elapsedMinute = DAY_START + (Date.now() - started) / msPerMinute;
    const batch: Action[] = [];
    while (next < day.actions.length && day.actions[next]!.minute <= elapsedMinute) batch.push(day.actions[next++]!);
    // Each phone sends its due reports together, in order; the phones send at the same time.
    const perTeam = new Map<string, EventInput[]>();
    for (const action of batch) perTeam.set(action.teamId, [...(perTeam.get(action.teamId) ?? []), ...action.make()]);
    await Promise.all(
      [...perTeam].map(async ([teamId, events]) => {
        const reply = await call<{ results: { status: string; error?: string }[] }>(
          'POST',
          '/api/events',
          tokenOf.get(teamId)!,
          { events },
        );
        reply.results.forEach((r, i) => {
          report.posted += 1;
          const type = events[i]!.type;
          if (r.status === 'stored') {
            report.stored += 1;
            report.byType[type] = (report.byType[type] ?? 0) + 1;
          } else if (r.status === 'duplicate') report.duplicate += 1;
          else report.rejected.push({ type, error: r.error ?? 'rejected' });
        });
      }),
    );
    const hour = Math.floor(Math.min(due, DAY_END) / 60);
    if (hour !== lastLoggedHour) {
      lastLoggedHour = hour;
      log(`${clockOf(Math.min(due, DAY_END))}  ${report.stored} events stored, ${report.rejected.length} refused`);
    }
  }
  report.retries = stats.retries;
  if (population) {
    // The commission publishes; at two observed stations (whose team was not silent) B's votes went partly to A.
    const pickFrom = new SeededRandom(options.seed, 'altered');
    const observed = day.closing.filter((c) => c.teamId !== day.silentTeam).map((c) => c.station);
    const altered = new Set<string>();
    while (altered.size < Math.min(2, observed.length)) altered.add(pickFrom.pick(observed).id);
    const imported = await postCsv<{ seq: number | null }>(
      options.url.replace(/\/+$/, ''),
      '/api/official-results/import',
      coordinator,
      officialCsv(stations.stations, population, altered),
    );
    report.results = {
      trueShares: population.trueShares,
      trueTurnout: population.trueTurnout,
      sampleStations: sampleCodes,
      alteredStations: stations.stations
        .filter((s) => altered.has(s.id))
        .map((s) => s.code)
        .sort(),
      officialImportSeq: imported.seq,
    };
    log(`Official results imported (seq ${imported.seq}); altered at ${report.results.alteredStations.join(', ')}.`);
  }
  const summary = await call<Summary>('GET', '/api/summary', coordinator);
  log(
    `Day over: ${report.stored} events stored (${Object.entries(report.byType)
      .map(([k, v]) => `${v} ${k}`)
      .join(', ')}), ${report.rejected.length} refused, ${report.retries} retries.`,
  );
  return { ...report, summary };
}

/** A CSV upload (the official results): refused files are errors, with the server's first problem. */
async function postCsv<T>(base: string, path: string, token: string, csv: string): Promise<T> {
  const res = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
    body: csv,
    signal: AbortSignal.timeout(60_000),
  });
  const body = safeJson(await res.text());
  if (!res.ok)
    throw new ApiError(
      res.status,
      body,
      `POST ${path} → ${res.status}: ${(body as { message?: string })?.message ?? ''}`,
    );
  return body as T;
}
