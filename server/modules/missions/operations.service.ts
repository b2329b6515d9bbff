/**
 * Drill mode, one rule that never breaks the hash chain: a mission's log is either all drill or all live.
 *  - Drill mode switches (on, or off to go live) only while the log holds no reports: it may hold plan changes. A plan
 *    is not an observation; it is the same plan in the rehearsal and on the day, so the coordinators can plan first, as
 *    the README's order has it, and the plan stays in the record (not hidden outside it) whichever way the mission goes.
 *  - While in drill mode a coordinator may wipe the log: events and the read models derived from them are deleted and
 *    the head goes back to genesis; the plan that stands is recorded again as the fresh chain's first events, so the
 *    log still explains every team's route (and the ballot, as a ballot_set); every open page reloads.
 *  - The mission goes live only over a log without reports (wipe first), so a live record holds no drill report; reports
 *    made before that moment (drill reports a phone sends late) are refused from then on.
 *  - The drill's observation day is the day it started (or was last wiped); a compressed drill may bring its own clock.
 */
import { eq } from 'drizzle-orm';
import type { Db } from '../../../db/client';
import { missions } from '../../../db/schema/index';
import type { ClearDrillReply, OperationsState } from '../../../shared/schemas/operations';
import { HttpError } from '../../errors';
import { randomUUID } from 'node:crypto';
import type { EventInputOf } from '../../../shared/schemas/events';
import type { DrillBody } from '../../../shared/schemas/operations';
import type { Principal } from '../auth/principal';
import { countEvents } from '../log/rows';
import type { EventsService } from '../events/events.service';
import type { createTeamsService } from '../teams/teams.service';
import type { ResultsService } from '../results/results.service';
import { countReports, lockMission, saveDrill, wipeRecord } from './drill.repository';

export interface ResetPublisher {
  /** Tells every open page of the mission that its record was wiped. */
  missionReset(missionId: string, head: number): void;
}

export function createOperationsService(
  db: Db,
  publisher: ResetPublisher,
  events: Pick<EventsService, 'ingest'>,
  teams: Pick<ReturnType<typeof createTeamsService>, 'list'>,
  results: Pick<ResultsService, 'ballot' | 'setBallot'>,
  clock: () => Date = () => new Date(),
) {
  async function readState(missionId: string): Promise<OperationsState> {
    const [row] = await db.select().from(missions).where(eq(missions.id, missionId));
    if (!row) throw new HttpError(404, 'no such mission');
    return {
      missionId,
      name: row.name,
      drill: row.drill,
      head: { seq: row.lastSeq, hash: row.lastHash },
      events: await countEvents(db, missionId),
      reports: await countReports(db, missionId),
    };
  }

  async function setDrill(missionId: string, body: DrillBody): Promise<OperationsState> {
    const { drill, clock: drillClock } = body;
    if (drillClock && !drill)
      throw new HttpError(400, 'a clock is only for a drill', 'CLOCK_WITHOUT_DRILL', [
        { field: '/clock', problem: 'only with drill: true' },
      ]);
    const changed = await db.transaction(async (tx) => {
      const mission = await lockMission(tx, missionId);
      if (!mission) throw new HttpError(404, 'no such mission');
      const now = clock();
      const clockRow = drillClock ? { realStart: now.toISOString(), ...drillClock } : undefined;
      if (mission.drill === drill) {
        // Already drilling: a simulator may still bring the clock of the compressed day it is about to play.
        if (clockRow) await saveDrill(tx, missionId, { drill, drillClock: clockRow });
        return clockRow !== undefined;
      }
      if ((await countReports(tx, missionId)) > 0) {
        throw drill
          ? new HttpError(
              409,
              'the log already holds live reports: a live record cannot become a drill',
              'LOG_NOT_EMPTY',
            )
          : new HttpError(
              409,
              'the log holds drill reports: clear the drill data before going live',
              'DRILL_DATA_PRESENT',
            );
      }
      await saveDrill(
        tx,
        missionId,
        drill
          ? { drill, drillStartedAt: now, drillClock: clockRow ?? null }
          : // Phones that were offline may still hold drill reports: anything made before this moment stays out of the record.
            { drill, recordStartsAt: now, drillStartedAt: null, drillClock: null },
      );
      return true;
    });
    const state = await readState(missionId);
    // Pages show DRILL (or stop showing it) and follow the observation day and its clock: they start again from the server.
    if (changed) publisher.missionReset(missionId, state.head.seq);
    return state;
  }

  async function clearDrill(principal: Principal, confirmMissionName: string): Promise<ClearDrillReply> {
    const { missionId } = principal;
    const wiped = await db.transaction(async (tx) => {
      // The head lock also makes ingest of this mission wait: no event slips in between the wipe and the reset head.
      const mission = await lockMission(tx, missionId);
      if (!mission) throw new HttpError(404, 'no such mission');
      if (!mission.drill)
        throw new HttpError(409, 'the mission is live: only drill data can be cleared', 'NOT_A_DRILL');
      if (confirmMissionName.trim() !== mission.name) {
        throw new HttpError(400, "confirmMissionName must repeat the mission's name exactly", 'CONFIRMATION_MISMATCH', [
          { field: '/confirmMissionName', problem: "does not match the mission's name" },
        ]);
      }
      const result = await wipeRecord(tx, missionId);
      // A wiped drill starts again: today is its observation day, in real time until a simulator brings its clock.
      await saveDrill(tx, missionId, { drill: true, drillStartedAt: clock(), drillClock: null });
      return result;
    });
    const replanned = await recordPlanAgain(principal);
    const reballoted = await recordBallotAgain(principal);
    const { head } = replanned + reballoted > 0 ? await readState(missionId) : wiped;
    publisher.missionReset(missionId, head.seq);
    return { deleted: wiped.deleted, replanned, head };
  }

  /** The ballot the read model keeps across a wipe, stored again as a ballot_set event so the log explains it. */
  async function recordBallotAgain(principal: Principal): Promise<number> {
    const { seq, reportedContestIds: _r, ...ballot } = await results.ballot(principal.missionId);
    if (seq === null) return 0;
    await results.setBallot(principal, ballot);
    return 1;
  }

  /** The routes the read model keeps across a wipe, stored again as plan_changed events so the log explains them. */
  async function recordPlanAgain(principal: Principal): Promise<number> {
    const occurredAt = clock().toISOString();
    // A coordinator's list: every team with its route (only displays get teams without one).
    const changes: EventInputOf<'plan_changed'>[] = (await teams.list(principal)).teams.flatMap((team) =>
      team.route && team.route.length > 0
        ? [{ id: randomUUID(), type: 'plan_changed' as const, occurredAt, teamId: team.id, stations: team.route }]
        : [],
    );
    if (changes.length === 0) return 0;
    const { results } = await events.ingest(principal, changes);
    const refused = results.find((r) => r.status !== 'stored');
    if (refused) throw new HttpError(500, `the plan could not be recorded again: ${refused.error ?? refused.status}`);
    return changes.length;
  }

  return { state: readState, setDrill, clearDrill };
}

export type OperationsService = ReturnType<typeof createOperationsService>;
