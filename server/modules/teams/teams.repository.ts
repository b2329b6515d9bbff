/** SQL for teams, their planned routes and their status read model. */
import { randomUUID } from 'node:crypto';
import { asc, eq, inArray, and } from 'drizzle-orm';
import type { Db, Tx } from '../../../db/client';
import { teamAssignments, teamStatus, teams, visits } from '../../../db/schema/index';
import type { Phase } from '../../../shared/schemas/events';
import type { FullTeam, RouteStop, TeamStatus } from '../../../shared/schemas/teams';
import { toTeamStatus } from './team-status';

type Reader = Db | Tx;

export async function listTeams(db: Reader, missionId: string, onlyTeamId?: string): Promise<FullTeam[]> {
  const filter = onlyTeamId
    ? and(eq(teams.missionId, missionId), eq(teams.id, onlyTeamId))
    : eq(teams.missionId, missionId);
  const rows = await db
    .select({ team: teams, status: teamStatus })
    .from(teams)
    .innerJoin(teamStatus, and(eq(teamStatus.missionId, teams.missionId), eq(teamStatus.teamId, teams.id)))
    .where(filter)
    .orderBy(asc(teams.callSign));
  const ids = rows.map((r) => r.team.id);
  const routes = ids.length
    ? await db
        .select()
        .from(teamAssignments)
        .where(and(eq(teamAssignments.missionId, missionId), inArray(teamAssignments.teamId, ids)))
        .orderBy(asc(teamAssignments.teamId), asc(teamAssignments.routeOrder))
    : [];
  const visited = ids.length
    ? await db
        .selectDistinct({ teamId: visits.teamId, stationId: visits.stationId })
        .from(visits)
        .where(and(eq(visits.missionId, missionId), inArray(visits.teamId, ids)))
    : [];
  const visitedBy = new Map<string, string[]>();
  for (const v of visited) visitedBy.set(v.teamId, [...(visitedBy.get(v.teamId) ?? []), v.stationId]);
  const routeOf = new Map<string, RouteStop[]>();
  for (const stop of routes) {
    routeOf.set(stop.teamId, [...(routeOf.get(stop.teamId) ?? []), { stationId: stop.stationId, phases: stop.phases }]);
  }
  return rows.map(({ team, status }) => ({
    id: team.id,
    callSign: team.callSign,
    members: team.members,
    phone: team.phone,
    languages: team.languages,
    assignedStationIds: (routeOf.get(team.id) ?? []).map((stop) => stop.stationId),
    route: routeOf.get(team.id) ?? [],
    visitedStationIds: visitedBy.get(team.id) ?? [],
    status: toTeamStatus(status),
  }));
}

export async function teamIds(db: Reader, missionId: string): Promise<string[]> {
  const rows = await db.select({ id: teams.id }).from(teams).where(eq(teams.missionId, missionId));
  return rows.map((r) => r.id);
}

export async function teamWithCallSign(db: Reader, missionId: string, callSign: string): Promise<string | undefined> {
  const [row] = await db
    .select({ id: teams.id })
    .from(teams)
    .where(and(eq(teams.missionId, missionId), eq(teams.callSign, callSign)));
  return row?.id;
}

export async function readTeamStatuses(
  db: Reader,
  missionId: string,
  ids: string[],
): Promise<{ id: string; status: TeamStatus }[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .select()
    .from(teamStatus)
    .where(and(eq(teamStatus.missionId, missionId), inArray(teamStatus.teamId, ids)));
  return rows.map((row) => ({ id: row.teamId, status: toTeamStatus(row) }));
}

export interface NewTeam {
  id?: string;
  callSign: string;
  members: string[];
  phone: string | null;
  languages: string[];
  assignedStationIds: string[];
  /** Phases observed at each planned station (same order); all three where absent. */
  assignedPhases?: Phase[][];
}

export async function insertTeam(tx: Tx, missionId: string, team: NewTeam): Promise<string> {
  const id = team.id ?? randomUUID();
  await tx.insert(teams).values({
    id,
    missionId,
    callSign: team.callSign,
    members: team.members,
    phone: team.phone,
    languages: team.languages,
  });
  await tx.insert(teamStatus).values({ teamId: id, missionId });
  if (team.assignedStationIds.length > 0) {
    await tx.insert(teamAssignments).values(
      team.assignedStationIds.map((stationId, routeOrder) => {
        const phases = team.assignedPhases?.[routeOrder];
        return phases
          ? { missionId, teamId: id, routeOrder, stationId, phases }
          : { missionId, teamId: id, routeOrder, stationId };
      }),
    );
  }
  return id;
}
