/**
 * Walks a mission's event log from the first event and names the first one that does not fit the hash chain:
 * a changed row (its hash no longer matches its content), a deleted row (a hole in the sequence), reordered rows
 * (an event whose prevHash is not its predecessor's hash), or a log cut short (the mission's recorded head is ahead).
 */
import type { Db } from '../../../db/client';
import { eventHash, genesisHash } from './hash-chain';
import { listLogIds, readHeadWithHash } from './head';
import { listEventsAfter, type EventRow } from './rows';

const PAGE_EVENTS = 5000;

export type Verdict =
  | { ok: true; missionId: string; events: number; headHash: string }
  | { ok: false; missionId: string; events: number; seq: number; eventId: string | null; problem: string };

export async function verifyMissionLog(db: Db, missionId: string): Promise<Verdict> {
  const mission = await readHeadWithHash(db, missionId);
  if (!mission) throw new Error(`no mission ${missionId}`);
  let expectedSeq = 1;
  let prevHash = genesisHash(missionId);
  let checked = 0;
  const broken = (row: EventRow | null, seq: number, problem: string): Verdict => ({
    ok: false,
    missionId,
    events: checked,
    seq,
    eventId: row?.id ?? null,
    problem,
  });

  for (let after = 0; ;) {
    const page = await listEventsAfter(db, missionId, after, PAGE_EVENTS);
    for (const row of page) {
      if (row.seq !== expectedSeq) {
        return broken(row, expectedSeq, `event ${expectedSeq} is missing: the next stored event is ${row.seq}`);
      }
      if (row.prevHash !== prevHash) {
        return broken(
          row,
          row.seq,
          `event ${row.seq} does not follow event ${row.seq - 1}: its prevHash differs (reordered or replaced rows)`,
        );
      }
      if (eventHash(row) !== row.hash) {
        return broken(
          row,
          row.seq,
          `event ${row.seq} was changed after it was stored: its content no longer matches its hash`,
        );
      }
      prevHash = row.hash;
      expectedSeq += 1;
      checked += 1;
    }
    if (page.length < PAGE_EVENTS) break;
    after = page[page.length - 1]!.seq;
  }

  if (mission.lastSeq !== checked) {
    return broken(
      null,
      checked + 1,
      `the mission's head says ${mission.lastSeq} events but the log ends at ${checked}`,
    );
  }
  if (mission.lastHash !== prevHash) {
    return broken(null, checked, `the mission's head hash does not match event ${checked}`);
  }
  return { ok: true, missionId, events: checked, headHash: prevHash };
}

export async function verifyAllLogs(db: Db): Promise<Verdict[]> {
  const verdicts: Verdict[] = [];
  for (const missionId of await listLogIds(db)) verdicts.push(await verifyMissionLog(db, missionId));
  return verdicts;
}
