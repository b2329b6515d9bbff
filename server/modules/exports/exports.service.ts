/**
 * Exports of the mission's record, streamed: rows are read a page at a time (exports.repository.ts) and written out as
 * they come, CSV through csv-stringify, GeoJSON as a FeatureCollection written feature by feature. Every file names the
 * chain head it reflects (seq and hash) and whether the data is a DRILL: CSV files in a first comment line starting with
 * `#` (csv-parse reads them with `comment: '#'`), GeoJSON in a `vigil` member of the collection, and both in the
 * `X-Vigil-Chain-Head` and `X-Vigil-Drill` headers. Event-based files stop at that head, so they match it exactly.
 */
import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify/sync';
import { eq } from 'drizzle-orm';
import type { Db } from '../../../db/client';
import { missions } from '../../../db/schema/index';
import { PHASES, type Phase } from '../../../shared/schemas/events';
import type { ExportFile, MissionReport } from '../../../shared/schemas/exports';
import type { ChainHead } from '../../../shared/schemas/operations';
import type { LatestAssessments } from '../../../db/schema/read-models';
import {
  PROTOCOL_FIGURES,
  type ProtocolFigures,
  type ProtocolVotes,
  type QuickCountReply,
  type TurnoutReply,
} from '../../../shared/schemas/results';
import type { OfficialComparisonReply, ResultCheckRow } from '../../../shared/schemas/official-results';
import { protocolFlags } from '../../../shared/protocol-checks';
import { HttpError } from '../../errors';
import { readFieldKit } from '../forms/forms.service';
import {
  eventPages,
  findingPages,
  readBallot,
  readDistrictFindings,
  readLatestProtocolFlags,
  readDistrictTable,
  readNames,
  readSummaryFigures,
  stationPages,
  turnoutPages,
  visitPages,
  type ExportEventRow,
  type ExportNames,
} from './exports.repository';

export interface ExportStream {
  filename: string;
  contentType: string;
  head: ChainHead;
  drill: boolean;
  body: Readable;
}

type Cell = string | number | boolean | null | undefined;
const iso = (d: Date | null | undefined) => d?.toISOString() ?? '';

/** A CSV answer cell: yes/no for booleans, lists joined with `;`, empty for no answer. */
export function answerCell(value: unknown): Cell {
  if (value === undefined || value === null) return '';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (Array.isArray(value)) return value.join(';');
  return typeof value === 'object' ? JSON.stringify(value) : (value as Cell);
}

/** A cell a spreadsheet would read as a formula (OWASP "CSV Injection"), including the full-width look-alikes. */
const FORMULA_START = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;

/**
 * The one CSV writer every export goes through. Text that a spreadsheet would run as a formula (finding text, answers,
 * imported addresses: anything people typed) is neutralised as OWASP recommends: csv-stringify's `escape_formulas`
 * prefixes `'`, and the cell is quoted. Only text cells: a real number such as -3 stays an unquoted number.
 */
const CSV_OPTIONS = {
  escape_formulas: true,
  cast: { string: (value: string) => (FORMULA_START.test(value) ? { value, quoted: true } : value) },
};
export const toCsv = (rows: Cell[][]): string => stringify(rows, CSV_OPTIONS);

async function* csvText(preamble: string, columns: string[], pages: AsyncIterable<Cell[][]>): AsyncGenerator<string> {
  yield preamble;
  yield toCsv([columns]);
  for await (const rows of pages) if (rows.length) yield toCsv(rows);
}

async function* mapPages<T>(pages: AsyncIterable<T[]>, toRow: (row: T) => Cell[]): AsyncGenerator<Cell[][]> {
  for await (const page of pages) yield page.map(toRow);
}

async function* once<T>(rows: T[]): AsyncGenerator<T[]> {
  yield rows;
}

type DistrictTableRow = Awaited<ReturnType<typeof readDistrictTable>>[number];
const COUNTED = ['stations', 'observed', 'very_good', 'good', 'bad', 'very_bad'] as const;

/**
 * The district table with each region's own totals: after a region's districts, one row per phase with the district
 * left empty, summing them. Rows carry the districts they cover (for their findings). Districts without a region get
 * no total row, so a list without regions exports as it always did.
 */
export function withRegionTotals(table: readonly DistrictTableRow[]): (DistrictTableRow & { districts: string[] })[] {
  const out: (DistrictTableRow & { districts: string[] })[] = [];
  const flush = (block: DistrictTableRow[]) => {
    const region = block[0]?.region ?? '';
    if (region === '') return;
    for (const phase of PHASES) {
      const rows = block.filter((r) => r.phase === phase);
      const total = {
        region,
        district: '',
        phase,
        stations: 0,
        observed: 0,
        very_good: 0,
        good: 0,
        bad: 0,
        very_bad: 0,
        districts: [...new Set(rows.map((r) => r.district))],
      };
      for (const r of rows) for (const key of COUNTED) total[key] += r[key];
      out.push(total);
    }
  };
  // The table comes ordered by region, then district: each region's rows are one block.
  let block: DistrictTableRow[] = [];
  for (const row of table) {
    if (block.length > 0 && block[0]!.region !== row.region) {
      flush(block);
      block = [];
    }
    block.push(row);
    out.push({ ...row, districts: [row.district] });
  }
  flush(block);
  return out;
}

/**
 * The results area's figures, passed in by services.ts (results sits beside exports, not below): the quick count's
 * estimates and turnout by hour, computed there as GET /api/quick-count and GET /api/turnout answer them.
 */
export interface ResultsFigures {
  quickCount(missionId: string): Promise<QuickCountReply>;
  turnout(missionId: string): Promise<TurnoutReply>;
  officialComparison(missionId: string): Promise<OfficialComparisonReply>;
  resultChecks(missionId: string): Promise<ResultCheckRow[]>;
}

const NO_RESULTS: ResultsFigures = {
  quickCount: async () => ({ sampled: false, stratified: false, contests: [], head: 0 }),
  turnout: async () => ({ turnoutHours: [], city: [], districts: [], flagged: [], head: 0 }),
  officialComparison: async () => ({ contests: [], differences: [], differingStationIds: [], head: 0 }),
  resultChecks: async () => [],
};

export function createExportsService(
  db: Db,
  results: ResultsFigures = NO_RESULTS,
  clock: () => Date = () => new Date(),
) {
  async function missionOf(missionId: string) {
    const [row] = await db.select().from(missions).where(eq(missions.id, missionId));
    if (!row) throw new HttpError(404, 'no such mission');
    return row;
  }

  function preambleOf(file: string, mission: { id: string; name: string }, head: ChainHead, drill: boolean): string {
    const kind = drill ? 'DRILL data (rehearsal, not a record of the election)' : 'live record';
    const name = mission.name.replace(/[\r\n]+/g, ' ');
    return `# Vigil export ${file}; mission "${name}" (${mission.id}); ${kind}; chain head seq=${head.seq} hash=${head.hash}; exported ${clock().toISOString()}\n`;
  }

  async function stationsCsvRows(missionId: string, names: ExportNames) {
    return mapPages(stationPages(db, missionId), ({ station: s, status }) => [
      s.code,
      s.number,
      s.name,
      s.address,
      s.region,
      s.district,
      s.electoralDistrict,
      s.lat,
      s.lng,
      s.registeredVoters,
      (names.plannedBy.get(s.id) ?? []).join(';'),
      status.visitCount,
      iso(status.firstVisitAt),
      iso(status.lastVisitAt),
      status.presentTeamIds.map((id) => names.team.get(id) ?? id).join(';'),
      ...PHASES.map((p) => (status.latestAssessments as LatestAssessments)[p]?.assessment ?? ''),
      status.openFindings,
      status.worstOpenSeverity ?? '',
      names.openConflicts.get(s.id) ?? 0,
    ]);
  }

  async function checklistColumns(missionId: string): Promise<string[]> {
    const kit = await readFieldKit(db, missionId);
    const ids: string[] = [];
    for (const form of kit.forms) for (const q of form.questions) if (!ids.includes(q.id)) ids.push(q.id);
    return ids;
  }

  async function open(missionId: string, file: ExportFile): Promise<ExportStream> {
    const mission = await missionOf(missionId);
    const head: ChainHead = { seq: mission.lastSeq, hash: mission.lastHash };
    const names = await readNames(db, missionId);
    const preamble = preambleOf(file, mission, head, mission.drill);
    const team = (id: string | null) => (id ? (names.team.get(id) ?? id) : '');
    const station = (id: string | null) => (id ? (names.station.get(id)?.code ?? id) : '');
    const district = (id: string | null) => (id ? (names.station.get(id)?.district ?? '') : '');
    const csv = (columns: string[], pages: AsyncIterable<Cell[][]>): ExportStream => ({
      filename: file,
      contentType: 'text/csv; charset=utf-8',
      head,
      drill: mission.drill,
      body: Readable.from(csvText(preamble, columns, pages)),
    });

    switch (file) {
      case 'events.csv':
        return csv(
          [
            'seq',
            'id',
            'type',
            'occurred_at',
            'received_at',
            'team',
            'station',
            'actor_role',
            'actor_name',
            'payload',
            'prev_hash',
            'hash',
          ],
          mapPages(eventPages(db, missionId, head.seq), (e) => [
            e.seq,
            e.id,
            e.type,
            iso(e.occurredAt),
            iso(e.receivedAt),
            team(e.teamId),
            station(e.stationId),
            e.actor.role,
            e.actor.name,
            JSON.stringify(e.payload),
            e.prevHash,
            e.hash,
          ]),
        );
      case 'visits.csv':
        return csv(
          ['visit_id', 'team', 'station', 'district', 'arrived_at', 'departed_at', 'closed_by', 'minutes'],
          mapPages(visitPages(db, missionId), (v) => [
            v.id,
            team(v.teamId),
            station(v.stationId),
            district(v.stationId),
            iso(v.arrivedAt),
            iso(v.departedAt),
            v.closedBy ?? '',
            v.departedAt ? Math.round((v.departedAt.getTime() - v.arrivedAt.getTime()) / 60_000) : '',
          ]),
        );
      case 'checklists.csv': {
        const questions = await checklistColumns(missionId);
        return csv(
          ['seq', 'id', 'occurred_at', 'team', 'station', 'district', 'form', 'phase', 'assessment', ...questions],
          mapPages(eventPages(db, missionId, head.seq, 'checklist'), (e) => {
            const p = e.payload as { form: string; phase: Phase; assessment: string; answers: Record<string, unknown> };
            return [
              e.seq,
              e.id,
              iso(e.occurredAt),
              team(e.teamId),
              station(e.stationId),
              district(e.stationId),
              p.form,
              p.phase,
              p.assessment,
              ...questions.map((q) => answerCell(p.answers[q])),
            ];
          }),
        );
      }
      case 'findings.csv':
        return csv(
          [
            'seq',
            'id',
            'reported_at',
            'team',
            'station',
            'district',
            'category',
            'severity',
            'status',
            'status_changed_at',
            'text',
            'photo_id',
            'lat',
            'lng',
            'acknowledged_at',
            'acknowledged_by',
            'status_changed_by',
            'resolved_at',
            'resolved_by',
            'assigned_to',
          ],
          mapPages(findingPages(db, missionId, head.seq), ({ finding: f, payload }) => [
            f.seq,
            f.id,
            iso(f.reportedAt),
            team(f.teamId),
            station(f.stationId),
            district(f.stationId),
            f.category,
            f.severity,
            f.status,
            iso(f.statusChangedAt),
            String(payload.text ?? ''),
            String(payload.photoId ?? ''),
            // Where an incident away from a station happened (empty at a station: the station says where).
            f.lat ?? '',
            f.lng ?? '',
            // Who did what when: the first triage, the latest, the resolution, and who has the finding now.
            iso(f.acknowledgedAt),
            f.acknowledgedBy ?? '',
            f.statusChangedBy ?? '',
            iso(f.resolvedAt),
            f.resolvedBy ?? '',
            f.assignedTo ?? '',
          ]),
        );
      case 'stations.csv':
        return csv(
          [
            'code',
            'number',
            'name',
            'address',
            'region',
            'district',
            'electoral_district',
            'lat',
            'lng',
            'registered_voters',
            'planned_teams',
            'visits',
            'first_visit_at',
            'last_visit_at',
            'teams_present',
            ...PHASES.map((p) => `${p}_assessment`),
            'open_findings',
            'worst_open_severity',
            'open_conflicts',
          ],
          await stationsCsvRows(missionId, names),
        );
      case 'districts.csv': {
        const [table, findingRows] = await Promise.all([
          readDistrictTable(db, missionId),
          readDistrictFindings(db, missionId),
        ]);
        const findingsOf = (districts: readonly string[], open: boolean) =>
          findingRows
            .filter((f) => districts.includes(f.district))
            .reduce((n, f) => n + (open ? f.open : f.reported), 0);
        return csv(
          [
            'region',
            'district',
            'phase',
            'stations',
            'observed',
            'very_good',
            'good',
            'bad',
            'very_bad',
            'findings_reported',
            'findings_open',
          ],
          once(
            withRegionTotals(table).map((r) => [
              r.region,
              r.district,
              r.phase,
              r.stations,
              r.observed,
              r.very_good,
              r.good,
              r.bad,
              r.very_bad,
              findingsOf(r.districts, false),
              findingsOf(r.districts, true),
            ]),
          ),
        );
      }
      case 'turnout.csv':
        return csv(
          [
            'station',
            'district',
            'hour',
            'voted',
            'registered',
            'share',
            'flags',
            'team',
            'occurred_at',
            'received_at',
            'seq',
          ],
          mapPages(turnoutPages(db, missionId), (r) => [
            r.code,
            r.district,
            r.row.at,
            r.row.voted,
            r.registered ?? '',
            r.registered ? r.row.voted / r.registered : '',
            r.row.flags.join(';'),
            team(r.row.teamId),
            iso(r.row.occurredAt),
            iso(r.receivedAt),
            r.row.updatedSeq,
          ]),
        );
      case 'protocols.csv': {
        const contests = (await readBallot(db, missionId))?.contests ?? [];
        const candidates = contests.flatMap((c) => c.candidates.map((k) => ({ contestId: c.id, ...k })));
        const candidateIdsOf = new Map(contests.map((c) => [c.id, c.candidates.map((k) => k.id)]));
        return csv(
          [
            'seq',
            'id',
            'occurred_at',
            'received_at',
            'station',
            'district',
            'contest',
            'team',
            'status',
            'flags',
            ...PROTOCOL_FIGURES,
            'photo_id',
            // One column per candidate, named by contest, candidate id and name: unique however names repeat.
            ...candidates.map((k) => `${k.contestId}/${k.id} ${k.name}`),
          ],
          protocolRows(missionId, head.seq, async (page) => {
            const latest = await readLatestProtocolFlags(
              db,
              missionId,
              page.map((e) => e.id),
            );
            return page.map((e) => {
              const p = e.payload as {
                contestId: string;
                figures: ProtocolFigures;
                votes: ProtocolVotes;
                photoId?: string;
              };
              // A superseded copy's checks, worked out again as the projector did for the latest.
              const flags =
                latest.get(e.id) ?? protocolFlags(p.figures, p.votes, candidateIdsOf.get(p.contestId) ?? []);
              return [
                e.seq,
                e.id,
                iso(e.occurredAt),
                iso(e.receivedAt),
                station(e.stationId),
                district(e.stationId),
                p.contestId,
                team(e.teamId),
                latest.has(e.id) ? 'latest' : 'superseded',
                flags.join(';'),
                ...PROTOCOL_FIGURES.map((f) => p.figures[f]),
                p.photoId ?? '',
                ...candidates.map((k) => (k.contestId === p.contestId ? (p.votes[k.id] ?? '') : '')),
              ];
            });
          }),
        );
      }
      case 'quick-count.csv': {
        const reply = await results.quickCount(missionId);
        const rows: Cell[][] = [];
        for (const c of reply.contests) {
          const base = [c.contestId, c.name];
          const tail = [c.reported, c.sampleSize, c.minReported, reply.stratified ? 'stratified' : 'simple'];
          const estimate = (e: { value: number; marginOfError: number | null } | null | undefined): Cell[] =>
            e ? [e.value, e.marginOfError ?? ''] : ['', ''];
          rows.push([...base, 'turnout', '', ...estimate(c.turnout), ...tail]);
          for (const share of c.shares ?? []) {
            rows.push([...base, share.candidateId, share.name, ...estimate(share.estimate), ...tail]);
          }
          if (!c.shares) rows.push([...base, '', '', '', '', ...tail]);
        }
        return csv(
          [
            'contest',
            'contest_name',
            'candidate',
            'candidate_name',
            'share',
            'margin_of_error',
            'reported',
            'sample_size',
            'min_reported',
            'design',
          ],
          once(rows),
        );
      }
      case 'official-comparison.csv': {
        // One row per figure or candidate that differs, then each contest's totals per candidate.
        const reply = await results.officialComparison(missionId);
        const rows: Cell[][] = reply.differences.map((d) => [
          'difference',
          d.contestId,
          d.stationCode,
          d.stationName,
          d.district,
          d.field,
          d.observed ?? '',
          d.official ?? '',
          d.observed !== null && d.official !== null ? d.observed - d.official : '',
          '',
          '',
        ]);
        for (const c of reply.contests)
          for (const k of c.totals)
            rows.push([
              `total_${c.totalsOver}`,
              c.contestId,
              '',
              '',
              '',
              `votes:${k.candidateId}`,
              k.observedVotes,
              k.officialSameStationsVotes,
              k.observedVotes - k.officialSameStationsVotes,
              k.officialVotes,
              k.officialShare ?? '',
            ]);
        return csv(
          [
            'kind',
            'contest',
            'station',
            'station_name',
            'district',
            'field',
            'observed',
            'official',
            'observed_minus_official',
            'official_all_stations',
            'official_share_all_stations',
          ],
          once(rows),
        );
      }
      case 'result-checks.csv': {
        const rows = await results.resultChecks(missionId);
        return csv(
          ['source', 'contest', 'station', 'station_name', 'district', 'check', 'value', 'detail'],
          once(
            rows.map((c) => [
              c.source,
              c.contestId,
              c.stationCode,
              c.stationName,
              c.district,
              c.check,
              c.value,
              c.detail,
            ]),
          ),
        );
      }
      case 'findings.geojson':
        return geojson(
          file,
          mission,
          head,
          mapFeatures(findingPages(db, missionId, head.seq), ({ finding: f, payload }) => {
            const s = f.stationId === null ? undefined : names.station.get(f.stationId);
            const position = payload.position as { lat: number; lng: number } | undefined;
            return feature(position ?? (s && s.lat !== null && s.lng !== null ? { lat: s.lat, lng: s.lng } : null), {
              id: f.id,
              seq: f.seq,
              reportedAt: iso(f.reportedAt),
              team: team(f.teamId),
              station: station(f.stationId),
              district: district(f.stationId),
              category: f.category,
              severity: f.severity,
              status: f.status,
              text: String(payload.text ?? ''),
              atStation: f.stationId !== null,
            });
          }),
        );
      case 'stations.geojson':
        return geojson(
          file,
          mission,
          head,
          mapFeatures(stationPages(db, missionId), ({ station: s, status }) =>
            feature(s.lat !== null && s.lng !== null ? { lat: s.lat, lng: s.lng } : null, {
              code: s.code,
              number: s.number,
              name: s.name,
              address: s.address,
              region: s.region,
              district: s.district,
              electoralDistrict: s.electoralDistrict,
              registeredVoters: s.registeredVoters,
              plannedTeams: names.plannedBy.get(s.id) ?? [],
              visits: status.visitCount,
              teamsPresent: status.presentTeamIds.map((id) => names.team.get(id) ?? id),
              assessments: Object.fromEntries(
                PHASES.map((p) => [p, (status.latestAssessments as LatestAssessments)[p]?.assessment ?? null]),
              ),
              openFindings: status.openFindings,
              worstOpenSeverity: status.worstOpenSeverity,
              openConflicts: names.openConflicts.get(s.id) ?? 0,
            }),
          ),
        );
    }
  }

  async function* protocolRows(
    missionId: string,
    head: number,
    toRows: (page: ExportEventRow[]) => Promise<Cell[][]>,
  ): AsyncGenerator<Cell[][]> {
    for await (const page of eventPages(db, missionId, head, 'results_protocol')) yield toRows(page);
  }

  function geojson(
    file: string,
    mission: { id: string; name: string; drill: boolean },
    head: ChainHead,
    features: AsyncIterable<string[]>,
  ): ExportStream {
    const meta = {
      vigil: {
        file,
        missionId: mission.id,
        mission: mission.name,
        drill: mission.drill,
        head,
        exportedAt: clock().toISOString(),
      },
    };
    async function* text() {
      yield `{"type":"FeatureCollection",${JSON.stringify(meta).slice(1, -1)},"features":[`;
      let first = true;
      for await (const page of features) {
        if (page.length === 0) continue;
        yield (first ? '\n' : ',\n') + page.join(',\n');
        first = false;
      }
      yield '\n]}\n';
    }
    return {
      filename: file,
      contentType: 'application/geo+json; charset=utf-8',
      head,
      drill: mission.drill,
      body: Readable.from(text()),
    };
  }

  async function report(missionId: string): Promise<MissionReport> {
    const mission = await missionOf(missionId);
    const [figures, ballot] = await Promise.all([readSummaryFigures(db, missionId), readBallot(db, missionId)]);
    const hasBallot = ballot !== null && (ballot.contests.length > 0 || ballot.turnoutHours.length > 0);
    const [turnout, quickCount] = hasBallot
      ? await Promise.all([results.turnout(missionId), results.quickCount(missionId)])
      : [null, null];
    const when = (v: Date | string | null) => (v === null ? null : new Date(v).toISOString());
    return {
      mission: { id: mission.id, name: mission.name, electionDate: mission.electionDate, timeZone: mission.timeZone },
      drill: mission.drill,
      head: { seq: mission.lastSeq, hash: mission.lastHash },
      generatedAt: clock().toISOString(),
      span: { first: when(figures.span.first), last: when(figures.span.last), events: figures.span.events },
      coverage: {
        stations: figures.coverage.total,
        visited: figures.coverage.visited,
        planned: figures.coverage.planned,
        plannedVisited: figures.coverage.planned_visited,
        teams: figures.coverage.teams,
        teamsSeen: figures.coverage.teams_seen,
      },
      assessments: figures.assessments.map((a) => ({ phase: a.phase, assessment: a.assessment, count: a.n })),
      findings: figures.findingCounts.map((f) => ({
        category: f.category,
        severity: f.severity,
        count: f.n,
        open: f.open,
      })),
      conflicts: figures.conflicts,
      results:
        turnout && quickCount
          ? {
              turnout: turnout.city,
              quickCount: quickCount.sampled
                ? {
                    stratified: quickCount.stratified,
                    ...(quickCount.origin ? { origin: quickCount.origin } : {}),
                    contests: quickCount.contests,
                  }
                : null,
            }
          : null,
    };
  }

  return { open, report };
}

function feature(point: { lat: number; lng: number } | null, properties: Record<string, unknown>): string {
  return JSON.stringify({
    type: 'Feature',
    geometry: point ? { type: 'Point', coordinates: [point.lng, point.lat] } : null,
    properties,
  });
}

async function* mapFeatures<T>(pages: AsyncIterable<T[]>, toFeature: (row: T) => string): AsyncGenerator<string[]> {
  for await (const page of pages) yield page.map(toFeature);
}

export type ExportsService = ReturnType<typeof createExportsService>;
