/** Teams as each role may see them: personal data (members, phone) only for coordinators and the team itself. */
import type { Db, Tx } from '../../../db/client';
import type { DisplayPolicy } from '../../../shared/schemas/displays';
import type {
  CreateTeamBody,
  CreatedTeamReply,
  FullTeam,
  JoinCodeReply,
  Team,
  TeamsReply,
} from '../../../shared/schemas/teams';
import { HttpError } from '../../errors';
import type { AuthService } from '../auth/auth.service';
import type { Principal } from '../auth/principal';
import type { DisplayPolicies } from '../displays/display-policies';
import { redactTeamStatusForDisplay } from '../events/display-redaction';
import { readHead } from '../log/head';
import { insertTeam, listTeams, teamIds, teamWithCallSign, type NewTeam } from './teams.repository';

/** No members or phone; no planned route or visit history (where a team goes is not for a room that may hold guests). */
function forDisplay(team: FullTeam, policy: DisplayPolicy): Team {
  const { members: _members, phone: _phone, visitedStationIds: _visited, route: _route, ...rest } = team;
  return { ...rest, assignedStationIds: [], status: redactTeamStatusForDisplay(team.status, policy) };
}

/** A team with its status row and route, written within the caller's transaction (mission set-up). */
export function writeTeam(tx: Tx, missionId: string, team: NewTeam): Promise<string> {
  return insertTeam(tx, missionId, team);
}

/** Every team id of the mission (the replay of the day starts each team from its empty status). */
export function readTeamIds(reader: Db | Tx, missionId: string): Promise<string[]> {
  return teamIds(reader, missionId);
}

export function createTeamsService(db: Db, policies: DisplayPolicies, auth: Pick<AuthService, 'createJoinCode'>) {
  async function list(principal: Principal): Promise<TeamsReply> {
    const head = await readHead(db, principal.missionId);
    switch (principal.role) {
      case 'coordinator':
        return { head, teams: await listTeams(db, principal.missionId) };
      case 'team':
        return { head, teams: await listTeams(db, principal.missionId, principal.teamId ?? undefined) };
      case 'display': {
        const policy = await policies.get(principal.missionId);
        return { head, teams: (await listTeams(db, principal.missionId)).map((team) => forDisplay(team, policy)) };
      }
    }
  }
  /** A new join code for a team of the coordinator's mission; 404 for any other team. */
  async function issueJoinCode(principal: Principal, teamId: string): Promise<JoinCodeReply> {
    const [team] = await listTeams(db, principal.missionId, teamId);
    if (!team)
      throw new HttpError(404, 'no such team in this mission', undefined, [
        { field: 'params/teamId', problem: 'no such team in this mission' },
      ]);
    return { teamId, callSign: team.callSign, code: await auth.createJoinCode(principal.missionId, teamId) };
  }

  /** A new team of the coordinator's mission, with a first join code; call signs are unique within a mission. */
  async function create(principal: Principal, body: CreateTeamBody): Promise<CreatedTeamReply> {
    const callSign = body.callSign.trim();
    const teamId = await db.transaction(async (tx) => {
      if (await teamWithCallSign(tx, principal.missionId, callSign)) {
        throw new HttpError(409, `the mission already has a team ${callSign}`, 'CALL_SIGN_TAKEN', [
          { field: '/callSign', problem: 'is taken' },
        ]);
      }
      return insertTeam(tx, principal.missionId, {
        callSign,
        members: body.members.map((m) => m.trim()),
        phone: body.phone ?? null,
        languages: body.languages,
        assignedStationIds: [],
      });
    });
    const [team] = await listTeams(db, principal.missionId, teamId);
    return { team: team!, joinCode: await issueJoinCode(principal, teamId) };
  }

  return { list, issueJoinCode, create };
}
export type TeamsService = ReturnType<typeof createTeamsService>;
