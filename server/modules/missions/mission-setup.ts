/**
 * Sets up a whole mission in one transaction: the mission, its stations, teams with routes, a coordinator,
 * a display link and a join code per team. Used by the demo seed; the mission set-up CLI and UI build on it.
 */
import { sql } from 'drizzle-orm';
import { rowsOf, type Db } from '../../../db/client';
import type { StationImportResolvedRow } from '../../../shared/schemas/stations';
import type { Phase } from '../../../shared/schemas/events';
import { setUpCredentials } from '../auth/auth.service';
import { hashPassword } from '../auth/secrets';
import { readStationIdsByCode, refreshStatisticsAfterBulkWrite, writeStationRows } from '../stations/stations.service';
import { writeTeam } from '../teams/teams.service';
import { insertMission, type NewMission } from '../mission-record/mission-record';

export interface MissionPlan {
  mission: NewMission;
  /** Code defaults to the number and region to none, as for a list whose numbers are unique. */
  stations: (Omit<StationImportResolvedRow, 'code' | 'region'> & {
    code?: string;
    region?: string | null;
    id?: string;
  })[];
  teams: {
    id?: string;
    callSign: string;
    members: string[];
    phone: string | null;
    languages: string[];
    /** Station codes (named so from before codes; in the demo a code is the number). */
    assignedStationNumbers: string[];
    /** Phases observed at each planned station (same order as the codes); all three where absent. */
    assignedPhases?: Phase[][];
  }[];
  coordinator: { username: string; displayName: string; password: string };
  displayLabel: string;
}

export interface MissionCredentials {
  missionId: string;
  coordinator: { username: string; password: string };
  displayToken: string;
  joinCodes: { callSign: string; teamId: string; code: string }[];
}

/** Arbitrary constant: serialises set-up between instances starting together on one empty database. */
const SETUP_LOCK_KEY = 727_002;

/**
 * Creates the mission unless `onlyIfNoMission` and a mission exists already (then returns null).
 * The check and the writes share one transaction under an advisory lock, so two instances never seed twice.
 */
export async function setUpMission(
  db: Db,
  plan: MissionPlan,
  onlyIfNoMission = false,
): Promise<MissionCredentials | null> {
  const passwordHash = await hashPassword(plan.coordinator.password);
  const credentials = await db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${SETUP_LOCK_KEY})`);
    if (onlyIfNoMission) {
      const rows = rowsOf<{ n: number }>(await tx.execute(sql`select count(*)::int as n from missions`));
      if ((rows[0]?.n ?? 0) > 0) return null;
    }
    const missionId = await insertMission(tx, plan.mission);
    await writeStationRows(
      tx,
      missionId,
      plan.stations.map(({ id, ...row }, index) => ({
        line: index + 1,
        id: null,
        newId: id,
        row: { ...row, code: row.code ?? row.number, region: row.region ?? null },
        change: 'created',
        changedFields: [],
      })),
    );
    const stationIds = await readStationIdsByCode(tx, missionId);

    const joinCodes: MissionCredentials['joinCodes'] = [];
    for (const team of plan.teams) {
      const assignedStationIds = team.assignedStationNumbers.map((number) => {
        const id = stationIds.get(number);
        if (!id) throw new Error(`team ${team.callSign} is assigned unknown station ${number}`);
        return id;
      });
      const teamId = await writeTeam(tx, missionId, { ...team, assignedStationIds });
      const code = await setUpCredentials.joinCode(tx, missionId, teamId);
      joinCodes.push({ callSign: team.callSign, teamId, code });
    }

    await setUpCredentials.coordinator(tx, {
      missionId,
      username: plan.coordinator.username,
      displayName: plan.coordinator.displayName,
      passwordHash,
    });
    const displayToken = await setUpCredentials.displayToken(tx, missionId, plan.displayLabel);

    return {
      missionId,
      coordinator: { username: plan.coordinator.username, password: plan.coordinator.password },
      displayToken,
      joinCodes,
    };
  });
  // A national list set up from files reads like a fresh import: without statistics its first list took a minute.
  if (credentials) await refreshStatisticsAfterBulkWrite(db, plan.stations.length);
  return credentials;
}
