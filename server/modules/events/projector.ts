/**
 * Election-day rules and read models, one batch at a time. Inside the ingest transaction, under the mission's head
 * lock, a batch loads every read-model row its events can touch in a few queries, applies each event in memory (checking
 * the rules that need state: the team and station are the mission's, a departure follows an arrival, a finding being
 * triaged exists...), then writes the changed rows back. Per event there is no round trip to the database, so a large
 * batch costs about as much as a small one.
 */
import { and, eq, inArray, isNull, ne } from 'drizzle-orm';
import type { Tx } from '../../../db/client';
import { findings, missions, stationStatus, stations, teamStatus, teams, visits } from '../../../db/schema/index';
import { SEVERITIES, type EventInput, type EventInputOf, type Severity } from '../../../shared/schemas/events';
import type { StatusPatch } from '../../../shared/realtime';
import type { Principal } from '../auth/principal';
import { toStationStatus } from '../stations/station-wire';
import { toTeamStatus } from '../teams/team-status';
import { checkFieldRules, loadFieldRules, type FieldRules } from '../forms/field-rules';
import { ConflictBatch } from '../conflicts/conflicts.projection';
import { PlanBatch } from '../teams/plan.projection';
import { MessageBatch } from '../messages/messages.projection';
import type { InboxItem } from '../../../shared/schemas/messages';

type TeamStatusRow = typeof teamStatus.$inferSelect;
type StationStatusRow = typeof stationStatus.$inferSelect;
type VisitRow = typeof visits.$inferSelect;
type FindingRow = typeof findings.$inferSelect;

export type Applied =
  | { ok: true; teamId: string | null; stationId: string | null }
  | { ok: false; field: string; error: string };

function reject(field: string, error: string): Applied {
  return { ok: false, field, error };
}

/** Only coordinators triage; teams write as themselves only. */
function checkActor(principal: Principal, event: EventInput): Applied | null {
  if (event.type === 'finding_status') {
    return principal.role === 'coordinator' ? null : reject('/type', 'only coordinators change the status of a finding');
  }
  if (event.type === 'plan_changed' || event.type === 'conflict_resolved') {
    return principal.role === 'coordinator' ? null : reject('/type', `only coordinators post ${event.type}`);
  }
  if (event.type === 'team_alert_acknowledged') {
    return principal.role === 'coordinator' ? null : reject('/type', "only coordinators acknowledge a team's alert");
  }
  if (event.type === 'message_sent') {
    return principal.role === 'coordinator' ? null : reject('/type', 'only coordinators send messages to teams (a team answers with team_message)');
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

interface TeamChange {
  position?: { lat: number; lng: number } | undefined;
  currentStationId?: string | null;
  help?: { open: boolean; at: Date };
  /** False when a coordinator acts on the team's behalf: that is no news of the team itself. */
  signOfLife?: boolean;
}

export class ReadModelBatch {
  readonly #missionId: string;
  readonly #teamIds: Set<string>;
  readonly #stationIds: Set<string>;
  readonly #teams = new Map<string, TeamStatusRow>();
  readonly #stations = new Map<string, StationStatusRow>();
  /** Each loaded team's open visit (null: none). */
  readonly #openVisit = new Map<string, VisitRow | null>();
  readonly #visits = new Map<string, VisitRow>();
  readonly #findings = new Map<string, FindingRow>();
  /** Open findings per station, for the stations whose findings this batch can change. */
  readonly #openFindings = new Map<string, Map<string, Severity>>();
  readonly #dirty = { teams: new Set<string>(), stations: new Set<string>(), visits: new Set<string>(), findings: new Set<string>() };
  readonly #created = { visits: new Set<string>(), findings: new Set<string>() };
  /** The mission's forms, finding categories and the photos the batch names. */
  readonly #fieldRules: FieldRules;
  readonly #conflicts: ConflictBatch;
  readonly #plans = new PlanBatch();
  readonly #messages: MessageBatch;
  /** Reports made before the mission went live after a drill are drill reports sent late: not part of the record. */
  #recordStartsAt: Date | null = null;

  private constructor(
    missionId: string,
    teamIds: Set<string>,
    stationIds: Set<string>,
    fieldRules: FieldRules,
    conflicts: ConflictBatch,
    messages: MessageBatch,
  ) {
    this.#missionId = missionId;
    this.#messages = messages;
    this.#teamIds = teamIds;
    this.#stationIds = stationIds;
    this.#fieldRules = fieldRules;
    this.#conflicts = conflicts;
  }

  /** Loads, in a few queries, every row the batch's events may read or change. */
  static async load(tx: Tx, missionId: string, events: EventInput[]): Promise<ReadModelBatch> {
    const teamIds = unique(events.map(teamOf));
    // A plan names its stations in a list: they must be the mission's too.
    const plannedStationIds = events.flatMap((e) => (e.type === 'plan_changed' ? e.stations.map((s) => s.stationId) : []));
    const stationIds = unique([...events.map(stationOf), ...plannedStationIds]);
    const findingIds = unique(events.map((e) => (e.type === 'finding_status' ? e.findingId : undefined)));
    const [teamRows, stationRows, findingRows, fieldRules, conflictBatch, missionRows, messageBatch] = await Promise.all([
      teamIds.length ? tx.select({ id: teams.id }).from(teams).where(and(eq(teams.missionId, missionId), inArray(teams.id, teamIds))) : [],
      stationIds.length
        ? tx.select({ id: stations.id }).from(stations).where(and(eq(stations.missionId, missionId), inArray(stations.id, stationIds)))
        : [],
      findingIds.length
        ? tx.select().from(findings).where(and(eq(findings.missionId, missionId), inArray(findings.id, findingIds)))
        : [],
      loadFieldRules(tx, missionId, events),
      ConflictBatch.load(tx, missionId, events),
      tx.select({ recordStartsAt: missions.recordStartsAt }).from(missions).where(eq(missions.id, missionId)),
      MessageBatch.load(tx, missionId, events),
    ]);
    const batch = new ReadModelBatch(
      missionId,
      new Set(teamRows.map((r) => r.id)),
      new Set(stationRows.map((r) => r.id)),
      fieldRules,
      conflictBatch,
      messageBatch,
    );
    batch.#recordStartsAt = missionRows[0]?.recordStartsAt ?? null;
    const members = [...batch.#teamIds];
    const [statusRows, openVisitRows] = await Promise.all([
      members.length ? tx.select().from(teamStatus).where(inArray(teamStatus.teamId, members)) : [],
      members.length ? tx.select().from(visits).where(and(inArray(visits.teamId, members), isNull(visits.departedAt))) : [],
    ]);
    for (const row of statusRows) batch.#teams.set(row.teamId, row);
    for (const id of members) batch.#openVisit.set(id, null);
    for (const row of openVisitRows) {
      batch.#openVisit.set(row.teamId, row);
      batch.#visits.set(row.id, row);
    }
    for (const row of findingRows) batch.#findings.set(row.id, row);

    // Stations the batch can change: those it names, those its teams are at now, those of the findings it triages.
    const findingStations = unique([
      ...events.map((e) => (e.type === 'finding' && e.stationId !== undefined && batch.#stationIds.has(e.stationId) ? e.stationId : undefined)),
      ...findingRows.map((f) => f.stationId ?? undefined),
    ]);
    const touchable = unique([...batch.#stationIds, ...openVisitRows.map((v) => v.stationId), ...findingStations]);
    const [stationStatusRows, openFindingRows] = await Promise.all([
      touchable.length ? tx.select().from(stationStatus).where(inArray(stationStatus.stationId, touchable)) : [],
      findingStations.length
        ? tx
            .select({ id: findings.id, stationId: findings.stationId, severity: findings.severity })
            .from(findings)
            .where(and(inArray(findings.stationId, findingStations), ne(findings.status, 'resolved')))
        : [],
    ]);
    for (const row of stationStatusRows) batch.#stations.set(row.stationId, row);
    for (const id of findingStations) batch.#openFindings.set(id, new Map());
    for (const row of openFindingRows) if (row.stationId !== null) batch.#openFindings.get(row.stationId)!.set(row.id, row.severity);
    return batch;
  }

  /** Checks one event against the rules and, if it passes, applies it to the rows in memory. */
  apply(principal: Principal, event: EventInput, seq: number): Applied {
    const actorProblem = checkActor(principal, event);
    if (actorProblem) return actorProblem;
    const teamId = teamOf(event);
    if (teamId !== undefined && !this.#teamIds.has(teamId)) return reject('/teamId', 'no such team in this mission');
    const stationId = stationOf(event);
    if (stationId !== undefined && !this.#stationIds.has(stationId)) return reject('/stationId', 'no such station in this mission');
    // Checklists answer the mission's own forms; findings use its categories and name photos it holds.
    const fieldVerdict = checkFieldRules(event, this.#fieldRules);
    if (!fieldVerdict.ok) return reject(fieldVerdict.field, fieldVerdict.error);

    const at = new Date(event.occurredAt);
    if (this.#recordStartsAt && at < this.#recordStartsAt) {
      return reject('/occurredAt', 'made before the mission went live: a drill report, not part of the record');
    }
    switch (event.type) {
      case 'arrival':
        return this.#arrive(event, at, seq);
      case 'departure':
        return this.#depart(event, at, seq);
      case 'checklist':
        return this.#recordChecklist(event, at, seq);
      case 'finding':
        return this.#recordFinding(event, at, seq);
      case 'finding_status':
        return this.#changeFindingStatus(event, at, seq, principal.name);
      case 'team_alert_acknowledged':
        return this.#acknowledgeAlert(event, at, seq, principal.name);
      case 'position':
        this.#seeTeam(event.teamId, at, seq, { position: event.position });
        return { ok: true, teamId: event.teamId, stationId: event.stationId ?? null };
      case 'help_request':
        this.#seeTeam(event.teamId, at, seq, { position: event.position, help: { open: true, at } });
        return { ok: true, teamId: event.teamId, stationId: event.stationId ?? null };
      case 'help_resolved':
        return this.#resolveHelp(event, at, seq, principal);
      case 'message_sent': {
        const verdict = this.#messages.send(event, at, seq, principal.name);
        return verdict.ok ? verdict : reject(verdict.field, verdict.error);
      }
      case 'message_read':
      case 'team_message': {
        const verdict = event.type === 'message_read' ? this.#messages.read(event, at) : this.#messages.reply(event, at, seq, principal.name);
        if (verdict.ok) this.#seeTeam(event.teamId, at, seq);
        return verdict.ok ? verdict : reject(verdict.field, verdict.error);
      }
      case 'plan_changed': {
        const verdict = this.#plans.change(event, (id) => this.#stationIds.has(id));
        return verdict.ok ? { ok: true, teamId: event.teamId, stationId: null } : reject(verdict.field, verdict.error);
      }
      case 'conflict_resolved': {
        const verdict = this.#conflicts.resolve(event, at, seq);
        return verdict.ok ? { ok: true, teamId: null, stationId: verdict.stationId } : reject(verdict.field, verdict.error);
      }
    }
  }

  /** Writes every changed row back, in one statement per table and kind where possible. */
  async flush(tx: Tx): Promise<void> {
    const newVisits = [...this.#created.visits].map((id) => this.#visits.get(id)!);
    const newFindings = [...this.#created.findings].map((id) => this.#findings.get(id)!);
    if (newVisits.length) await tx.insert(visits).values(newVisits);
    if (newFindings.length) await tx.insert(findings).values(newFindings);
    // Row-by-row updates are sent together: postgres.js pipelines them on the transaction's connection.
    await Promise.all([
      ...[...this.#dirty.visits]
        .filter((id) => !this.#created.visits.has(id))
        .map((id) => {
          const v = this.#visits.get(id)!;
          return tx.update(visits).set({ departedAt: v.departedAt, closedBy: v.closedBy }).where(eq(visits.id, id));
        }),
      ...[...this.#dirty.findings]
        .filter((id) => !this.#created.findings.has(id))
        .map((id) => {
          const f = this.#findings.get(id)!;
          return tx
            .update(findings)
            .set({
              status: f.status,
              statusChangedAt: f.statusChangedAt,
              acknowledgedAt: f.acknowledgedAt,
              acknowledgedBy: f.acknowledgedBy,
              lastNote: f.lastNote,
            })
            .where(eq(findings.id, id));
        }),
      ...[...this.#dirty.teams].map((id) => {
        const { teamId: _key, missionId: _mission, ...row } = this.#teams.get(id)!;
        return tx.update(teamStatus).set(row).where(eq(teamStatus.teamId, id));
      }),
      ...[...this.#dirty.stations].map((id) => {
        const { stationId: _key, missionId: _mission, ...row } = this.#stations.get(id)!;
        return tx.update(stationStatus).set(row).where(eq(stationStatus.stationId, id));
      }),
      this.#conflicts.flush(tx),
      this.#plans.flush(tx),
      this.#messages.flush(tx),
    ]);
  }

  /** What this batch put in teams' inboxes: each goes to its team's phones. */
  deliveries(): InboxItem[] {
    return this.#messages.deliveries();
  }

  /** The read-model rows this batch changed, as the realtime layer sends them. */
  patch(): StatusPatch {
    return {
      stations: [...this.#dirty.stations].map((id) => ({ id, status: toStationStatus(this.#stations.get(id)!) })),
      teams: [...this.#dirty.teams].map((id) => ({ id, status: toTeamStatus(this.#teams.get(id)!) })),
    };
  }

  #team(teamId: string): TeamStatusRow {
    const row = this.#teams.get(teamId);
    if (!row) throw new Error(`team_status row missing for team ${teamId}`);
    return row;
  }

  #station(stationId: string): StationStatusRow {
    const row = this.#stations.get(stationId);
    if (!row) throw new Error(`station_status row missing for station ${stationId}`);
    return row;
  }

  #changeStation(stationId: string, seq: number, change: Partial<StationStatusRow>): void {
    Object.assign(this.#station(stationId), change, { updatedSeq: seq });
    this.#dirty.stations.add(stationId);
  }

  /** Every event of a team is a sign of life; positions and presence follow the newest device time. */
  #seeTeam(teamId: string, at: Date, seq: number, change: TeamChange = {}): void {
    const row = this.#team(teamId);
    if (change.signOfLife !== false && (!row.lastSeenAt || row.lastSeenAt < at)) row.lastSeenAt = at;
    if (change.position && (!row.lastPositionAt || row.lastPositionAt <= at)) {
      row.lastLat = change.position.lat;
      row.lastLng = change.position.lng;
      row.lastPositionAt = at;
    }
    if (change.currentStationId !== undefined) row.currentStationId = change.currentStationId;
    if (change.help) {
      row.helpOpen = change.help.open;
      if (change.help.open) row.helpRequestedAt = change.help.at;
    }
    row.updatedSeq = seq;
    this.#dirty.teams.add(teamId);
  }

  #setPresence(stationId: string, teamId: string, present: boolean, seq: number): void {
    const others = this.#station(stationId).presentTeamIds.filter((id) => id !== teamId);
    this.#changeStation(stationId, seq, { presentTeamIds: present ? [...others, teamId] : others });
  }

  #countVisit(stationId: string, at: Date, seq: number): void {
    const row = this.#station(stationId);
    this.#changeStation(stationId, seq, {
      visitCount: row.visitCount + 1,
      firstVisitAt: !row.firstVisitAt || at < row.firstVisitAt ? at : row.firstVisitAt,
      lastVisitAt: !row.lastVisitAt || at > row.lastVisitAt ? at : row.lastVisitAt,
    });
  }

  #recordVisit(event: EventInputOf<'arrival'>, at: Date, departedAt: Date | null): void {
    const visit: VisitRow = {
      id: event.id,
      missionId: this.#missionId,
      teamId: event.teamId,
      stationId: event.stationId,
      arrivedAt: at,
      departedAt,
      closedBy: departedAt ? 'next_arrival' : null,
    };
    this.#visits.set(visit.id, visit);
    this.#created.visits.add(visit.id);
    this.#dirty.visits.add(visit.id);
    if (!departedAt) this.#openVisit.set(event.teamId, visit);
  }

  #closeVisit(visit: VisitRow, at: Date, closedBy: 'departure' | 'next_arrival'): void {
    visit.departedAt = at;
    visit.closedBy = closedBy;
    this.#dirty.visits.add(visit.id);
    this.#openVisit.set(visit.teamId, null);
  }

  #arrive(event: EventInputOf<'arrival'>, at: Date, seq: number): Applied {
    const done: Applied = { ok: true, teamId: event.teamId, stationId: event.stationId };
    const open = this.#openVisit.get(event.teamId) ?? null;
    if (open && open.stationId === event.stationId) {
      // The team's second phone checking in too: the log keeps it, the visit is the same one.
      this.#seeTeam(event.teamId, at, seq, { position: event.position });
      return done;
    }
    if (open && open.arrivedAt > at) {
      // A late upload of an earlier visit: record it as ended when the team arrived at its current station.
      this.#recordVisit(event, at, open.arrivedAt);
      this.#countVisit(event.stationId, at, seq);
      this.#seeTeam(event.teamId, at, seq, { position: event.position });
      return done;
    }
    if (open) {
      // Checked in elsewhere without checking out: the earlier visit ends now.
      this.#closeVisit(open, at, 'next_arrival');
      this.#setPresence(open.stationId, event.teamId, false, seq);
    }
    this.#recordVisit(event, at, null);
    this.#countVisit(event.stationId, at, seq);
    this.#setPresence(event.stationId, event.teamId, true, seq);
    this.#seeTeam(event.teamId, at, seq, { position: event.position, currentStationId: event.stationId });
    return done;
  }

  #depart(event: EventInputOf<'departure'>, at: Date, seq: number): Applied {
    const open = this.#openVisit.get(event.teamId) ?? null;
    if (!open || open.stationId !== event.stationId) {
      return reject('/stationId', 'departure without a prior arrival of this team at this station');
    }
    if (at < open.arrivedAt) return reject('/occurredAt', 'departure is earlier than the arrival');
    this.#closeVisit(open, at, 'departure');
    this.#setPresence(event.stationId, event.teamId, false, seq);
    this.#seeTeam(event.teamId, at, seq, { position: event.position, currentStationId: null });
    return { ok: true, teamId: event.teamId, stationId: event.stationId };
  }

  #recordChecklist(event: EventInputOf<'checklist'>, at: Date, seq: number): Applied {
    const row = this.#station(event.stationId);
    const previous = row.latestAssessments[event.phase];
    // Offline phones deliver late: the assessment shown is the one made last, not the one received last.
    if (!previous || Date.parse(previous.at) <= at.getTime()) {
      this.#changeStation(event.stationId, seq, {
        latestAssessments: {
          ...row.latestAssessments,
          [event.phase]: { assessment: event.assessment, at: at.toISOString(), teamId: event.teamId },
        },
      });
    }
    this.#seeTeam(event.teamId, at, seq);
    this.#conflicts.noteChecklist(event, at, seq);
    return { ok: true, teamId: event.teamId, stationId: event.stationId };
  }

  /** Open findings and the worst of them, from the station's open findings so it can never drift. */
  #refreshFindings(stationId: string, seq: number): void {
    const open = this.#openFindings.get(stationId)!;
    let worst = -1;
    for (const severity of open.values()) worst = Math.max(worst, SEVERITIES.indexOf(severity));
    this.#changeStation(stationId, seq, { openFindings: open.size, worstOpenSeverity: worst < 0 ? null : SEVERITIES[worst]! });
  }

  #recordFinding(event: EventInputOf<'finding'>, at: Date, seq: number): Applied {
    const stationId = event.stationId ?? null;
    if (stationId === null && event.position === undefined) {
      return reject('/stationId', 'a finding names its station, or carries a position when it happened away from one');
    }
    const finding: FindingRow = {
      id: event.id,
      missionId: this.#missionId,
      stationId,
      teamId: event.teamId,
      lat: stationId === null ? event.position!.lat : null,
      lng: stationId === null ? event.position!.lng : null,
      category: event.category,
      severity: event.severity,
      status: 'new',
      reportedAt: at,
      statusChangedAt: null,
      acknowledgedAt: null,
      acknowledgedBy: null,
      lastNote: null,
      seq,
    };
    this.#findings.set(finding.id, finding);
    this.#created.findings.add(finding.id);
    this.#dirty.findings.add(finding.id);
    if (stationId !== null) {
      this.#openFindings.get(stationId)!.set(finding.id, finding.severity);
      this.#refreshFindings(stationId, seq);
    }
    this.#seeTeam(event.teamId, at, seq, { position: event.position });
    return { ok: true, teamId: event.teamId, stationId };
  }

  #changeFindingStatus(event: EventInputOf<'finding_status'>, at: Date, seq: number, by: string): Applied {
    const finding = this.#findings.get(event.findingId);
    if (!finding) return reject('/findingId', 'no such finding in this mission');
    if (finding.status === 'resolved') return reject('/status', 'the finding is already resolved');
    if (finding.status === event.status) return reject('/status', `the finding is already ${event.status}`);
    finding.status = event.status;
    finding.statusChangedAt = at;
    // Any triage means a coordinator has seen it: the first one is the acknowledgement the feed times.
    if (finding.acknowledgedAt === null) {
      finding.acknowledgedAt = at;
      finding.acknowledgedBy = by;
    }
    if (event.note !== undefined && event.note.trim() !== '') finding.lastNote = event.note;
    this.#dirty.findings.add(finding.id);
    if (finding.stationId !== null) {
      if (event.status === 'resolved') this.#openFindings.get(finding.stationId)!.delete(finding.id);
      this.#refreshFindings(finding.stationId, seq);
    }
    // The team that reported it is told, with the note.
    this.#messages.notice({
      eventId: event.id,
      teamId: finding.teamId,
      seq,
      kind: 'finding_status',
      at,
      fromName: by,
      text: event.note?.trim() ? event.note : null,
      stationId: finding.stationId,
      findingId: finding.id,
      status: event.status,
    });
    return { ok: true, teamId: null, stationId: finding.stationId };
  }

  /** Help: the open request not yet acknowledged. Silence: any time (it covers the silence up to now). */
  #acknowledgeAlert(event: EventInputOf<'team_alert_acknowledged'>, at: Date, seq: number, by: string): Applied {
    const row = this.#team(event.teamId);
    if (event.alert === 'help') {
      if (!row.helpOpen) return reject('/teamId', 'this team has no open help request');
      if (row.helpAcknowledgedAt !== null && row.helpRequestedAt !== null && row.helpAcknowledgedAt >= row.helpRequestedAt) {
        return reject('/alert', "the team's help request is already acknowledged");
      }
      row.helpAcknowledgedAt = at;
      // The team in trouble must see that someone has answered.
      this.#messages.notice({ eventId: event.id, teamId: event.teamId, seq, kind: 'help_acknowledged', at, fromName: by, text: event.note?.trim() ? event.note : null });
    } else {
      if (row.silentAcknowledgedAt === null || row.silentAcknowledgedAt < at) row.silentAcknowledgedAt = at;
    }
    // Not a sign of life: only the team's own events say it is well.
    this.#seeTeam(event.teamId, at, seq, { signOfLife: false });
    return { ok: true, teamId: event.teamId, stationId: null };
  }

  #resolveHelp(event: EventInputOf<'help_resolved'>, at: Date, seq: number, principal: Principal): Applied {
    if (!this.#team(event.teamId).helpOpen) return reject('/teamId', 'this team has no open help request');
    const byTeam = principal.role === 'team';
    if (!byTeam) {
      const text = event.note?.trim() ? event.note : null;
      this.#messages.notice({ eventId: event.id, teamId: event.teamId, seq, kind: 'help_resolved', at, fromName: principal.name, text });
    }
    this.#seeTeam(event.teamId, at, seq, { help: { open: false, at }, signOfLife: byTeam });
    return { ok: true, teamId: event.teamId, stationId: null };
  }
}
