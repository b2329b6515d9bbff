/** Finding summaries as each role may see them: the text for coordinators, for displays only when the mission allows. */
import type { Db } from '../../../db/client';
import type { RecentFindingsReply, TriageFindingsReply } from '../../../shared/schemas/findings';
import type { Principal } from '../auth/principal';
import type { DisplayPolicies } from '../displays/display-policies';
import { readHead } from '../log/head';
import { listRecentFindings, listTriageFindings } from './findings.repository';

export function createFindingsService(db: Db, policies: DisplayPolicies) {
  async function recent(principal: Principal, limit: number): Promise<RecentFindingsReply> {
    const withText = principal.role === 'coordinator' || (await policies.get(principal.missionId)).showsFindingText;
    // Head first: a finding stored after it reaches the reader live; one stored before it is in the list.
    const head = await readHead(db, principal.missionId);
    return {
      head,
      findings: await listRecentFindings(db, principal.missionId, limit, withText, principal.role === 'coordinator'),
    };
  }
  /** The coordinators' triage feed: all of the mission's findings (a mission has a few thousand at most). */
  async function all(missionId: string): Promise<TriageFindingsReply> {
    const head = await readHead(db, missionId);
    return { head, findings: await listTriageFindings(db, missionId) };
  }

  return { recent, all };
}

export type FindingsService = ReturnType<typeof createFindingsService>;
