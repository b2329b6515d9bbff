/** Station rows to the wire's Station and StationStatus (shared/schemas/stations.ts). */
import type { stationStatus, stations } from '../../../db/schema/index';
import type { Station, StationStatus } from '../../../shared/schemas/stations';

type StatusRow = typeof stationStatus.$inferSelect;

export function toStationStatus(row: StatusRow): StationStatus {
  return {
    presentTeamIds: row.presentTeamIds,
    visitCount: row.visitCount,
    firstVisitAt: row.firstVisitAt?.toISOString() ?? null,
    lastVisitAt: row.lastVisitAt?.toISOString() ?? null,
    latestAssessments: row.latestAssessments,
    openFindings: row.openFindings,
    worstOpenSeverity: row.worstOpenSeverity,
    updatedSeq: row.updatedSeq,
  };
}

export function toStation(station: typeof stations.$inferSelect, status: StatusRow): Station {
  return {
    id: station.id,
    number: station.number,
    code: station.code,
    name: station.name,
    address: station.address,
    district: station.district,
    region: station.region,
    electoralDistrict: station.electoralDistrict,
    lat: station.lat,
    lng: station.lng,
    registeredVoters: station.registeredVoters,
    status: toStationStatus(status),
  };
}
