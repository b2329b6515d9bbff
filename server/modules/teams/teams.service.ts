/** Teams as each role may see them: personal data (members, phone) only for coordinators and the team itself. */
import type { Db } from '../../../db/client';
import type { Team, TeamsReply } from '../../../shared/schemas/teams';
import type { Principal } from '../auth/principal';
import { readHead } from '../events/events.repository';
import { listTeams, type TeamRecord } from './teams.repository';

function withoutPersonalData(team: TeamRecord): Team {
  const { members: _members, phone: _phone, ...rest } = team;
  return { ...rest, status: { ...team.status, lastPosition: null } };
}

export function createTeamsService(db: Db) {
  async function list(principal: Principal): Promise<TeamsReply> {
    const head = await readHead(db, principal.missionId);
    switch (principal.role) {
      case 'coordinator':
        return { head, teams: await listTeams(db, principal.missionId) };
      case 'team':
        return { head, teams: await listTeams(db, principal.missionId, principal.teamId ?? undefined) };
      case 'display':
        return { head, teams: (await listTeams(db, principal.missionId)).map(withoutPersonalData) };
    }
  }
  return { list };
}
