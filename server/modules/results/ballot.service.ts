/**
 * Changes to the ballot beyond replacing it whole: the quick count's sample drawn from a seed or taken from a station
 * import, and the contests read from a CSV file. Each ends in one `ballot_set` through the results service, so the
 * ballot's rules (ballot-rules.ts) hold for all of them and the log records each change.
 */
import type { Db } from '../../../db/client';
import {
  SAMPLE_ALGORITHM,
  type Ballot,
  type BallotReply,
  type SampleDrawReply,
  type SampleDrawRequest,
} from '../../../shared/schemas/results';
import { HttpError } from '../../errors';
import type { Principal } from '../auth/principal';
import { parseBallotCsv } from './ballot-import';
import { stationFrame } from './results.repository';
import type { ResultsService } from './results.service';
import { drawSample, pickSeed } from './sample-draw';

export function createBallotService(db: Db, results: Pick<ResultsService, 'ballot' | 'setBallot'>) {
  const { ballot, setBallot } = results;

  /** The ballot as PUT /api/ballot takes it: without the reply's seq and reported contests. */
  function plain(reply: BallotReply): Ballot {
    const { seq: _seq, reportedContestIds: _reported, ...rest } = reply;
    return rest;
  }

  /**
   * Draws the quick count's sample from the stations the ballot's contests cover and records it in the log with the
   * ballot (a ballot_set whose sample names its origin: method, size, seed, algorithm). Once any results protocol has
   * arrived a redraw is refused unless forced: a sample chosen after results are known could be chosen to fit them.
   */
  async function drawBallotSample(principal: Principal, request: SampleDrawRequest): Promise<SampleDrawReply> {
    const current = await ballot(principal.missionId);
    if (current.contests.length === 0)
      throw new HttpError(400, 'the ballot has no contests: define them before drawing the sample', 'BALLOT_EMPTY', [
        { field: '/', problem: 'the ballot has no contests' },
      ]);
    const all = await stationFrame(db, principal.missionId);
    // A set, not contestCovers per station: a national list has 200,000 stations and a contest may name most of them.
    const covered = current.contests.some((c) => c.stations === 'all')
      ? null
      : new Set(current.contests.flatMap((c) => (c.stations === 'all' ? [] : c.stations)));
    const frame = covered ? all.filter((s) => covered.has(s.code)) : all;
    if (request.size > frame.length)
      throw new HttpError(
        400,
        `size ${request.size} is more than the ${frame.length} stations the ballot covers`,
        'SAMPLE_TOO_LARGE',
        [{ field: '/size', problem: `must be at most ${frame.length}, the stations the ballot's contests cover` }],
      );
    const minReported =
      request.minReported ?? Math.min(request.size, current.sample?.minReported ?? Math.ceil(request.size / 2));
    if (minReported > request.size)
      throw new HttpError(
        400,
        `minReported ${minReported} is more than the sample size ${request.size}`,
        'SAMPLE_INVALID',
        [{ field: '/minReported', problem: `must be at most the sample size (${request.size})` }],
      );
    if (current.reportedContestIds.length > 0 && !request.force)
      throw new HttpError(
        409,
        `results protocols have arrived for ${current.reportedContestIds.map((id) => `"${id}"`).join(', ')}: a sample ` +
          'drawn now could be chosen to fit them. Send force: true to redraw anyway (the log marks the draw forced)',
        'SAMPLE_AFTER_RESULTS',
      );
    const seed = request.seed ?? pickSeed();
    const drawn = await drawSample(frame, request.size, seed, request.method);
    const next: Ballot = {
      ...plain(current),
      sample: {
        stations: drawn.stations,
        stratified: request.method === 'stratified',
        minReported,
        origin: {
          source: 'draw',
          method: request.method,
          size: request.size,
          seed,
          algorithm: SAMPLE_ALGORITHM,
          frameSize: frame.length,
          ...(request.force && current.reportedContestIds.length > 0 ? { forced: true as const } : {}),
        },
      },
    };
    return { ballot: await setBallot(principal, next), allocation: drawn.allocation };
  }

  /**
   * For a station import with a `sample` column, read before it writes: refuses (409) a sample that differs from the
   * current one once results protocols have arrived, for the reason a draw is refused then. The same stations again
   * (a corrected station list re-imported on the day) pass.
   */
  async function importedSampleGuard(missionId: string): Promise<(codes: string[]) => void> {
    const current = await ballot(missionId);
    const held = new Set(current.sample?.stations ?? []);
    return (codes) => {
      const same = codes.length === held.size && codes.every((c) => held.has(c));
      if (!same && current.reportedContestIds.length > 0)
        throw new HttpError(
          409,
          `the file's sample column changes the quick-count sample, but results protocols have arrived for ` +
            `${current.reportedContestIds.map((id) => `"${id}"`).join(', ')}; nothing was imported. Leave the column ` +
            'out (or map sample to null), or redraw with force',
          'SAMPLE_AFTER_RESULTS',
        );
    };
  }

  /**
   * The stations a station import marks become the ballot's sample (a ballot_set whose sample's origin is the import),
   * keeping the current sample's `stratified` and `minReported` (at most the new size); without one, unstratified and
   * half the size. The same stations as now record nothing.
   */
  async function setImportedSample(principal: Principal, codes: string[]): Promise<void> {
    const current = await ballot(principal.missionId);
    const held = new Set(current.sample?.stations ?? []);
    if (current.sample && codes.length === held.size && codes.every((c) => held.has(c))) return;
    await setBallot(principal, {
      ...plain(current),
      sample: {
        stations: codes,
        stratified: current.sample?.stratified ?? false,
        minReported: Math.min(codes.length, current.sample?.minReported ?? Math.ceil(codes.length / 2)),
        origin: { source: 'station_import' },
      },
    });
  }

  /**
   * The contests from a CSV file (ballot-import.ts), with the rest of the ballot (turnout hours, photo rule, sample) as
   * it stands. Problems of the file are a 400 listing them by row and column; the ballot's own rules, a 400 as for PUT.
   */
  async function importContestsCsv(principal: Principal, text: string): Promise<BallotReply> {
    const [current, frame] = await Promise.all([ballot(principal.missionId), stationFrame(db, principal.missionId)]);
    const parsed = parseBallotCsv(text, frame);
    if (parsed.problems.length > 0)
      throw new HttpError(
        400,
        `the ballot file has ${parsed.problems.length} problem(s); nothing was changed`,
        'BALLOT_IMPORT_INVALID',
        undefined,
        { problems: parsed.problems },
      );
    return setBallot(principal, { ...plain(current), contests: parsed.contests });
  }

  return { drawBallotSample, importedSampleGuard, setImportedSample, importContestsCsv };
}

export type BallotService = ReturnType<typeof createBallotService>;
