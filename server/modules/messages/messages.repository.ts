/** SQL for the team inbox read model (team_inbox). */
import { and, asc, desc, eq } from 'drizzle-orm';
import type { Db } from '../../../db/client';
import { teamInbox, teams } from '../../../db/schema/index';

export function listTeamInbox(db: Db, missionId: string, teamId: string) {
  return db
    .select()
    .from(teamInbox)
    .where(and(eq(teamInbox.missionId, missionId), eq(teamInbox.teamId, teamId)))
    .orderBy(asc(teamInbox.seq));
}

/** Rows of one kind across the mission's teams, newest first, each with its team's call sign. */
export function listInboxOfKind(db: Db, missionId: string, kind: 'message' | 'reply') {
  return db
    .select({ row: teamInbox, callSign: teams.callSign })
    .from(teamInbox)
    .innerJoin(teams, and(eq(teams.missionId, teamInbox.missionId), eq(teams.id, teamInbox.teamId)))
    .where(and(eq(teamInbox.missionId, missionId), eq(teamInbox.kind, kind)))
    .orderBy(desc(teamInbox.seq), asc(teams.callSign));
}
