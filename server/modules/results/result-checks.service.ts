/**
 * Results worth a look (shared/result-checks.ts) over observers' newest protocols and over the official results, and
 * each contest's election fingerprint. The official side reads every station's row, so it is worked out once per
 * import (and thresholds) and kept; the observed side is small and read fresh.
 */
import type { Db } from '../../../db/client';
import type { ContestFingerprint, ResultCheckRow, ResultChecksReply } from '../../../shared/schemas/official-results';
import { DEFAULT_RESULT_CHECKS, type Ballot, type ResultCheckThresholds } from '../../../shared/schemas/results';
import {
  FINGERPRINT_BINS,
  fingerprint,
  leaderOf,
  resultChecks,
  type StationResult,
} from '../../../shared/result-checks';
import { readHead } from '../log/head';
import { allOfficialResults, listImports, stationDirectory, stationsByIds } from './official-results.repository';
import { findBallot, listProtocols } from './results.repository';

/** Checks of each source a reply lists; the export has them all. */
export const LISTED_CHECKS = 500;

type Directory = Awaited<ReturnType<typeof stationsByIds>>;

interface OfficialSide {
  checks: ResultCheckRow[];
  results: Map<string, StationResult[]>;
}

export function createResultChecksService(db: Db) {
  const officialCache = new Map<string, { key: string; side: Promise<OfficialSide> }>();

  async function officialSide(missionId: string, thresholds: ResultCheckThresholds): Promise<OfficialSide> {
    const imports = await listImports(db, missionId);
    // A drill's wipe starts the seqs again: the time and hash tell a later import from an earlier one.
    const key = JSON.stringify([thresholds, imports.map((i) => `${i.seq}/${i.sha256}/${i.importedAt.getTime()}`)]);
    const held = officialCache.get(missionId);
    if (held?.key === key) return held.side;
    const side = (async () => {
      const stationOf = new Map((await stationDirectory(db, missionId)).map((s) => [s.id, s]));
      const results = new Map<string, StationResult[]>();
      for (const row of await allOfficialResults(db, missionId)) {
        const station = stationOf.get(row.stationId);
        if (!station) continue;
        const list = results.get(row.contestId) ?? [];
        list.push(toResult(station, row.contestId, row.figures, row.votes));
        results.set(row.contestId, list);
      }
      const checks = [...results.values()].flatMap((list) =>
        resultChecks(list, thresholds).map((c) => ({ source: 'official' as const, ...c })),
      );
      return { checks, results };
    })();
    officialCache.set(missionId, { key, side });
    side.catch(() => officialCache.delete(missionId));
    return side;
  }

  async function all(missionId: string): Promise<{
    thresholds: ResultCheckThresholds;
    observed: ResultCheckRow[];
    official: ResultCheckRow[];
    fingerprints: ContestFingerprint[];
    head: number;
  }> {
    const [found, protocols, head] = await Promise.all([
      findBallot(db, missionId),
      listProtocols(db, missionId, {}),
      readHead(db, missionId),
    ]);
    const thresholds = found?.ballot.checks ?? DEFAULT_RESULT_CHECKS;
    const [directory, official] = await Promise.all([
      stationsByIds(db, missionId, [...new Set(protocols.map((p) => p.row.stationId))]),
      officialSide(missionId, thresholds),
    ]);
    const stationOf = new Map(directory.map((s) => [s.id, s]));
    const newest = new Map<string, (typeof protocols)[number]['row']>();
    for (const { row } of protocols) {
      const key = `${row.stationId}|${row.contestId}`;
      const held = newest.get(key);
      if (!held || held.occurredAt < row.occurredAt) newest.set(key, row);
    }
    const observedByContest = new Map<string, StationResult[]>();
    for (const row of newest.values()) {
      const station = stationOf.get(row.stationId);
      if (!station) continue;
      const list = observedByContest.get(row.contestId) ?? [];
      list.push(toResult(station, row.contestId, row.figures, row.votes));
      observedByContest.set(row.contestId, list);
    }
    const observed = [...observedByContest.values()].flatMap((list) =>
      resultChecks(list, thresholds).map((c) => ({ source: 'observed' as const, ...c })),
    );
    const contests: Ballot['contests'] = found?.ballot.contests ?? [];
    const fingerprints = contests.map((contest) => {
      const seen = observedByContest.get(contest.id) ?? [];
      const theirs = official.results.get(contest.id) ?? null;
      const winner = leaderOf(theirs ?? seen);
      return {
        contestId: contest.id,
        name: contest.name,
        candidateId: winner,
        candidateName: contest.candidates.find((c) => c.id === winner)?.name ?? '',
        bins: FINGERPRINT_BINS,
        observed: winner === null ? { cells: [], stations: 0 } : fingerprint(seen, winner),
        official: theirs === null || winner === null ? null : fingerprint(theirs, winner),
      };
    });
    return { thresholds, observed, official: official.checks, fingerprints, head };
  }

  async function checks(missionId: string): Promise<ResultChecksReply> {
    const found = await all(missionId);
    return {
      thresholds: found.thresholds,
      checks: [...found.observed.slice(0, LISTED_CHECKS), ...found.official.slice(0, LISTED_CHECKS)],
      counts: { observed: found.observed.length, official: found.official.length },
      fingerprints: found.fingerprints,
      head: found.head,
    };
  }

  /** Every check of both sources, for the export. */
  async function allChecks(missionId: string): Promise<ResultCheckRow[]> {
    const found = await all(missionId);
    return [...found.observed, ...found.official];
  }

  return { checks, allChecks };
}

function toResult(
  station: Directory[number],
  contestId: string,
  figures: StationResult['figures'],
  votes: StationResult['votes'],
): StationResult {
  return {
    stationId: station.id,
    stationCode: station.code,
    stationName: station.name,
    district: station.district,
    contestId,
    figures,
    votes,
    registeredFallback: station.registeredVoters,
  };
}

export type ResultChecksService = ReturnType<typeof createResultChecksService>;
