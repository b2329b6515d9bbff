/**
 * The ballot, turnout and results-protocol read models, kept by the projector inside the ingest transaction (under the
 * mission's head lock, so a ballot change and a protocol never race): `ballot_set` replaces the ballot when its rules
 * hold (ballot-rules.ts), `turnout` keeps the latest report per station and hour, `results_protocol` each team's latest
 * protocol per station and contest. Figures that do not add up are flagged, never refused.
 */
import { and, eq } from 'drizzle-orm';
import type { Tx } from '../../../db/client';
import { inList } from '../../../db/in-list';
import { ballots, resultsProtocols, turnoutReports } from '../../../db/schema/index';
import type { EventInput, EventInputOf } from '../../../shared/schemas/events';
import type { Ballot, ReportFlag } from '../../../shared/schemas/results';
import { protocolFlags } from '../../../shared/protocol-checks';
import { readExistingPhotoIds } from '../photos/photos.service';
import { readStationIdsByCode, readStationsById } from '../stations/stations.service';
import { ballotProblems, contestCovers } from './ballot-rules';

type TurnoutRow = typeof turnoutReports.$inferSelect;
type ProtocolRow = typeof resultsProtocols.$inferSelect;
export type ResultsVerdict = { ok: true } | { ok: false; field: string; error: string };

const EMPTY_BALLOT: Ballot = { contests: [], turnoutHours: [], protocolPhotoRequired: false };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class ResultsBatch {
  readonly #missionId: string;
  #ballot: Ballot;
  #ballotSeq: number | null = null;
  readonly #reportedContestIds: Set<string>;
  readonly #stationCodes: ReadonlySet<string>;
  readonly #stations: ReadonlyMap<string, { code: string; registeredVoters: number | null }>;
  readonly #photoIds: ReadonlySet<string>;
  readonly #turnout = new Map<string, TurnoutRow>();
  readonly #protocols = new Map<string, ProtocolRow>();
  readonly #dirtyTurnout = new Set<string>();
  readonly #dirtyProtocols = new Set<string>();

  private constructor(parts: {
    missionId: string;
    ballot: Ballot;
    reportedContestIds: Set<string>;
    stationCodes: ReadonlySet<string>;
    stations: ReadonlyMap<string, { code: string; registeredVoters: number | null }>;
    photoIds: ReadonlySet<string>;
  }) {
    this.#missionId = parts.missionId;
    this.#ballot = parts.ballot;
    this.#reportedContestIds = parts.reportedContestIds;
    this.#stationCodes = parts.stationCodes;
    this.#stations = parts.stations;
    this.#photoIds = parts.photoIds;
  }

  static async load(tx: Tx, missionId: string, batch: EventInput[]): Promise<ResultsBatch> {
    const setsBallot = batch.some((e) => e.type === 'ballot_set');
    const reports = batch.filter(
      (e): e is EventInputOf<'turnout' | 'results_protocol'> => e.type === 'turnout' || e.type === 'results_protocol',
    );
    if (!setsBallot && reports.length === 0) {
      return new ResultsBatch({
        missionId,
        ballot: EMPTY_BALLOT,
        reportedContestIds: new Set(),
        stationCodes: new Set(),
        stations: new Map(),
        photoIds: new Set(),
      });
    }
    const stationIds = [...new Set(reports.map((e) => e.stationId))];
    const photoIds = [
      ...new Set(
        reports.flatMap((e) =>
          e.type === 'results_protocol' && e.photoId && UUID.test(e.photoId) ? [e.photoId.toLowerCase()] : [],
        ),
      ),
    ];
    const [ballotRows, reported, codes, stationRows, photos, turnoutRows, protocolRows] = await Promise.all([
      tx.select().from(ballots).where(eq(ballots.missionId, missionId)),
      setsBallot
        ? tx
            .selectDistinct({ contestId: resultsProtocols.contestId })
            .from(resultsProtocols)
            .where(eq(resultsProtocols.missionId, missionId))
        : [],
      setsBallot ? readStationIdsByCode(tx, missionId) : new Map<string, string>(),
      stationIds.length ? readStationsById(tx, missionId, stationIds) : [],
      photoIds.length ? readExistingPhotoIds(tx, missionId, photoIds) : new Set<string>(),
      stationIds.length
        ? tx
            .select()
            .from(turnoutReports)
            .where(and(eq(turnoutReports.missionId, missionId), inList(turnoutReports.stationId, stationIds, 'uuid')))
        : [],
      stationIds.length
        ? tx
            .select()
            .from(resultsProtocols)
            .where(
              and(eq(resultsProtocols.missionId, missionId), inList(resultsProtocols.stationId, stationIds, 'uuid')),
            )
        : [],
    ]);
    const self = new ResultsBatch({
      missionId,
      ballot: ballotRows[0]?.ballot ?? EMPTY_BALLOT,
      reportedContestIds: new Set(reported.map((r) => r.contestId)),
      stationCodes: new Set(codes.keys()),
      stations: new Map(stationRows.map((s) => [s.id, { code: s.code, registeredVoters: s.registeredVoters }])),
      photoIds: photos,
    });
    for (const row of turnoutRows) self.#turnout.set(`${row.stationId}|${row.at}`, row);
    for (const row of protocolRows) self.#protocols.set(`${row.stationId}|${row.contestId}|${row.teamId}`, row);
    return self;
  }

  setBallot(event: EventInputOf<'ballot_set'>, seq: number): ResultsVerdict {
    const problems = ballotProblems(event.ballot, this.#ballot, this.#reportedContestIds, (code) =>
      this.#stationCodes.has(code),
    );
    const first = problems[0];
    if (first) return { ok: false, field: `/ballot${first.field}`, error: first.problem };
    this.#ballot = event.ballot;
    this.#ballotSeq = seq;
    return { ok: true };
  }

  turnout(event: EventInputOf<'turnout'>, at: Date, seq: number): ResultsVerdict {
    const hours = this.#ballot.turnoutHours;
    if (!hours.includes(event.at)) {
      return {
        ok: false,
        field: '/at',
        error: hours.length
          ? `${event.at} is not one of the mission's turnout hours (${hours.join(', ')})`
          : 'the mission has no turnout hours (set them with PUT /api/ballot)',
      };
    }
    const key = `${event.stationId}|${event.at}`;
    const held = this.#turnout.get(key);
    if (held && held.occurredAt > at) return { ok: true }; // a late delivery: the log keeps it, the station a newer one
    const flags: ReportFlag[] = [];
    const registered = this.#stations.get(event.stationId)?.registeredVoters;
    if (registered != null && event.voted > registered) flags.push('turnout_above_registered');
    const earlier = [...this.#turnout.values()].filter((r) => r.stationId === event.stationId && r.at < event.at);
    if (earlier.some((r) => r.voted > event.voted)) flags.push('turnout_below_earlier');
    this.#turnout.set(key, {
      missionId: this.#missionId,
      stationId: event.stationId,
      at: event.at,
      voted: event.voted,
      teamId: event.teamId,
      eventId: event.id,
      occurredAt: at,
      flags,
      updatedSeq: seq,
    });
    this.#dirtyTurnout.add(key);
    return { ok: true };
  }

  protocol(event: EventInputOf<'results_protocol'>, at: Date, seq: number): ResultsVerdict {
    const contest = this.#ballot.contests.find((c) => c.id === event.contestId);
    if (!contest) return { ok: false, field: '/contestId', error: `no contest "${event.contestId}" on the ballot` };
    const code = this.#stations.get(event.stationId)?.code ?? '';
    if (!contestCovers(contest, code))
      return { ok: false, field: '/stationId', error: `station ${code} does not vote in contest "${contest.id}"` };
    const unknown = Object.keys(event.votes).find((id) => !contest.candidates.some((c) => c.id === id));
    if (unknown !== undefined)
      return { ok: false, field: `/votes/${unknown}`, error: `no candidate "${unknown}" in contest "${contest.id}"` };
    if (event.photoId === undefined && this.#ballot.protocolPhotoRequired)
      return { ok: false, field: '/photoId', error: 'the mission requires a photo of the protocol' };
    if (event.photoId !== undefined && !this.#photoIds.has(event.photoId.toLowerCase()))
      return {
        ok: false,
        field: '/photoId',
        error: 'no such photo in this mission: upload it (PUT /api/photos/:photoId) before the protocol',
      };
    const key = `${event.stationId}|${event.contestId}|${event.teamId}`;
    const held = this.#protocols.get(key);
    const flags = protocolFlags(
      event.figures,
      event.votes,
      contest.candidates.map((c) => c.id),
    );
    this.#reportedContestIds.add(contest.id);
    if (held && held.occurredAt > at) {
      // Delivered late: superseded at once by the newer one the station holds; the log keeps both.
      held.supersedes += 1;
    } else {
      this.#protocols.set(key, {
        missionId: this.#missionId,
        stationId: event.stationId,
        contestId: event.contestId,
        teamId: event.teamId,
        eventId: event.id,
        figures: event.figures,
        votes: event.votes,
        photoId: event.photoId ?? null,
        flags,
        supersedes: held ? held.supersedes + 1 : 0,
        occurredAt: at,
        updatedSeq: seq,
      });
    }
    this.#dirtyProtocols.add(key);
    return { ok: true };
  }

  async flush(tx: Tx): Promise<void> {
    const writes: Promise<unknown>[] = [];
    if (this.#ballotSeq !== null) {
      const values = { missionId: this.#missionId, ballot: this.#ballot, updatedSeq: this.#ballotSeq };
      writes.push(
        tx
          .insert(ballots)
          .values(values)
          .onConflictDoUpdate({
            target: ballots.missionId,
            set: { ballot: values.ballot, updatedSeq: values.updatedSeq },
          }),
      );
    }
    for (const key of this.#dirtyTurnout) {
      const row = this.#turnout.get(key)!;
      const { missionId: _m, stationId: _s, at: _a, ...set } = row;
      writes.push(
        tx
          .insert(turnoutReports)
          .values(row)
          .onConflictDoUpdate({ target: [turnoutReports.missionId, turnoutReports.stationId, turnoutReports.at], set }),
      );
    }
    for (const key of this.#dirtyProtocols) {
      const row = this.#protocols.get(key)!;
      const { missionId: _m, stationId: _s, contestId: _c, teamId: _t, ...set } = row;
      writes.push(
        tx
          .insert(resultsProtocols)
          .values(row)
          .onConflictDoUpdate({
            target: [
              resultsProtocols.missionId,
              resultsProtocols.stationId,
              resultsProtocols.contestId,
              resultsProtocols.teamId,
            ],
            set,
          }),
      );
    }
    await Promise.all(writes);
  }
}
