/**
 * The station import as the API offers it: the stations area reads and writes the list, and a `sample` column's marked
 * stations become the ballot's quick-count sample (results area). Composed here, above both, so that a sample the
 * ballot may not take (results protocols have arrived) refuses the whole file before any station is written.
 */
import type { ImportReply } from '../../../shared/schemas/stations';
import type { Principal } from '../auth/principal';
import type { BallotService } from '../results/ballot.service';
import type { createStationsService, ImportSource, StationImportOptions } from '../stations/stations.service';

export function createStationImportService(
  stations: Pick<ReturnType<typeof createStationsService>, 'importFile'>,
  results: Pick<BallotService, 'importedSampleGuard' | 'setImportedSample'>,
) {
  async function importFile(
    principal: Principal,
    source: ImportSource,
    options: StationImportOptions,
  ): Promise<ImportReply> {
    const guard = await results.importedSampleGuard(principal.missionId);
    let sample: string[] | null = null;
    const reply = await stations.importFile(principal.missionId, source, options, async (codes) => {
      guard(codes);
      sample = codes;
    });
    if (sample) await results.setImportedSample(principal, sample);
    return reply;
  }

  return { importFile };
}
