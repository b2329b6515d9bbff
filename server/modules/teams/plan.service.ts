/** The deployment plan: imported from CSV as `plan_changed` events (one per team named), so it is in the record and live. */
import { randomUUID } from 'node:crypto';
import type { Db } from '../../../db/client';
import type { EventInputOf, EventResult } from '../../../shared/schemas/events';
import type { PlanImportReply } from '../../../shared/schemas/operations';
import { HttpError } from '../../errors';
import type { Principal } from '../auth/principal';
import { readStationIdsByCode } from '../stations/stations.service';
import { searchKey } from '../../../shared/station-search';
import { listTeams } from './teams.repository';
import { parsePlanCsv } from './plan-import';

/**
 * How the plan reaches the log: the events service's ingest, passed in (events sits above teams, since its projector
 * writes the teams' read models).
 */
export interface PlanIngest {
  ingest(principal: Principal, events: EventInputOf<'plan_changed'>[]): Promise<{ results: EventResult[] }>;
}

export function createPlanService(db: Db, events: PlanIngest) {
  async function importCsv(principal: Principal, text: string, dryRun: boolean): Promise<PlanImportReply> {
    const [teams, stations] = await Promise.all([
      listTeams(db, principal.missionId),
      readStationIdsByCode(db, principal.missionId),
    ]);
    const byCode = new Map([...stations].map(([code, id]) => [searchKey(code), id]));
    const parsed = parsePlanCsv(text, new Map(teams.map((t) => [t.callSign, t.id])), byCode);
    if (parsed.problems.length > 0) {
      throw new HttpError(
        400,
        `the plan has ${parsed.problems.length} problem(s); nothing was changed`,
        'PLAN_INVALID',
        undefined,
        {
          problems: parsed.problems,
        },
      );
    }
    if (dryRun) return { dryRun, teams: parsed.teams, seqs: [] };
    const occurredAt = new Date().toISOString();
    const changes: EventInputOf<'plan_changed'>[] = parsed.teams.map((team) => ({
      id: randomUUID(),
      type: 'plan_changed',
      occurredAt,
      teamId: team.teamId,
      stations: team.stations.map(({ stationId, phases }) => ({ stationId, phases })),
    }));
    // One ingest call is one transaction: every team's new route is stored, or none.
    const { results } = await events.ingest(principal, changes);
    const refused = results.find((r) => r.status !== 'stored');
    if (refused)
      throw new HttpError(409, `the plan could not be stored: ${refused.error ?? refused.status}`, 'PLAN_REFUSED');
    return { dryRun, teams: parsed.teams, seqs: results.map((r) => r.seq!) };
  }
  return { importCsv };
}
