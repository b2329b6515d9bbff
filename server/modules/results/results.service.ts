/**
 * The ballot (set through the log as `ballot_set`, so the record explains every contest and candidate its protocols
 * name), turnout by hour, and the results protocols teams copied.
 */
import { randomUUID } from 'node:crypto';
import type { Db } from '../../../db/client';
import type { EventInputOf, EventResult } from '../../../shared/schemas/events';
import type {
  Ballot,
  BallotReply,
  ProtocolsQuery,
  ProtocolsReply,
  QuickCountReply,
  TurnoutPoint,
  TurnoutReply,
} from '../../../shared/schemas/results';
import { estimateQuickCount, type SampleProtocol } from '../../../shared/quick-count';
import { HttpError } from '../../errors';
import type { Principal } from '../auth/principal';
import { readHead } from '../log/head';
import { redactQuickCountForDisplay, redactTurnoutForDisplay } from '../events/display-redaction';
import type { DisplayPolicies } from '../displays/display-policies';
import {
  findBallot,
  flaggedTurnout,
  listProtocols,
  reportedContestIds,
  stationFrame,
  turnoutByDistrict,
} from './results.repository';

/**
 * How the ballot reaches the log: the events service's ingest, passed in (events sits above results, since its
 * projector writes the results read models).
 */
export interface BallotIngest {
  ingest(principal: Principal, events: EventInputOf<'ballot_set'>[]): Promise<{ results: EventResult[] }>;
}

const EMPTY_BALLOT: Ballot = { contests: [], turnoutHours: [], protocolPhotoRequired: false };

function point(at: string, rows: { stations: number; voted: number; votedWithList: number; registered: number }[]) {
  const sum = (k: 'stations' | 'voted' | 'votedWithList' | 'registered') => rows.reduce((n, r) => n + r[k], 0);
  const registered = sum('registered');
  return {
    at,
    stations: sum('stations'),
    voted: sum('voted'),
    registered,
    share: registered > 0 ? sum('votedWithList') / registered : null,
  } satisfies TurnoutPoint;
}

export function createResultsService(db: Db, events: BallotIngest, policies: Pick<DisplayPolicies, 'get'>) {
  async function ballot(missionId: string): Promise<BallotReply> {
    const [found, reported] = await Promise.all([findBallot(db, missionId), reportedContestIds(db, missionId)]);
    return { ...(found?.ballot ?? EMPTY_BALLOT), seq: found?.seq ?? null, reportedContestIds: reported };
  }

  async function setBallot(principal: Principal, next: Ballot): Promise<BallotReply> {
    const event: EventInputOf<'ballot_set'> = {
      id: randomUUID(),
      type: 'ballot_set',
      occurredAt: new Date().toISOString(),
      ballot: next,
    };
    const [result] = (await events.ingest(principal, [event])).results;
    if (!result || result.status !== 'stored') {
      const field = result?.field?.replace(/^\/ballot/, '') || '/';
      const problem = result?.error ?? 'the ballot could not be stored';
      throw new HttpError(400, `the ballot was not changed: ${problem}`, 'BALLOT_INVALID', [{ field, problem }]);
    }
    return ballot(principal.missionId);
  }

  async function turnout(missionId: string): Promise<TurnoutReply> {
    const [found, rows, flagged, head] = await Promise.all([
      findBallot(db, missionId),
      turnoutByDistrict(db, missionId),
      flaggedTurnout(db, missionId),
      readHead(db, missionId),
    ]);
    const configured = found?.ballot.turnoutHours ?? [];
    // Hours reported before a ballot change dropped them still show.
    const hours = [...new Set([...configured, ...rows.map((r) => r.at)])].sort();
    const districts = [...new Set(rows.map((r) => r.district))].sort();
    return {
      turnoutHours: configured,
      city: hours.map((at) =>
        point(
          at,
          rows.filter((r) => r.at === at),
        ),
      ),
      districts: districts.map((name) => ({
        name,
        hours: hours.map((at) =>
          point(
            at,
            rows.filter((r) => r.at === at && r.district === name),
          ),
        ),
      })),
      flagged: flagged.map(({ row, stationCode }) => ({
        stationId: row.stationId,
        stationCode,
        at: row.at,
        voted: row.voted,
        flags: row.flags,
      })),
      head,
    };
  }

  /** Turnout as the asker may see it: a display gets the sums by hour, not the flagged stations. */
  async function turnoutFor(principal: Principal): Promise<TurnoutReply> {
    const reply = await turnout(principal.missionId);
    return principal.role === 'coordinator' ? reply : redactTurnoutForDisplay(reply);
  }

  async function protocols(missionId: string, query: ProtocolsQuery): Promise<ProtocolsReply> {
    const [rows, head] = await Promise.all([listProtocols(db, missionId, query), readHead(db, missionId)]);
    return {
      protocols: rows.map(({ row, stationCode, district, callSign }) => ({
        eventId: row.eventId,
        stationId: row.stationId,
        stationCode,
        district,
        contestId: row.contestId,
        teamId: row.teamId,
        callSign,
        figures: row.figures,
        votes: row.votes,
        photoId: row.photoId,
        flags: row.flags,
        supersedes: row.supersedes,
        at: row.occurredAt.toISOString(),
        seq: row.updatedSeq,
      })),
      head,
    };
  }

  /**
   * For each contest, turnout and each candidate's share estimated from the sample stations' protocols (the newest per
   * station, whichever team copied it), stratified by district when the sample was drawn so. Strata are the contest's
   * stations per district (N_h); estimates stay null until `minReported` sample stations have reported.
   */
  async function quickCount(missionId: string): Promise<QuickCountReply> {
    const [found, rows, frame, head] = await Promise.all([
      findBallot(db, missionId),
      listProtocols(db, missionId, {}),
      stationFrame(db, missionId),
      readHead(db, missionId),
    ]);
    const sample = found?.ballot.sample;
    if (!found || !sample) return { sampled: false, stratified: false, contests: [], head };
    const inSample = new Set(sample.stations);
    const stratumOf = (district: string) => (sample.stratified ? district : 'all');
    const contests = found.ballot.contests.map((contest) => {
      // A set, not a list search per station: a national frame has 200,000 stations and a contest may list most of
      // them (a search per station made this quadratic).
      const listed = contest.stations === 'all' ? null : new Set(contest.stations);
      const covered = frame.filter((s) => listed === null || listed.has(s.code));
      const stationsInStratum = new Map<string, number>();
      for (const s of covered)
        stationsInStratum.set(stratumOf(s.district), (stationsInStratum.get(stratumOf(s.district)) ?? 0) + 1);
      const sampleSize = covered.filter((s) => inSample.has(s.code)).length;
      const newest = new Map<string, (typeof rows)[number]>();
      for (const r of rows) {
        if (r.row.contestId !== contest.id || !inSample.has(r.stationCode)) continue;
        const held = newest.get(r.stationCode);
        if (!held || held.row.occurredAt < r.row.occurredAt) newest.set(r.stationCode, r);
      }
      const protocols: SampleProtocol[] = [...newest.values()].map(({ row, district }) => ({
        stratum: stratumOf(district),
        registered: row.figures.registered,
        voted: row.figures.foundInBoxes,
        valid: row.figures.valid,
        votes: row.votes,
      }));
      const base = {
        contestId: contest.id,
        name: contest.name,
        reported: protocols.length,
        sampleSize,
        minReported: sample.minReported,
      };
      if (protocols.length < sample.minReported) return { ...base, turnout: null, shares: null };
      const ids = contest.candidates.map((c) => c.id);
      const estimate = estimateQuickCount(protocols, ids, stationsInStratum, sampleSize);
      return {
        ...base,
        turnout: estimate.turnout,
        shares: estimate.shares.map((s, i) => ({ ...s, name: contest.candidates[i]!.name })),
      };
    });
    return {
      sampled: true,
      stratified: sample.stratified,
      ...(sample.origin ? { origin: sample.origin } : {}),
      contests,
      head,
    };
  }

  /**
   * The ballot as the asker may see it: a team's phone gets it without the quick count's sample, which it has no use
   * for; a PVT sample is kept from anyone who might target its stations, and a phone can be lost or seized.
   */
  async function ballotFor(principal: Principal): Promise<BallotReply> {
    const reply = await ballot(principal.missionId);
    if (principal.role === 'coordinator') return reply;
    const { sample: _sample, ...withoutSample } = reply;
    return withoutSample;
  }

  /** The quick count as the asker may see it: a display only when the mission's display policy shows it. */
  async function quickCountFor(principal: Principal): Promise<QuickCountReply> {
    if (principal.role === 'coordinator') return quickCount(principal.missionId);
    const policy = await policies.get(principal.missionId);
    // Not even computed for a wall that may not show it.
    const reply = policy.showsQuickCount
      ? await quickCount(principal.missionId)
      : { sampled: false, stratified: false, contests: [], head: await readHead(db, principal.missionId) };
    return redactQuickCountForDisplay(reply, policy);
  }

  return {
    ballotFor,
    quickCountFor,
    ballot,
    setBallot,
    turnout,
    turnoutFor,
    protocols,
    quickCount,
  };
}

export type ResultsService = ReturnType<typeof createResultsService>;
