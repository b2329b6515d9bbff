/**
 * Election-day rules and read models, one batch at a time. Inside the ingest transaction, under the mission's head
 * lock, a batch loads every read-model row its events can touch in a few queries, applies each event in memory (checking
 * the rules that need state: the team and station are the mission's, a departure follows an arrival, a finding being
 * triaged exists...), then writes the changed rows back. Per event there is no round trip to the database, so a large
 * batch costs about as much as a small one.
 *
 * This module loads the rows, checks what every event shares (who may send it, whose team and station it names, the
 * field kit, the record's start) and hands each event to the applier of its aggregate: visits and presence, findings,
 * team status, station status, plans, conflicts and messages each keep their own rows and flush them.
 */
import { and, eq, inArray, isNull, ne, or } from 'drizzle-orm';
import type { Tx } from '../../../db/client';
import { inList } from '../../../db/in-list';
import {
  coordinators,
  findings,
  missions,
  stationStatus,
  stations,
  teamStatus,
  teams,
  visits,
} from '../../../db/schema/index';
import type { EventInput, Severity } from '../../../shared/schemas/events';
import type { StatusPatch } from '../../../shared/realtime';
import type { InboxItem } from '../../../shared/schemas/messages';
import type { Principal } from '../auth/principal';
import { checkFieldRules, loadFieldRules, type FieldRules } from '../forms/field-rules';
import { StationStatusBatch } from '../stations/station-status.projection';
import { TeamStatusBatch } from '../teams/team-status.projection';
import { PlanBatch } from '../teams/plan.projection';
import { FindingBatch } from '../findings/findings.projection';
import { ConflictBatch } from '../conflicts/conflicts.projection';
import { MessageBatch } from '../messages/messages.projection';
import { ResultsBatch } from '../results/results.projection';
import { VisitBatch } from './visits.projection';
import { applyEvent, type Applied, type ReadModels } from './read-model-rules';

export type { Applied };

function reject(field: string, error: string): Applied {
  return { ok: false, field, error };
}

/** Only coordinators triage; teams write as themselves only. */
function checkActor(principal: Principal, event: EventInput): Applied | null {
  if (event.type === 'finding_status') {
    return principal.role === 'coordinator'
      ? null
      : reject('/type', 'only coordinators change the status of a finding');
  }
  if (event.type === 'finding_assigned') {
    return principal.role === 'coordinator' ? null : reject('/type', 'only coordinators assign a finding');
  }
  if (
    event.type === 'plan_changed' ||
    event.type === 'conflict_resolved' ||
    event.type === 'ballot_set' ||
    event.type === 'official_results_imported'
  ) {
    return principal.role === 'coordinator' ? null : reject('/type', `only coordinators post ${event.type}`);
  }
  if (event.type === 'team_alert_acknowledged') {
    return principal.role === 'coordinator' ? null : reject('/type', "only coordinators acknowledge a team's alert");
  }
  if (event.type === 'message_sent') {
    return principal.role === 'coordinator'
      ? null
      : reject('/type', 'only coordinators send messages to teams (a team answers with team_message)');
  }
  if ((event.type === 'message_read' || event.type === 'team_message') && principal.role !== 'team') {
    return reject('/type', `only a team's phone posts ${event.type}`);
  }
  if (principal.role === 'team' && event.teamId !== principal.teamId) {
    return reject('/teamId', 'a team may post events only as itself');
  }
  return null;
}

const teamOf = (e: EventInput) => ('teamId' in e ? e.teamId : undefined);
const stationOf = (e: EventInput) => ('stationId' in e ? e.stationId : undefined);
const unique = <T>(values: (T | undefined)[]) => [...new Set(values.filter((v): v is T => v !== undefined))];

export class ReadModelBatch {
  readonly #teamIds: ReadonlySet<string>;
  readonly #stationIds: ReadonlySet<string>;
  readonly #teams: TeamStatusBatch;
  readonly #stations: StationStatusBatch;
  readonly #visits: VisitBatch;
  readonly #findings: FindingBatch;
  /** The mission's forms, finding categories and the photos the batch names. */
  readonly #fieldRules: FieldRules;
  readonly #conflicts: ConflictBatch;
  readonly #plans: PlanBatch;
  readonly #messages: MessageBatch;
  readonly #results: ResultsBatch;
  /** Reports made before the mission went live after a drill are drill reports sent late: not part of the record. */
  readonly #recordStartsAt: Date | null;
  /** The aggregates, as the read-model rules change them. */
  readonly #models: ReadModels;

  private constructor(parts: {
    teamIds: ReadonlySet<string>;
    stationIds: ReadonlySet<string>;
    teams: TeamStatusBatch;
    stations: StationStatusBatch;
    visits: VisitBatch;
    findings: FindingBatch;
    fieldRules: FieldRules;
    conflicts: ConflictBatch;
    plans: PlanBatch;
    messages: MessageBatch;
    results: ResultsBatch;
    recordStartsAt: Date | null;
    coordinatorNames: ReadonlySet<string>;
  }) {
    this.#teamIds = parts.teamIds;
    this.#stationIds = parts.stationIds;
    this.#teams = parts.teams;
    this.#stations = parts.stations;
    this.#visits = parts.visits;
    this.#findings = parts.findings;
    this.#fieldRules = parts.fieldRules;
    this.#conflicts = parts.conflicts;
    this.#plans = parts.plans;
    this.#messages = parts.messages;
    this.#results = parts.results;
    this.#recordStartsAt = parts.recordStartsAt;
    const stationIds = parts.stationIds;
    this.#models = {
      teams: parts.teams,
      stations: parts.stations,
      visits: parts.visits,
      findings: parts.findings,
      conflicts: parts.conflicts,
      plans: parts.plans,
      messages: parts.messages,
      results: parts.results,
      isStation: (id) => stationIds.has(id),
      // Usernames of the mission's coordinators that the batch assigns findings to.
      isCoordinator: (username) => parts.coordinatorNames.has(username),
    };
  }

  /** Loads, in a few queries, every row the batch's events may read or change. */
  static async load(tx: Tx, missionId: string, events: EventInput[]): Promise<ReadModelBatch> {
    const teamIds = unique(events.map(teamOf));
    // A plan names its stations in a list: they must be the mission's too.
    const plannedStationIds = events.flatMap((e) =>
      e.type === 'plan_changed' ? e.stations.map((s) => s.stationId) : [],
    );
    const stationIds = unique([...events.map(stationOf), ...plannedStationIds]);
    const findingIds = unique(
      events.map((e) => (e.type === 'finding_status' || e.type === 'finding_assigned' ? e.findingId : undefined)),
    );
    const assignees = unique(
      events.map((e) => (e.type === 'finding_assigned' ? (e.assignee ?? undefined) : undefined)),
    );
    // Every read goes out at once (pipelined on the transaction's connection: one round trip). Reads that depend on
    // another's answer (the status rows of the mission's teams, the stations those teams are at) ask Postgres for a
    // superset through a subquery instead of waiting for it, and are narrowed below to what the first reads allow.
    const eventFindingStationIds = unique(events.map((e) => (e.type === 'finding' ? e.stationId : undefined)));
    const openVisitsOfTeams = and(
      eq(visits.missionId, missionId),
      inList(visits.teamId, teamIds, 'uuid'),
      isNull(visits.departedAt),
    );
    const stationsOfFindings = tx
      .select({ stationId: findings.stationId })
      .from(findings)
      .where(and(eq(findings.missionId, missionId), inList(findings.id, findingIds, 'uuid')));
    const candidateStations = [
      ...(stationIds.length ? [inList(stationStatus.stationId, stationIds, 'uuid')] : []),
      ...(teamIds.length
        ? [
            inArray(
              stationStatus.stationId,
              tx.select({ stationId: visits.stationId }).from(visits).where(openVisitsOfTeams),
            ),
          ]
        : []),
      ...(findingIds.length ? [inArray(stationStatus.stationId, stationsOfFindings)] : []),
    ];
    const candidateFindingStations = [
      ...(eventFindingStationIds.length ? [inList(findings.stationId, eventFindingStationIds, 'uuid')] : []),
      ...(findingIds.length ? [inArray(findings.stationId, stationsOfFindings)] : []),
    ];
    const [
      teamRows,
      stationRows,
      findingRows,
      fieldRules,
      conflicts,
      missionRows,
      messages,
      coordinatorRows,
      results,
      candidateStatusRows,
      candidateVisitRows,
      candidateStationStatusRows,
      candidateOpenFindingRows,
    ] = await Promise.all([
      teamIds.length
        ? tx
            .select({ id: teams.id })
            .from(teams)
            .where(and(eq(teams.missionId, missionId), inList(teams.id, teamIds, 'uuid')))
        : [],
      stationIds.length
        ? tx
            .select({ id: stations.id })
            .from(stations)
            .where(and(eq(stations.missionId, missionId), inList(stations.id, stationIds, 'uuid')))
        : [],
      findingIds.length
        ? tx
            .select()
            .from(findings)
            .where(and(eq(findings.missionId, missionId), inList(findings.id, findingIds, 'uuid')))
        : [],
      loadFieldRules(tx, missionId, events),
      ConflictBatch.load(tx, missionId, events),
      tx.select({ recordStartsAt: missions.recordStartsAt }).from(missions).where(eq(missions.id, missionId)),
      MessageBatch.load(tx, missionId, events),
      assignees.length
        ? tx
            .select({ username: coordinators.username })
            .from(coordinators)
            .where(and(eq(coordinators.missionId, missionId), inList(coordinators.username, assignees, 'text')))
        : [],
      ResultsBatch.load(tx, missionId, events),
      teamIds.length
        ? tx
            .select()
            .from(teamStatus)
            .where(and(eq(teamStatus.missionId, missionId), inList(teamStatus.teamId, teamIds, 'uuid')))
        : [],
      teamIds.length ? tx.select().from(visits).where(openVisitsOfTeams) : [],
      candidateStations.length
        ? tx
            .select()
            .from(stationStatus)
            .where(and(eq(stationStatus.missionId, missionId), or(...candidateStations)))
        : [],
      candidateFindingStations.length
        ? tx
            .select({ id: findings.id, stationId: findings.stationId, severity: findings.severity })
            .from(findings)
            .where(
              and(eq(findings.missionId, missionId), ne(findings.status, 'resolved'), or(...candidateFindingStations)),
            )
        : [],
    ]);
    const missionTeamIds = new Set(teamRows.map((r) => r.id));
    const missionStationIds = new Set(stationRows.map((r) => r.id));
    const members = [...missionTeamIds];
    const statusRows = candidateStatusRows.filter((r) => missionTeamIds.has(r.teamId));
    const openVisitRows = candidateVisitRows.filter((r) => missionTeamIds.has(r.teamId));

    // Stations the batch can change: those it names, those its teams are at now, those of the findings it triages.
    const findingStations = unique([
      ...events.map((e) =>
        e.type === 'finding' && e.stationId !== undefined && missionStationIds.has(e.stationId)
          ? e.stationId
          : undefined,
      ),
      ...findingRows.map((f) => f.stationId ?? undefined),
    ]);
    const touchable = new Set([...missionStationIds, ...openVisitRows.map((v) => v.stationId), ...findingStations]);
    const stationStatusRows = candidateStationStatusRows.filter((r) => touchable.has(r.stationId));
    const findingStationSet = new Set(findingStations);
    const openFindingRows = candidateOpenFindingRows.filter(
      (r) => r.stationId !== null && findingStationSet.has(r.stationId),
    );
    const openByStation = new Map<string, Map<string, Severity>>(findingStations.map((id) => [id, new Map()]));
    for (const row of openFindingRows)
      if (row.stationId !== null) openByStation.get(row.stationId)!.set(row.id, row.severity);

    const teamStatuses = new TeamStatusBatch(statusRows);
    const stationStatuses = new StationStatusBatch(stationStatusRows);
    return new ReadModelBatch({
      teamIds: missionTeamIds,
      stationIds: missionStationIds,
      teams: teamStatuses,
      stations: stationStatuses,
      visits: new VisitBatch(missionId, members, openVisitRows, stationStatuses, teamStatuses),
      findings: new FindingBatch(missionId, findingRows, openByStation, stationStatuses),
      fieldRules,
      conflicts,
      plans: new PlanBatch(missionId),
      messages,
      results,
      recordStartsAt: missionRows[0]?.recordStartsAt ?? null,
      coordinatorNames: new Set(coordinatorRows.map((r) => r.username)),
    });
  }

  /** Checks one event against the rules and, if it passes, applies it to the rows in memory. */
  apply(principal: Principal, event: EventInput, seq: number): Applied {
    const actorProblem = checkActor(principal, event);
    if (actorProblem) return actorProblem;
    const teamId = teamOf(event);
    if (teamId !== undefined && !this.#teamIds.has(teamId)) return reject('/teamId', 'no such team in this mission');
    const stationId = stationOf(event);
    if (stationId !== undefined && !this.#stationIds.has(stationId))
      return reject('/stationId', 'no such station in this mission');
    // Checklists answer the mission's own forms; findings use its categories and name photos it holds.
    const fieldVerdict = checkFieldRules(event, this.#fieldRules);
    if (!fieldVerdict.ok) return reject(fieldVerdict.field, fieldVerdict.error);

    const at = new Date(event.occurredAt);
    if (this.#recordStartsAt && at < this.#recordStartsAt) {
      return reject('/occurredAt', 'made before the mission went live: a drill report, not part of the record');
    }
    return applyEvent(this.#models, principal, event, at, seq);
  }

  /**
   * Writes every changed row back, all sent at once: the connection runs them in the order they are sent, so the new
   * rows are in before the updates that may follow them, with no round trip between.
   */
  async flush(tx: Tx): Promise<void> {
    await Promise.all([
      ...this.#visits.insert(tx),
      ...this.#findings.insert(tx),
      ...this.#visits.update(tx),
      ...this.#findings.update(tx),
      ...this.#teams.flush(tx),
      ...this.#stations.flush(tx),
      this.#conflicts.flush(tx),
      this.#plans.flush(tx),
      this.#messages.flush(tx),
      this.#results.flush(tx),
    ]);
  }

  /** What this batch put in teams' inboxes: each goes to its team's phones. */
  deliveries(): InboxItem[] {
    return this.#messages.deliveries();
  }

  /** The read-model rows this batch changed, as the realtime layer sends them. */
  patch(): StatusPatch {
    return { stations: this.#stations.patch(), teams: this.#teams.patch() };
  }
}
