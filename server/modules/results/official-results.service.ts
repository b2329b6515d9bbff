/**
 * The commission's official results: imported from its CSV (all rows or none; a re-import of a contest replaces it,
 * recorded in the log as `official_results_imported` with the file's hash), and compared station by station with the
 * newest protocol observers copied there.
 */
import { randomUUID } from 'node:crypto';
import type { Db, Tx } from '../../../db/client';
import type { EventInputOf, StoredEvent } from '../../../shared/schemas/events';
import {
  OFFICIAL_RESULT_FIELDS,
  type OfficialComparisonReply,
  type OfficialContestComparison,
  type OfficialDifference,
  type OfficialImportQuery,
  type OfficialImportReply,
} from '../../../shared/schemas/official-results';
import { PROTOCOL_FIGURES, type Ballot, type ProtocolFigures } from '../../../shared/schemas/results';
import { searchKey } from '../../../shared/station-search';
import { HttpError } from '../../errors';
import type { Principal } from '../auth/principal';
import { readHead } from '../log/head';
import { entryRow, readOfficialResults, type OfficialMapping } from './official-import';
import {
  listImports,
  officialResultsOf,
  officialTotals,
  recordImports,
  replaceOfficialResults,
  stationDirectory,
  stationsByIds,
} from './official-results.repository';
import { findBallot, listProtocols } from './results.repository';

/** How the import's event reaches the log, in the import's transaction: the events service's, passed in. */
export interface OfficialIngest {
  ingestWithin(
    principal: Principal,
    events: EventInputOf<'official_results_imported'>[],
    write: { before: (tx: Tx) => Promise<void>; after: (tx: Tx, stored: readonly StoredEvent[]) => Promise<void> },
  ): Promise<unknown>;
}

function parseMapping(text: string | undefined): OfficialMapping {
  if (text === undefined) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = null;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new HttpError(400, 'mapping must be a JSON object from field to column name', 'MAPPING_INVALID', [
      { field: '/mapping', problem: 'is not a JSON object' },
    ]);
  for (const [field, column] of Object.entries(parsed)) {
    if (
      !(OFFICIAL_RESULT_FIELDS as readonly string[]).includes(field) ||
      (column !== null && typeof column !== 'string')
    )
      throw new HttpError(
        400,
        `mapping: "${field}" must be one of ${OFFICIAL_RESULT_FIELDS.join(', ')} with a column name or null`,
        'MAPPING_INVALID',
        [{ field: `/mapping/${field}`, problem: 'unknown field or not a column name' }],
      );
  }
  return parsed as OfficialMapping;
}

const share = (votes: number, total: number) => (total > 0 ? votes / total : null);

export function createOfficialResultsService(db: Db, events: OfficialIngest) {
  /**
   * Every station's official totals change only with an import, while the comparison is read again after every
   * protocol: summing a national file's votes each time would cost a second a read. Keyed by the imports.
   */
  const totalsCache = new Map<string, { key: string; totals: Promise<Awaited<ReturnType<typeof officialTotals>>> }>();
  const cachedTotals = (missionId: string, imports: { seq: number; sha256: string; importedAt: Date }[]) => {
    // A drill's wipe starts the seqs again: the time and hash tell a later import from an earlier one.
    const key = imports.map((i) => `${i.seq}/${i.sha256}/${i.importedAt.getTime()}`).join(',');
    const held = totalsCache.get(missionId);
    if (held?.key === key) return held.totals;
    const totals = officialTotals(db, missionId);
    totalsCache.set(missionId, { key, totals });
    totals.catch(() => totalsCache.delete(missionId));
    return totals;
  };

  async function importFile(
    principal: Principal,
    source: AsyncIterable<Buffer | string>,
    query: OfficialImportQuery,
  ): Promise<OfficialImportReply> {
    const missionId = principal.missionId;
    const mapping = parseMapping(query.mapping);
    const [found, directory] = await Promise.all([findBallot(db, missionId), stationDirectory(db, missionId)]);
    const ballot: Ballot['contests'] = found?.ballot.contests ?? [];
    if (ballot.length === 0)
      throw new HttpError(
        409,
        'the mission has no ballot: set its contests (PUT /api/ballot) before importing results',
      );
    const stations = new Map(directory.map((s) => [searchKey(s.code), { id: s.id, code: s.code }]));
    const parsed = await readOfficialResults(source, { stations, contests: ballot }, mapping, query.contestId);
    const contestIds = [...new Set([...parsed.entries.values()].map((e) => e.contestId))].sort();
    const counts = contestIds.map((contestId) => {
      let stationCount = 0;
      for (const e of parsed.entries.values()) if (e.contestId === contestId) stationCount += 1;
      return { contestId, stations: stationCount };
    });
    const rowsOf = new Map<string, number>();
    for (const e of parsed.entries.values())
      rowsOf.set(e.contestId, (rowsOf.get(e.contestId) ?? 0) + e.votes.filter((v) => v >= 0).length);
    const reply: OfficialImportReply = {
      dryRun: query.dryRun === true,
      columns: parsed.columns,
      sample: parsed.sample,
      mapping: parsed.mapping,
      rows: parsed.rows,
      contests: counts.map((c) => ({ ...c, rows: rowsOf.get(c.contestId) ?? 0 })),
      sha256: parsed.sha256,
      seq: null,
    };
    if (parsed.problemCount > 0)
      throw new HttpError(
        400,
        `the file has ${parsed.problemCount} problem(s); nothing was imported. First: row ${parsed.problems[0]!.row}` +
          `${parsed.problems[0]!.field ? `, column "${parsed.problems[0]!.field}"` : ''}: ${parsed.problems[0]!.problem}`,
        'IMPORT_INVALID',
        undefined,
        {
          problems: parsed.problems,
          problemCount: parsed.problemCount,
          columns: parsed.columns,
          mapping: parsed.mapping,
        },
      );
    if (query.dryRun) return reply;
    const candidatesOf = new Map(ballot.map((c) => [c.id, c.candidates]));
    const event: EventInputOf<'official_results_imported'> = {
      id: randomUUID(),
      type: 'official_results_imported',
      occurredAt: new Date().toISOString(),
      contestIds,
      rows: parsed.rows,
      stations: new Set([...parsed.entries.values()].map((e) => e.stationId)).size,
      sha256: parsed.sha256,
    };
    let seq: number | null = null;
    await events.ingestWithin(principal, [event], {
      before: (tx) =>
        replaceOfficialResults(
          tx,
          missionId,
          contestIds,
          (function* () {
            for (const entry of parsed.entries.values())
              yield {
                missionId,
                stationId: entry.stationId,
                contestId: entry.contestId,
                ...entryRow(entry, candidatesOf.get(entry.contestId) ?? []),
              };
          })(),
        ),
      after: async (tx, stored) => {
        const recorded = stored[0]!;
        seq = recorded.seq;
        await recordImports(
          tx,
          reply.contests.map((c) => ({
            missionId,
            contestId: c.contestId,
            seq: recorded.seq,
            importedAt: new Date(recorded.receivedAt),
            rows: c.rows,
            stations: c.stations,
            sha256: parsed.sha256,
          })),
        );
      },
    });
    return { ...reply, seq };
  }

  /**
   * Each observed station's newest protocol per contest (whichever team copied it) against the official result: every
   * figure the file gave and every candidate's votes that differ. Totals per candidate: observers' votes over the
   * sample's stations (every observed station without a sample), the same stations' official votes, and all stations'.
   */
  async function comparison(missionId: string): Promise<OfficialComparisonReply> {
    const [found, protocols, imports, head] = await Promise.all([
      findBallot(db, missionId),
      listProtocols(db, missionId, {}),
      listImports(db, missionId),
      readHead(db, missionId),
    ]);
    const observedIds = [...new Set(protocols.map((p) => p.row.stationId))];
    const [totals, directory, official] = await Promise.all([
      cachedTotals(missionId, imports),
      stationsByIds(db, missionId, observedIds),
      officialResultsOf(db, missionId, observedIds),
    ]);
    const stationOf = new Map(directory.map((s) => [s.id, s]));
    const newest = new Map<string, (typeof protocols)[number]>();
    for (const p of protocols) {
      const key = `${p.row.stationId}|${p.row.contestId}`;
      const held = newest.get(key);
      if (!held || held.row.occurredAt < p.row.occurredAt) newest.set(key, p);
    }
    const officialOf = new Map(official.map((o) => [`${o.stationId}|${o.contestId}`, o]));
    const sample = found?.ballot.sample ? new Set(found.ballot.sample.stations) : null;
    const differences: OfficialDifference[] = [];
    const differing = new Set<string>();
    const contests: OfficialContestComparison[] = (found?.ballot.contests ?? []).map((contest) => {
      const recorded = imports.find((i) => i.contestId === contest.id);
      const observedVotes = new Map<string, number>();
      const officialSameVotes = new Map<string, number>();
      let compared = 0;
      let differingHere = 0;
      let observedStations = 0;
      const missingOfficial: string[] = [];
      const rows = [...newest.values()]
        .filter((p) => p.row.contestId === contest.id)
        .sort((a, b) => a.stationCode.localeCompare(b.stationCode));
      for (const { row, stationCode } of rows) {
        observedStations += 1;
        const station = stationOf.get(row.stationId);
        const theirs = officialOf.get(`${row.stationId}|${contest.id}`);
        const inTotals = sample === null || sample.has(stationCode);
        if (inTotals)
          for (const c of contest.candidates)
            observedVotes.set(c.id, (observedVotes.get(c.id) ?? 0) + (row.votes[c.id] ?? 0));
        if (!theirs) {
          if (recorded) missingOfficial.push(stationCode);
          continue;
        }
        compared += 1;
        if (inTotals)
          for (const c of contest.candidates)
            officialSameVotes.set(c.id, (officialSameVotes.get(c.id) ?? 0) + (theirs.votes[c.id] ?? 0));
        const base = {
          stationId: row.stationId,
          stationCode,
          stationName: station?.name ?? stationCode,
          district: station?.district ?? '',
          contestId: contest.id,
        };
        const before = differences.length;
        for (const figure of PROTOCOL_FIGURES) {
          const officialValue = theirs.figures[figure];
          if (officialValue !== undefined && officialValue !== row.figures[figure as keyof ProtocolFigures])
            differences.push({ ...base, field: figure, observed: row.figures[figure], official: officialValue });
        }
        for (const c of contest.candidates) {
          const observed = row.votes[c.id] ?? null;
          const officialValue = theirs.votes[c.id] ?? null;
          if (observed !== officialValue)
            differences.push({ ...base, field: `votes:${c.id}`, observed, official: officialValue });
        }
        if (differences.length > before) {
          differingHere += 1;
          differing.add(row.stationId);
        }
      }
      const observedTotal = [...observedVotes.values()].reduce((a, b) => a + b, 0);
      const officialSameTotal = [...officialSameVotes.values()].reduce((a, b) => a + b, 0);
      const allOfficial = new Map(
        totals.filter((t) => t.contest_id === contest.id).map((t) => [t.candidate_id, Number(t.votes)]),
      );
      const officialTotal = [...allOfficial.values()].reduce((a, b) => a + b, 0);
      return {
        contestId: contest.id,
        name: contest.name,
        officialStations: recorded?.stations ?? 0,
        observedStations,
        compared,
        differing: differingHere,
        missingOfficial,
        totalsOver: sample === null ? 'observed' : 'sample',
        totals: contest.candidates.map((c) => ({
          candidateId: c.id,
          name: c.name,
          observedVotes: observedVotes.get(c.id) ?? 0,
          observedShare: share(observedVotes.get(c.id) ?? 0, observedTotal),
          officialSameStationsVotes: officialSameVotes.get(c.id) ?? 0,
          officialSameStationsShare: share(officialSameVotes.get(c.id) ?? 0, officialSameTotal),
          officialVotes: allOfficial.get(c.id) ?? 0,
          officialShare: share(allOfficial.get(c.id) ?? 0, officialTotal),
        })),
        importedAt: recorded ? recorded.importedAt.toISOString() : null,
        importSeq: recorded ? recorded.seq : null,
      };
    });
    return { contests, differences, differingStationIds: [...differing].sort(), head };
  }

  return { importFile, comparison };
}

export type OfficialResultsService = ReturnType<typeof createOfficialResultsService>;
