/**
 * Route sheets: what a team takes on paper — its stations in route order with the phases it observes at each, and the
 * mission's emergency contacts. Join codes are not here: only their hashes are kept, so a sheet's QR code comes from a
 * code the coordinator issues for it (POST /api/teams/:teamId/join-codes).
 */
import type { Db } from '../../../db/client';
import type { RouteSheet, RouteSheetsQuery, RouteSheetsReply } from '../../../shared/schemas/route-sheets';
import type { Team } from '../../../shared/schemas/teams';
import { HttpError } from '../../errors';
import type { Principal } from '../auth/principal';
import { readStationsById } from '../stations/stations.service';
import type { TeamsService } from '../teams/teams.service';
import type { MissionSettingsService } from './mission-settings.service';

export function createRouteSheetsService(
  db: Db,
  teams: Pick<TeamsService, 'list'>,
  settings: Pick<MissionSettingsService, 'emergencyContacts'>,
) {
  async function sheets(principal: Principal, query: RouteSheetsQuery): Promise<RouteSheetsReply> {
    const all = (await teams.list(principal)).teams;
    const chosen = query.teamId === undefined ? all : all.filter((team) => team.id === query.teamId);
    if (query.teamId !== undefined && chosen.length === 0) {
      throw new HttpError(404, 'no such team in this mission', undefined, [
        { field: 'querystring/teamId', problem: 'no such team in this mission' },
      ]);
    }
    const stationIds = [...new Set(chosen.flatMap((team) => (team.route ?? []).map((stop) => stop.stationId)))];
    const stations = new Map(
      (await readStationsById(db, principal.missionId, stationIds)).map((station) => [station.id, station]),
    );
    const sheetOf = (team: Team): RouteSheet => ({
      teamId: team.id,
      callSign: team.callSign,
      members: team.members ?? [],
      stops: (team.route ?? []).flatMap((stop) => {
        const station = stations.get(stop.stationId);
        if (!station) return [];
        const { code, name, address, district, lat, lng } = station;
        return [{ stationId: stop.stationId, code, name, address, district, lat, lng, phases: stop.phases }];
      }),
    });
    const { contacts } = await settings.emergencyContacts(principal.missionId);
    return { sheets: chosen.map(sheetOf), contacts };
  }
  return { sheets };
}

export type RouteSheetsService = ReturnType<typeof createRouteSheetsService>;
