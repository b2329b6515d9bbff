/**
 * The mission's read models at one sequence number, held in memory and moved forward event by event with the same
 * appliers and rules the ingest projector uses (`events/read-model-rules.ts`), so a replayed moment cannot disagree
 * with what the live state was. It serialises to a compact snapshot (rows that ever changed, open visits, findings).
 */
import type { EventInput } from '../../../shared/schemas/events';
import type { Severity } from '../../../shared/schemas/events';
import type { ReplayFinding } from '../../../shared/schemas/replay';
import type { StationStatus } from '../../../shared/schemas/stations';
import type { TeamStatus } from '../../../shared/schemas/teams';
import type { EventRow } from '../log/rows';
import type { StationStatusFigures } from '../coverage/coverage.service';
import { StationStatusBatch, type StationStatusRow } from '../stations/station-status.projection';
import { toStationStatus } from '../stations/station-wire';
import { TeamStatusBatch, type TeamStatusRow } from '../teams/team-status.projection';
import { toTeamStatus } from '../teams/team-status';
import { FindingBatch, type FindingRow } from '../findings/findings.projection';
import { VisitBatch, type VisitRow } from '../events/visits.projection';
import { applyEvent, type ReadModels } from '../events/read-model-rules';

/** Rows of a snapshot turned into JSON per turn of the event loop (a few milliseconds of work). */
const SERIALIZE_ROWS_PER_STEP = 2000;

interface Snapshot {
  seq: number;
  stations: StationStatusRow[];
  teams: TeamStatusRow[];
  openVisits: VisitRow[];
  findings: FindingRow[];
}

const emptyStation = (missionId: string, stationId: string): StationStatusRow => ({
  stationId,
  missionId,
  presentTeamIds: [],
  visitCount: 0,
  firstVisitAt: null,
  lastVisitAt: null,
  latestAssessments: {},
  openFindings: 0,
  worstOpenSeverity: null,
  updatedSeq: 0,
});

const emptyTeam = (missionId: string, teamId: string): TeamStatusRow => ({
  teamId,
  missionId,
  lastSeenAt: null,
  currentStationId: null,
  lastLat: null,
  lastLng: null,
  lastPositionAt: null,
  helpOpen: false,
  helpRequestedAt: null,
  helpAcknowledgedAt: null,
  silentAcknowledgedAt: null,
  updatedSeq: 0,
});

/** The time fields of each kind of row (JSON holds them as ISO strings; `latestAssessments[].at` stays a string). */
const TIMES = {
  stations: ['firstVisitAt', 'lastVisitAt'],
  teams: ['lastSeenAt', 'lastPositionAt', 'helpRequestedAt', 'helpAcknowledgedAt', 'silentAcknowledgedAt'],
  openVisits: ['arrivedAt', 'departedAt'],
  findings: ['reportedAt', 'statusChangedAt', 'acknowledgedAt', 'resolvedAt', 'assignedAt'],
} as const satisfies { [K in keyof Omit<Snapshot, 'seq'>]: readonly (keyof Snapshot[K][number])[] };

type TimeKeys<R> = { [K in keyof R]-?: Extract<R[K], Date> extends never ? never : K }[keyof R];
/** A row that gains a time field the lists above miss fails to compile here. */
type Unlisted = {
  [K in keyof typeof TIMES]: Exclude<TimeKeys<Snapshot[K][number]>, (typeof TIMES)[K][number]>;
}[keyof typeof TIMES];
export const EVERY_TIME_LISTED: [Unlisted] extends [never] ? true : never = true;

function reviveTimes(snapshot: Snapshot): Snapshot {
  for (const kind of Object.keys(TIMES) as (keyof typeof TIMES)[]) {
    for (const row of snapshot[kind] as unknown as Record<string, unknown>[]) {
      for (const key of TIMES[kind]) {
        const value = row[key];
        if (typeof value === 'string') row[key] = new Date(value);
      }
    }
  }
  return snapshot;
}

/** A stored event as the input the rules take: its envelope columns back beside its own fields. */
function inputOf(row: EventRow): EventInput {
  return {
    ...row.payload,
    id: row.id,
    type: row.type,
    occurredAt: row.occurredAt.toISOString(),
    ...(row.teamId !== null ? { teamId: row.teamId } : {}),
    ...(row.stationId !== null ? { stationId: row.stationId } : {}),
  } as EventInput;
}

export class ReplayState {
  #seq: number;
  readonly #stationIds: ReadonlySet<string>;
  readonly #stations: StationStatusBatch;
  readonly #teams: TeamStatusBatch;
  readonly #findings: FindingBatch;
  readonly #visits: VisitBatch;
  readonly #models: ReadModels;
  /** The event being applied: what a no-op side model answers with. */
  #current: EventRow | null = null;
  /** Events the rules refused on replay although the log holds them (should stay 0: the log was checked by them). */
  #refused = 0;

  private constructor(missionId: string, stationIds: string[], teamIds: string[], from: Snapshot) {
    this.#seq = from.seq;
    this.#stationIds = new Set(stationIds);
    const stationRows = new Map(stationIds.map((id) => [id, emptyStation(missionId, id)]));
    for (const row of from.stations) if (stationRows.has(row.stationId)) stationRows.set(row.stationId, row);
    const teamRows = new Map(teamIds.map((id) => [id, emptyTeam(missionId, id)]));
    for (const row of from.teams) if (teamRows.has(row.teamId)) teamRows.set(row.teamId, row);
    this.#stations = new StationStatusBatch([...stationRows.values()]);
    this.#teams = new TeamStatusBatch([...teamRows.values()]);
    const openByStation = new Map<string, Map<string, Severity>>(stationIds.map((id) => [id, new Map()]));
    for (const f of from.findings) {
      if (f.stationId !== null && f.status !== 'resolved') openByStation.get(f.stationId)?.set(f.id, f.severity);
    }
    this.#findings = new FindingBatch(missionId, from.findings, openByStation, this.#stations);
    this.#visits = new VisitBatch(missionId, teamIds, from.openVisits, this.#stations, this.#teams);
    const accepted = () => ({
      ok: true as const,
      teamId: this.#current?.teamId ?? null,
      stationId: this.#current?.stationId ?? null,
    });
    this.#models = {
      stations: this.#stations,
      teams: this.#teams,
      findings: this.#findings,
      visits: this.#visits,
      // What the log's events did to conflicts, plans and teams' inboxes is no part of a moment's map and teams;
      // they were accepted when stored, so here they are taken as they are.
      conflicts: {
        noteChecklist: () => {},
        noteProtocol: () => {},
        resolve: () => ({ ok: true, stationId: this.#current?.stationId ?? '' }),
      },
      plans: { change: () => ({ ok: true }) },
      messages: { notice: () => {}, send: accepted, read: accepted, reply: accepted },
      // Nor are the ballot, turnout and protocols (a protocol or turnout report still counts as a team's sign of life).
      results: { setBallot: () => ({ ok: true }), turnout: () => ({ ok: true }), protocol: () => ({ ok: true }) },
      isStation: (id) => this.#stationIds.has(id),
      isCoordinator: () => true,
    };
  }

  /** The mission before its first event. */
  static empty(missionId: string, stationIds: string[], teamIds: string[]): ReplayState {
    return new ReplayState(missionId, stationIds, teamIds, {
      seq: 0,
      stations: [],
      teams: [],
      openVisits: [],
      findings: [],
    });
  }

  /** From a snapshot; stations and teams added since start empty. */
  static restore(missionId: string, stationIds: string[], teamIds: string[], json: string): ReplayState {
    return new ReplayState(missionId, stationIds, teamIds, reviveTimes(JSON.parse(json) as Snapshot));
  }

  get seq(): number {
    return this.#seq;
  }

  get refused(): number {
    return this.#refused;
  }

  /** The next event of the log (seq order, no gaps). */
  apply(row: EventRow): void {
    if (row.seq !== this.#seq + 1) throw new Error(`replay expected event ${this.#seq + 1}, got ${row.seq}`);
    this.#current = row;
    const applied = applyEvent(this.#models, row.actor, inputOf(row), row.occurredAt, row.seq);
    if (!applied.ok) this.#refused += 1;
    this.#current = null;
    this.#seq = row.seq;
  }

  /**
   * The state as a snapshot's JSON text, made a slice of rows at a time with the event loop free in between: a national
   * mission's snapshot is tens of megabytes of JSON, which made in one call held the loop for hundreds of milliseconds
   * every few thousand events. The state must not change meanwhile (replays of a mission run one at a time).
   */
  async serializeInSteps(rowsPerStep = SERIALIZE_ROWS_PER_STEP): Promise<string> {
    const snapshot = this.#snapshot();
    const parts: string[] = [`{"seq":${JSON.stringify(snapshot.seq)}`];
    for (const key of ['stations', 'teams', 'openVisits', 'findings'] as const) {
      const rows: readonly unknown[] = snapshot[key];
      const pieces: string[] = [];
      for (let start = 0; start < rows.length; start += rowsPerStep) {
        const slice = JSON.stringify(rows.slice(start, start + rowsPerStep));
        pieces.push(slice.slice(1, -1));
        if (start + rowsPerStep < rows.length) await new Promise((resolve) => setImmediate(resolve));
      }
      parts.push(`${JSON.stringify(key)}:[${pieces.join(',')}]`);
    }
    return `${parts.join(',')}}`;
  }

  #snapshot(): Snapshot {
    return {
      seq: this.#seq,
      // Rows never changed are rebuilt empty: a national list's untouched stations cost nothing.
      stations: this.#stations.rows().filter((r) => r.updatedSeq > 0),
      teams: this.#teams.rows().filter((r) => r.updatedSeq > 0),
      openVisits: this.#visits.openVisits(),
      findings: this.#findings.rows(),
    };
  }

  stations(): { id: string; status: StationStatus }[] {
    return this.#stations.rows().map((row) => ({ id: row.stationId, status: toStationStatus(row) }));
  }

  /** The stations that changed since the start, as coverage counts them. */
  stationFigures(): StationStatusFigures[] {
    return this.#stations
      .rows()
      .filter((r) => r.updatedSeq > 0)
      .map((r) => ({
        stationId: r.stationId,
        visitCount: r.visitCount,
        firstVisitAt: r.firstVisitAt?.toISOString() ?? null,
        latestAssessments: r.latestAssessments,
        presentTeamIds: r.presentTeamIds,
      }));
  }

  teams(): { id: string; status: TeamStatus }[] {
    return this.#teams.rows().map((row) => ({ id: row.teamId, status: toTeamStatus(row) }));
  }

  /** Newest first, as the findings feed lists them. */
  findings(): ReplayFinding[] {
    return this.#findings
      .rows()
      .sort((a, b) => b.seq - a.seq)
      .map((f) => ({
        id: f.id,
        seq: f.seq,
        category: f.category,
        severity: f.severity,
        status: f.status,
        stationId: f.stationId,
        teamId: f.teamId,
        reportedAt: f.reportedAt.toISOString(),
        statusChangedAt: f.statusChangedAt?.toISOString() ?? null,
        position: f.lat !== null && f.lng !== null ? { lat: f.lat, lng: f.lng } : null,
      }));
  }
}
