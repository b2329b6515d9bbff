/**
 * Election-day rules and read models. For each submitted event, inside the ingest transaction:
 * check what needs the database (the team and station exist in this mission, a departure follows an arrival,
 * a finding being triaged exists...), then bring the read models up to date.
 * Runs under the mission's head lock, so read-modify-write of read-model rows is safe.
 */
import { and, eq, inArray, isNull, ne, sql } from 'drizzle-orm';
import type { Tx } from '../../../db/client';
import { findings, stationStatus, stations, teamStatus, teams, visits } from '../../../db/schema/index';
import type { LatestAssessments } from '../../../db/schema/read-models';
import { SEVERITIES, type EventInput, type EventInputOf, type Severity } from '../../../shared/schemas/events';
import type { Principal } from '../auth/principal';

export interface Touched {
  stations: Set<string>;
  teams: Set<string>;
}

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
  if (principal.role === 'team' && event.teamId !== principal.teamId) {
    return reject('/teamId', 'a team may post events only as itself');
  }
  return null;
}

/** Which of the teams and stations a batch names belong to the mission: two queries per batch, not two per event. */
export interface MissionMembers {
  teams: Set<string>;
  stations: Set<string>;
}

export async function loadMembers(tx: Tx, missionId: string, events: EventInput[]): Promise<MissionMembers> {
  const teamIds = [...new Set(events.flatMap((e) => ('teamId' in e ? [e.teamId] : [])))];
  const stationIds = [...new Set(events.flatMap((e) => ('stationId' in e && e.stationId ? [e.stationId] : [])))];
  const [teamRows, stationRows] = await Promise.all([
    teamIds.length
      ? tx.select({ id: teams.id }).from(teams).where(and(eq(teams.missionId, missionId), inArray(teams.id, teamIds)))
      : [],
    stationIds.length
      ? tx.select({ id: stations.id }).from(stations).where(and(eq(stations.missionId, missionId), inArray(stations.id, stationIds)))
      : [],
  ]);
  return { teams: new Set(teamRows.map((r) => r.id)), stations: new Set(stationRows.map((r) => r.id)) };
}

export async function applyEvent(
  tx: Tx,
  principal: Principal,
  event: EventInput,
  seq: number,
  touched: Touched,
  members: MissionMembers,
): Promise<Applied> {
  const actorProblem = checkActor(principal, event);
  if (actorProblem) return actorProblem;
  const missionId = principal.missionId;

  if ('teamId' in event && !members.teams.has(event.teamId)) {
    return reject('/teamId', 'no such team in this mission');
  }
  if ('stationId' in event && event.stationId !== undefined && !members.stations.has(event.stationId)) {
    return reject('/stationId', 'no such station in this mission');
  }

  const at = new Date(event.occurredAt);
  switch (event.type) {
    case 'arrival':
      return arrive(tx, missionId, event, at, seq, touched);
    case 'departure':
      return depart(tx, event, at, seq, touched);
    case 'checklist':
      return recordChecklist(tx, event, at, seq, touched);
    case 'finding':
      return recordFinding(tx, missionId, event, at, seq, touched);
    case 'finding_status':
      return changeFindingStatus(tx, missionId, event, at, seq, touched);
    case 'position':
      await seeTeam(tx, event.teamId, at, seq, touched, { position: event.position });
      return { ok: true, teamId: event.teamId, stationId: event.stationId ?? null };
    case 'help_request':
      await seeTeam(tx, event.teamId, at, seq, touched, { position: event.position, help: { open: true, at } });
      return { ok: true, teamId: event.teamId, stationId: event.stationId ?? null };
    case 'help_resolved':
      return resolveHelp(tx, event, at, seq, touched, principal.role === 'team');
  }
}

interface TeamChange {
  position?: { lat: number; lng: number } | undefined;
  currentStationId?: string | null;
  help?: { open: boolean; at: Date };
  /** False when a coordinator acts on the team's behalf: that is no news of the team itself. */
  signOfLife?: boolean;
}

/** Every event of a team is a sign of life; positions and presence follow the newest device time. */
async function seeTeam(tx: Tx, teamId: string, at: Date, seq: number, touched: Touched, change: TeamChange = {}) {
  const [current] = await tx.select().from(teamStatus).where(eq(teamStatus.teamId, teamId));
  if (!current) throw new Error(`team_status row missing for team ${teamId}`);
  const update: Partial<typeof teamStatus.$inferInsert> = { updatedSeq: seq };
  if (change.signOfLife !== false && (!current.lastSeenAt || current.lastSeenAt < at)) update.lastSeenAt = at;
  if (change.position && (!current.lastPositionAt || current.lastPositionAt <= at)) {
    update.lastLat = change.position.lat;
    update.lastLng = change.position.lng;
    update.lastPositionAt = at;
  }
  if (change.currentStationId !== undefined) update.currentStationId = change.currentStationId;
  if (change.help) {
    update.helpOpen = change.help.open;
    if (change.help.open) update.helpRequestedAt = change.help.at;
  }
  await tx.update(teamStatus).set(update).where(eq(teamStatus.teamId, teamId));
  touched.teams.add(teamId);
}

async function stationRow(tx: Tx, stationId: string) {
  const [row] = await tx.select().from(stationStatus).where(eq(stationStatus.stationId, stationId));
  if (!row) throw new Error(`station_status row missing for station ${stationId}`);
  return row;
}

async function setPresence(tx: Tx, stationId: string, teamId: string, present: boolean, seq: number, touched: Touched) {
  const row = await stationRow(tx, stationId);
  const others = row.presentTeamIds.filter((id) => id !== teamId);
  await tx
    .update(stationStatus)
    .set({ presentTeamIds: present ? [...others, teamId] : others, updatedSeq: seq })
    .where(eq(stationStatus.stationId, stationId));
  touched.stations.add(stationId);
}

async function countVisit(tx: Tx, stationId: string, at: Date, seq: number, touched: Touched) {
  const row = await stationRow(tx, stationId);
  await tx
    .update(stationStatus)
    .set({
      visitCount: row.visitCount + 1,
      firstVisitAt: !row.firstVisitAt || at < row.firstVisitAt ? at : row.firstVisitAt,
      lastVisitAt: !row.lastVisitAt || at > row.lastVisitAt ? at : row.lastVisitAt,
      updatedSeq: seq,
    })
    .where(eq(stationStatus.stationId, stationId));
  touched.stations.add(stationId);
}

async function openVisitOf(tx: Tx, teamId: string) {
  const [open] = await tx
    .select()
    .from(visits)
    .where(and(eq(visits.teamId, teamId), isNull(visits.departedAt)));
  return open;
}

async function arrive(
  tx: Tx,
  missionId: string,
  event: EventInputOf<'arrival'>,
  at: Date,
  seq: number,
  touched: Touched,
): Promise<Applied> {
  const done: Applied = { ok: true, teamId: event.teamId, stationId: event.stationId };
  const open = await openVisitOf(tx, event.teamId);
  if (open && open.stationId === event.stationId) {
    // The team's second phone checking in too: the log keeps it, the visit is the same one.
    await seeTeam(tx, event.teamId, at, seq, touched, { position: event.position });
    return done;
  }
  const recordVisit = (departedAt: Date | null) =>
    tx.insert(visits).values({
      id: event.id,
      missionId,
      teamId: event.teamId,
      stationId: event.stationId,
      arrivedAt: at,
      departedAt,
      closedBy: departedAt ? 'next_arrival' : null,
    });
  if (open && open.arrivedAt > at) {
    // A late upload of an earlier visit: record it as ended when the team arrived at its current station.
    await recordVisit(open.arrivedAt);
    await countVisit(tx, event.stationId, at, seq, touched);
    await seeTeam(tx, event.teamId, at, seq, touched, { position: event.position });
    return done;
  }
  if (open) {
    // Checked in elsewhere without checking out: the earlier visit ends now.
    await tx.update(visits).set({ departedAt: at, closedBy: 'next_arrival' }).where(eq(visits.id, open.id));
    await setPresence(tx, open.stationId, event.teamId, false, seq, touched);
  }
  await recordVisit(null);
  await countVisit(tx, event.stationId, at, seq, touched);
  await setPresence(tx, event.stationId, event.teamId, true, seq, touched);
  await seeTeam(tx, event.teamId, at, seq, touched, { position: event.position, currentStationId: event.stationId });
  return done;
}

async function depart(
  tx: Tx,
  event: EventInputOf<'departure'>,
  at: Date,
  seq: number,
  touched: Touched,
): Promise<Applied> {
  const open = await openVisitOf(tx, event.teamId);
  if (!open || open.stationId !== event.stationId) {
    return reject('/stationId', 'departure without a prior arrival of this team at this station');
  }
  if (at < open.arrivedAt) return reject('/occurredAt', 'departure is earlier than the arrival');
  await tx.update(visits).set({ departedAt: at, closedBy: 'departure' }).where(eq(visits.id, open.id));
  await setPresence(tx, event.stationId, event.teamId, false, seq, touched);
  await seeTeam(tx, event.teamId, at, seq, touched, { position: event.position, currentStationId: null });
  return { ok: true, teamId: event.teamId, stationId: event.stationId };
}

async function recordChecklist(
  tx: Tx,
  event: EventInputOf<'checklist'>,
  at: Date,
  seq: number,
  touched: Touched,
): Promise<Applied> {
  const row = await stationRow(tx, event.stationId);
  const previous = row.latestAssessments[event.phase];
  // Offline phones deliver late: the assessment shown is the one made last, not the one received last.
  if (!previous || Date.parse(previous.at) <= at.getTime()) {
    const latest: LatestAssessments = {
      ...row.latestAssessments,
      [event.phase]: { assessment: event.assessment, at: at.toISOString(), teamId: event.teamId },
    };
    await tx
      .update(stationStatus)
      .set({ latestAssessments: latest, updatedSeq: seq })
      .where(eq(stationStatus.stationId, event.stationId));
    touched.stations.add(event.stationId);
  }
  await seeTeam(tx, event.teamId, at, seq, touched);
  return { ok: true, teamId: event.teamId, stationId: event.stationId };
}

const severityRank = sql<number>`max(case ${findings.severity} ${sql.raw(
  SEVERITIES.map((s, i) => `when '${s}' then ${i}`).join(' '),
)} end)`;

/** Open findings and the worst of them, recomputed from the findings table so it can never drift. */
async function refreshFindings(tx: Tx, stationId: string, seq: number, touched: Touched) {
  const [summary] = await tx
    .select({ open: sql<number>`count(*)::int`, worst: severityRank })
    .from(findings)
    .where(and(eq(findings.stationId, stationId), ne(findings.status, 'resolved')));
  const worst = summary?.worst === null || summary?.worst === undefined ? null : (SEVERITIES[summary.worst] as Severity);
  await tx
    .update(stationStatus)
    .set({ openFindings: summary?.open ?? 0, worstOpenSeverity: worst, updatedSeq: seq })
    .where(eq(stationStatus.stationId, stationId));
  touched.stations.add(stationId);
}

async function recordFinding(
  tx: Tx,
  missionId: string,
  event: EventInputOf<'finding'>,
  at: Date,
  seq: number,
  touched: Touched,
): Promise<Applied> {
  await tx.insert(findings).values({
    id: event.id,
    missionId,
    stationId: event.stationId,
    teamId: event.teamId,
    category: event.category,
    severity: event.severity,
    reportedAt: at,
    seq,
  });
  await refreshFindings(tx, event.stationId, seq, touched);
  await seeTeam(tx, event.teamId, at, seq, touched, { position: event.position });
  return { ok: true, teamId: event.teamId, stationId: event.stationId };
}

async function changeFindingStatus(
  tx: Tx,
  missionId: string,
  event: EventInputOf<'finding_status'>,
  at: Date,
  seq: number,
  touched: Touched,
): Promise<Applied> {
  const [finding] = await tx
    .select()
    .from(findings)
    .where(and(eq(findings.id, event.findingId), eq(findings.missionId, missionId)));
  if (!finding) return reject('/findingId', 'no such finding in this mission');
  if (finding.status === 'resolved') return reject('/status', 'the finding is already resolved');
  if (finding.status === event.status) return reject('/status', `the finding is already ${event.status}`);
  await tx.update(findings).set({ status: event.status, statusChangedAt: at }).where(eq(findings.id, finding.id));
  await refreshFindings(tx, finding.stationId, seq, touched);
  return { ok: true, teamId: null, stationId: finding.stationId };
}

async function resolveHelp(
  tx: Tx,
  event: EventInputOf<'help_resolved'>,
  at: Date,
  seq: number,
  touched: Touched,
  byTeam: boolean,
): Promise<Applied> {
  const [status] = await tx.select({ helpOpen: teamStatus.helpOpen }).from(teamStatus).where(eq(teamStatus.teamId, event.teamId));
  if (!status?.helpOpen) return reject('/teamId', 'this team has no open help request');
  await seeTeam(tx, event.teamId, at, seq, touched, { help: { open: false, at }, signOfLife: byTeam });
  return { ok: true, teamId: event.teamId, stationId: null };
}
