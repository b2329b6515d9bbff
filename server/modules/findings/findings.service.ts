/**
 * Finding summaries as each role may see them: text and an off-station incident's position for coordinators, for displays
 * only as the mission's display policy allows.
 */
import type { Db } from '../../../db/client';
import type { RecentFindingsReply, TriageFindingsReply } from '../../../shared/schemas/findings';
import type { Principal } from '../auth/principal';
import type { DisplayPolicies } from '../displays/display-policies';
import { redactFindingSummaryForDisplay } from '../events/display-redaction';
import { readHead } from '../log/head';
import { listRecentFindings, listTriageFindings } from './findings.repository';

export function createFindingsService(db: Db, policies: DisplayPolicies) {
  async function recent(principal: Principal, limit: number): Promise<RecentFindingsReply> {
    // Head first: a finding stored after it reaches the reader live; one stored before it is in the list.
    if (principal.role === 'coordinator') {
      const head = await readHead(db, principal.missionId);
      return { head, findings: await listRecentFindings(db, principal.missionId, limit, true, true) };
    }
    const policy = await policies.get(principal.missionId);
    const head = await readHead(db, principal.missionId);
    // Text is not even read when the wall may not show it; the rest goes through the one display rule.
    const findings = await listRecentFindings(db, principal.missionId, limit, policy.showsFindingText);
    return { head, findings: findings.map((finding) => redactFindingSummaryForDisplay(finding, policy)) };
  }
  /** The coordinators' triage feed: all of the mission's findings (a mission has a few thousand at most). */
  async function all(missionId: string): Promise<TriageFindingsReply> {
    const head = await readHead(db, missionId);
    return { head, findings: await listTriageFindings(db, missionId) };
  }

  return { recent, all };
}

export type FindingsService = ReturnType<typeof createFindingsService>;
