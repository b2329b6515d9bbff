/**
 * Drill mode, one rule that never breaks the hash chain: a mission's log is either all drill or all live.
 *  - Drill mode can be turned on only while the log is empty (or it is on already): every event then is drill data.
 *  - While in drill mode a coordinator may wipe the log: events and the read models derived from them are deleted and
 *    the head goes back to genesis, so the next event is seq 1 of a fresh chain; every open page reloads.
 *  - The mission goes live only with an empty log (wipe first), so a live record starts at genesis too; reports made
 *    before that moment (drill reports a phone sends late) are refused from then on.
 */
import { eq } from 'drizzle-orm';
import type { Db } from '../../../db/client';
import { missions } from '../../../db/schema/index';
import type { ClearDrillReply, OperationsState } from '../../../shared/schemas/operations';
import { HttpError } from '../../errors';
import { countEvents } from '../events/events.repository';
import { lockMission, saveDrill, wipeRecord } from './drill.repository';

export interface ResetPublisher {
  /** Tells every open page of the mission that its record was wiped. */
  missionReset(missionId: string): void;
}

export function createOperationsService(db: Db, publisher: ResetPublisher, clock: () => Date = () => new Date()) {
  async function state(missionId: string): Promise<OperationsState> {
    const [row] = await db.select().from(missions).where(eq(missions.id, missionId));
    if (!row) throw new HttpError(404, 'no such mission');
    return {
      missionId,
      name: row.name,
      drill: row.drill,
      head: { seq: row.lastSeq, hash: row.lastHash },
      events: await countEvents(db, missionId),
    };
  }

  async function setDrill(missionId: string, drill: boolean): Promise<OperationsState> {
    await db.transaction(async (tx) => {
      const mission = await lockMission(tx, missionId);
      if (!mission || mission.drill === drill) return;
      if (mission.lastSeq > 0) {
        throw drill
          ? new HttpError(409, 'the log already holds live events: a live record cannot become a drill', 'LOG_NOT_EMPTY')
          : new HttpError(409, 'the log holds drill events: clear the drill data before going live', 'DRILL_DATA_PRESENT');
      }
      // Phones that were offline may still hold drill reports: anything made before this moment stays out of the record.
      await saveDrill(tx, missionId, drill, drill ? undefined : clock());
    });
    return state(missionId);
  }

  async function clearDrill(missionId: string, confirmMissionName: string): Promise<ClearDrillReply> {
    const result = await db.transaction(async (tx) => {
      // The head lock also makes ingest of this mission wait: no event slips in between the wipe and the reset head.
      const mission = await lockMission(tx, missionId);
      if (!mission) throw new HttpError(404, 'no such mission');
      if (!mission.drill) throw new HttpError(409, 'the mission is live: only drill data can be cleared', 'NOT_A_DRILL');
      if (confirmMissionName.trim() !== mission.name) {
        throw new HttpError(400, 'confirmMissionName must repeat the mission\'s name exactly', 'CONFIRMATION_MISMATCH', [
          { field: '/confirmMissionName', problem: 'does not match the mission\'s name' },
        ]);
      }
      return wipeRecord(tx, missionId);
    });
    publisher.missionReset(missionId);
    return result;
  }

  return { state, setDrill, clearDrill };
}

export type OperationsService = ReturnType<typeof createOperationsService>;
