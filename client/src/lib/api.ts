/**
 * The HTTP API, typed from the wire schemas in shared/. Every call carries the bearer token; every failure becomes an
 * ApiError with the server's status and message, and a 401 also tells the app to drop the session.
 */
import type {
  Ballot,
  BallotReply,
  ProtocolsReply,
  QuickCountReply,
  SampleDrawReply,
  SampleDrawRequest,
  TurnoutReply,
} from '../../../shared/schemas/results';
import type { AlertSettings, LoginBody, LoginReply, SessionReply } from '../../../shared/schemas/auth';
import type { ErrorReply } from '../../../shared/schemas/common';
import type {
  CreateDisplayLinkBody,
  CreatedDisplayLink,
  DisplayLink,
  DisplayLinksReply,
  DisplayPolicy,
  UpdateDisplayLinkBody,
} from '../../../shared/schemas/displays';
import type { CoverageReply } from '../../../shared/schemas/coverage';
import type { ReplayReply, WallReplayReply } from '../../../shared/schemas/replay';
import type { EventInput, FeedPage, PostEventsReply } from '../../../shared/schemas/events';
import type { RecentFindingsReply, TriageFindingsReply } from '../../../shared/schemas/findings';
import type { FormsReply } from '../../../shared/schemas/forms';
import type { MapConfigReply, StationDetailReply, TeamTrailsReply } from '../../../shared/schemas/map';
import type { StationSummaryReply, StationsReply } from '../../../shared/schemas/stations';
import type {
  OfficialComparisonReply,
  OfficialImportReply,
  OfficialResultField,
  ResultChecksReply,
} from '../../../shared/schemas/official-results';
import type { Summary } from '../../../shared/schemas/summary';
import type { CreateTeamBody, CreatedTeamReply, JoinCodeReply, TeamsReply } from '../../../shared/schemas/teams';
import type { VersionReply } from '../../../shared/schemas/version';
import type { ConflictsReply } from '../../../shared/schemas/conflicts';
import type { MessagesReply } from '../../../shared/schemas/messages';
import type { EmergencyContacts, RouteSheetsReply } from '../../../shared/schemas/route-sheets';
import type { ExportFile, MissionReport } from '../../../shared/schemas/exports';
import type { ClearDrillReply, OperationsState, PlanImportReply } from '../../../shared/schemas/operations';
import type {
  ImportPreviewReply,
  ImportProblem,
  ImportReply,
  Station,
  StationImportField,
  StationPositionBody,
} from '../../../shared/schemas/stations';
import { takeEarlyRead } from './early-reads';

/** A file an import refused: its problems and, when the header could be read, its columns and how they were mapped. */
export interface RefusedUpload {
  message: string;
  problems: ImportProblem[];
  columns?: string[];
  mapping?: Record<string, string | null>;
}

/** Which of the official results file's columns holds each field (null: the file has none). */
export type OfficialColumnMapping = Partial<Record<OfficialResultField, string | null>>;

/** Which of the file's columns holds each station field (null: the file has none): the import's `mapping` parameter. */
export type StationColumnMapping = Partial<Record<StationImportField, string | null>>;

function stationContentType(format: 'csv' | 'geojson'): string {
  return format === 'csv' ? 'text/csv' : 'application/geo+json';
}

function stationImportPath(
  path: string,
  format: 'csv' | 'geojson',
  mapping: StationColumnMapping | null,
  dryRun: boolean,
): string {
  const query = new URLSearchParams({ format });
  if (dryRun) query.set('dryRun', 'true');
  if (mapping !== null) query.set('mapping', JSON.stringify(mapping));
  return `${path}?${query}`;
}

/** Long enough for a 100,000-station list over a poor mobile link, short enough that a dead request is noticed. */
const REQUEST_TIMEOUT_MS = 60_000;
/** A national official results file (150 MB, checked row by row, then written) takes minutes, not one. */
const LARGE_UPLOAD_TIMEOUT_MS = 15 * 60_000;

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    /** HTTP status; 0 when the server could not be reached at all. */
    readonly status: number,
    message: string,
    readonly code?: string,
    /** The server's Retry-After in seconds (a 429 at the door, a 503), null without one. */
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(message);
  }
}

function retryAfterOf(response: Response): number | null {
  const seconds = Number(response.headers.get('retry-after') ?? NaN);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : null;
}

export interface ApiClientOptions {
  token?: string | null;
  /** Called once per 401 answer, before the ApiError is thrown: the session is gone and the user must start again. */
  onUnauthorized?: () => void;
}

type Query = Record<string, string | number | undefined>;

export class ApiClient {
  readonly #token: string | null;
  readonly #onUnauthorized: (() => void) | undefined;

  constructor(options: ApiClientOptions = {}) {
    this.#token = options.token ?? null;
    this.#onUnauthorized = options.onUnauthorized;
  }

  /** The bearer token, for requests the map makes itself (its station tiles). */
  get token(): string | null {
    return this.#token;
  }

  /** A request made outside this client (the station list's worker) was answered 401: the session is gone. */
  sessionLost(): void {
    this.#onUnauthorized?.();
  }

  login(body: LoginBody): Promise<LoginReply> {
    return this.#request('POST', '/api/auth/login', { body });
  }

  session(): Promise<SessionReply> {
    return this.#request('GET', '/api/session');
  }

  /** How many stations, and per state at tiled sizes (TILED_MAP_MIN_STATIONS): what a page shows before the list. */
  stationSummary(): Promise<StationSummaryReply> {
    return this.#request('GET', '/api/stations/summary');
  }

  /** With `changedAfter`, only stations whose status changed after that sequence (a resync after missed news). */
  stations(changedAfter?: number): Promise<StationsReply> {
    return this.#request('GET', '/api/stations', { query: { changedAfter } });
  }

  teams(): Promise<TeamsReply> {
    return this.#request('GET', '/api/teams');
  }

  events(after: number, limit: number): Promise<FeedPage> {
    return this.#request('GET', '/api/events', { query: { after, limit } });
  }

  summary(): Promise<Summary> {
    return this.#request('GET', '/api/summary');
  }

  recentFindings(limit: number): Promise<RecentFindingsReply> {
    return this.#request('GET', '/api/findings/recent', { query: { limit } });
  }

  /** Every finding of the mission for triage (coordinators). */
  findings(): Promise<TriageFindingsReply> {
    return this.#request('GET', '/api/findings');
  }

  /** The mission's checklist forms and finding categories (with their labels in each language). */
  forms(): Promise<FormsReply> {
    return this.#request('GET', '/api/forms');
  }

  coverage(): Promise<CoverageReply> {
    return this.#request('GET', '/api/coverage');
  }

  /** The stations, teams, findings and coverage as they stood at a past moment (coordinators). */
  replay(at: string): Promise<ReplayReply> {
    return this.#request('GET', '/api/replay', { query: { at } });
  }

  /** Shows the mission's walls this past moment, or renews it (coordinators). */
  showOnWalls(at: string): Promise<WallReplayReply> {
    return this.#request('PUT', '/api/replay/walls', { body: { at } });
  }

  /** The mission's walls go back to live (coordinators). */
  endOnWalls(): Promise<void> {
    return this.#request('DELETE', '/api/replay/walls');
  }

  ballot(): Promise<BallotReply> {
    return this.#request('GET', '/api/ballot');
  }

  /** Replaces the ballot (a ballot_set event); a 400 names the problem, e.g. a reported candidate left out. */
  setBallot(ballot: Ballot): Promise<BallotReply> {
    return this.#request('PUT', '/api/ballot', { body: ballot });
  }

  /** Vigil draws the quick count's sample from a seed (a ballot_set); 409 once protocols arrived, unless forced. */
  drawSample(request: SampleDrawRequest): Promise<SampleDrawReply> {
    return this.#request('POST', '/api/ballot/sample', { body: request });
  }

  turnout(): Promise<TurnoutReply> {
    return this.#request('GET', '/api/turnout');
  }

  protocols(): Promise<ProtocolsReply> {
    return this.#request('GET', '/api/protocols');
  }

  quickCount(): Promise<QuickCountReply> {
    return this.#request('GET', '/api/quick-count');
  }

  officialComparison(): Promise<OfficialComparisonReply> {
    return this.#request('GET', '/api/official-results/comparison');
  }

  resultChecks(): Promise<ResultChecksReply> {
    return this.#request('GET', '/api/result-checks');
  }

  /**
   * The commission's results file, checked (dry run: its columns and what it holds) or imported. A refused file answers
   * `problems` (row and column) instead of throwing. The file goes as the Blob it is: a national one runs to 150 MB.
   */
  importOfficialResults(
    file: Blob | string,
    options: { dryRun: boolean; mapping: OfficialColumnMapping | null; contestId: string | null },
  ) {
    const query = new URLSearchParams();
    if (options.dryRun) query.set('dryRun', 'true');
    if (options.mapping !== null) query.set('mapping', JSON.stringify(options.mapping));
    if (options.contestId !== null) query.set('contestId', options.contestId);
    return this.#upload<OfficialImportReply>(
      `/api/official-results/import?${query}`,
      'text/csv',
      file,
      LARGE_UPLOAD_TIMEOUT_MS,
    );
  }

  setAlertSettings(settings: AlertSettings): Promise<AlertSettings> {
    return this.#request('PUT', '/api/mission/alert-settings', { body: settings });
  }

  /** Posts events; the reply says per event whether it was stored, a duplicate or rejected (and why). */
  postEvents(events: EventInput[]): Promise<PostEventsReply> {
    return this.#request('POST', '/api/events', { body: { events } });
  }

  version(): Promise<VersionReply> {
    return this.#request('GET', '/api/version');
  }

  displayLinks(): Promise<DisplayLinksReply> {
    return this.#request('GET', '/api/display-links');
  }

  createDisplayLink(body: CreateDisplayLinkBody): Promise<CreatedDisplayLink> {
    return this.#request('POST', '/api/display-links', { body });
  }

  updateDisplayLink(id: string, body: UpdateDisplayLinkBody): Promise<DisplayLink> {
    return this.#request('PATCH', `/api/display-links/${encodeURIComponent(id)}`, { body });
  }

  revokeDisplayLink(id: string): Promise<void> {
    return this.#request('DELETE', `/api/display-links/${encodeURIComponent(id)}`);
  }

  setDisplayPolicy(policy: DisplayPolicy): Promise<DisplayPolicy> {
    return this.#request('PUT', '/api/display-links/policy', { body: policy });
  }

  /** Basemap settings and approximate district areas. */
  mapConfig(): Promise<MapConfigReply> {
    return this.#request('GET', '/api/map');
  }

  /** One station's visits, checklists, findings and recent events (coordinators). */
  stationDetail(stationId: string): Promise<StationDetailReply> {
    return this.#request('GET', `/api/stations/${encodeURIComponent(stationId)}/detail`);
  }

  /** Each team's last places, oldest first (coordinators). */
  teamTrails(): Promise<TeamTrailsReply> {
    return this.#request('GET', '/api/teams/trails');
  }

  issueJoinCode(teamId: string): Promise<JoinCodeReply> {
    return this.#request('POST', `/api/teams/${encodeURIComponent(teamId)}/join-codes`);
  }

  // Mission operations (coordinators).

  createTeam(body: CreateTeamBody): Promise<CreatedTeamReply> {
    return this.#request('POST', '/api/teams', { body });
  }

  operations(): Promise<OperationsState> {
    return this.#request('GET', '/api/mission');
  }

  setDrill(drill: boolean): Promise<OperationsState> {
    return this.#request('PUT', '/api/mission/drill', { body: { drill } });
  }

  clearDrill(confirmMissionName: string): Promise<ClearDrillReply> {
    return this.#request('POST', '/api/mission/drill/clear', { body: { confirmMissionName } });
  }

  /** Every message sent to teams with its receipts, and the teams' answers (coordinators). */
  messages(): Promise<MessagesReply> {
    return this.#request('GET', '/api/messages');
  }

  conflicts(status: 'open' | 'resolved' | 'all' = 'open'): Promise<ConflictsReply> {
    return this.#request('GET', '/api/conflicts', { query: { status } });
  }

  missionReport(): Promise<MissionReport> {
    return this.#request('GET', '/api/exports/summary');
  }

  /** Every team's route sheet, or one team's. */
  routeSheets(teamId?: string): Promise<RouteSheetsReply> {
    const query = teamId === undefined ? '' : `?teamId=${encodeURIComponent(teamId)}`;
    return this.#request('GET', `/api/mission/route-sheets${query}`);
  }

  emergencyContacts(): Promise<EmergencyContacts> {
    return this.#request('GET', '/api/mission/emergency-contacts');
  }

  setEmergencyContacts(body: EmergencyContacts): Promise<EmergencyContacts> {
    return this.#request('PUT', '/api/mission/emergency-contacts', { body });
  }

  /** A plan CSV: checked (dry run) or stored. A refused file answers `problems` instead of throwing. */
  importPlan(
    csv: string,
    dryRun: boolean,
  ): Promise<{ ok: true; reply: PlanImportReply } | { ok: false; message: string; problems: ImportProblem[] }> {
    return this.#upload(`/api/plan/import${dryRun ? '?dryRun=true' : ''}`, 'text/csv', csv);
  }

  /** The ballot's contests from CSV (a ballot_set). Bad cells answer `problems`; a broken ballot rule throws. */
  importBallotCsv(
    csv: string,
  ): Promise<{ ok: true; reply: BallotReply } | { ok: false; message: string; problems: ImportProblem[] }> {
    return this.#upload('/api/ballot/import', 'text/csv', csv);
  }

  /** A station file checked (dry run): what would change, every problem, and the file's columns for the mapping step. */
  previewStations(text: string, format: 'csv' | 'geojson', mapping: StationColumnMapping | null = null) {
    return this.#upload<ImportPreviewReply>(
      stationImportPath('/api/stations/import', format, mapping, true),
      stationContentType(format),
      text,
    );
  }

  importStations(text: string, format: 'csv' | 'geojson', mapping: StationColumnMapping | null = null) {
    return this.#upload<ImportReply>(
      stationImportPath('/api/stations/import', format, mapping, false),
      stationContentType(format),
      text,
    );
  }

  /** Every problem of a station file (errors, warnings, notices) as a CSV Blob to save; the same file and mapping. */
  async stationProblemsCsv(
    text: string,
    format: 'csv' | 'geojson',
    mapping: StationColumnMapping | null,
  ): Promise<{ blob: Blob; filename: string }> {
    const headers: Record<string, string> = { 'content-type': stationContentType(format) };
    if (this.#token !== null) headers.authorization = `Bearer ${this.#token}`;
    let response: Response;
    try {
      response = await fetch(
        new URL(stationImportPath('/api/stations/import/problems', format, mapping, false), location.origin),
        {
          method: 'POST',
          headers,
          body: text,
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        },
      );
    } catch (cause) {
      throw new ApiError(0, cause instanceof Error ? `Server unreachable: ${cause.message}` : 'Server unreachable');
    }
    if (!response.ok) throw new ApiError(response.status, (await readError(response)).message);
    const disposition = response.headers.get('content-disposition') ?? '';
    return {
      blob: await response.blob(),
      filename: /filename="([^"]+)"/.exec(disposition)?.[1] ?? 'station-import-problems.csv',
    };
  }

  /** Places (or moves) a station on the map; every coordinator hears of it live. */
  placeStation(stationId: string, body: StationPositionBody): Promise<Station> {
    return this.#request('PUT', `/api/stations/${encodeURIComponent(stationId)}/position`, { body });
  }

  /** An export as a Blob for the browser to save (exports need the bearer token, so no plain link). */
  async exportFile(file: ExportFile): Promise<{ blob: Blob; filename: string }> {
    const response = await fetch(new URL(`/api/exports/${file}`, location.origin), {
      headers: this.#token !== null ? { authorization: `Bearer ${this.#token}` } : {},
    });
    if (!response.ok) throw new ApiError(response.status, (await readError(response)).message);
    const disposition = response.headers.get('content-disposition') ?? '';
    return { blob: await response.blob(), filename: /filename="([^"]+)"/.exec(disposition)?.[1] ?? file };
  }

  async #upload<T>(
    path: string,
    contentType: string,
    text: string | Blob,
    timeoutMs = REQUEST_TIMEOUT_MS,
  ): Promise<{ ok: true; reply: T } | ({ ok: false } & RefusedUpload)> {
    const headers: Record<string, string> = { 'content-type': contentType, accept: 'application/json' };
    if (this.#token !== null) headers.authorization = `Bearer ${this.#token}`;
    let response: Response;
    try {
      response = await fetch(new URL(path, location.origin), {
        method: 'POST',
        headers,
        body: text,
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (cause) {
      throw new ApiError(0, cause instanceof Error ? `Server unreachable: ${cause.message}` : 'Server unreachable');
    }
    const body = (await response.json().catch(() => ({}))) as Partial<RefusedUpload>;
    if (response.ok) return { ok: true, reply: body as T };
    if (response.status === 401) this.#onUnauthorized?.();
    if (response.status === 400 && Array.isArray(body.problems))
      return {
        ok: false,
        message: body.message ?? 'refused',
        problems: body.problems,
        ...(body.columns ? { columns: body.columns } : {}),
        ...(body.mapping ? { mapping: body.mapping } : {}),
      };
    throw new ApiError(response.status, body.message ?? `HTTP ${response.status}`);
  }

  /** A finding's photo as an object URL (the caller revokes it); images need the bearer token, so no plain <img src>. */
  async photoObjectUrl(photoId: string): Promise<string> {
    const headers: Record<string, string> = this.#token !== null ? { authorization: `Bearer ${this.#token}` } : {};
    const response = await fetch(new URL(`/api/photos/${encodeURIComponent(photoId)}`, location.origin), {
      headers,
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    if (!response.ok) throw new ApiError(response.status, (await readError(response)).message);
    return URL.createObjectURL(await response.blob());
  }

  async #request<T>(
    method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
    path: string,
    options: { body?: unknown; query?: Query } = {},
  ): Promise<T> {
    const url = new URL(path, location.origin);
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.#token !== null) headers.authorization = `Bearer ${this.#token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';

    const ask = () =>
      fetch(url, {
        method,
        headers,
        body: options.body === undefined ? null : JSON.stringify(options.body),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    // The page's first reads may have been started before this bundle loaded (index.html): taken, not asked again
    // (unless that failed to reach the server: then asked now).
    const early = method === 'GET' && url.search === '' ? takeEarlyRead(url.pathname, this.#token) : null;
    let response: Response;
    try {
      response = await (early === null ? ask() : early.then((answer) => answer ?? ask(), ask));
    } catch (cause) {
      throw new ApiError(0, cause instanceof Error ? `Server unreachable: ${cause.message}` : 'Server unreachable');
    }

    if (!response.ok) {
      const problem = await readError(response);
      if (response.status === 401) this.#onUnauthorized?.();
      throw new ApiError(response.status, problem.message, problem.code, retryAfterOf(response));
    }
    if (response.status === 204) return undefined as T;
    return (await response.json()) as T;
  }
}

async function readError(response: Response): Promise<Pick<ErrorReply, 'message' | 'code'>> {
  try {
    const body = (await response.json()) as Partial<ErrorReply>;
    if (typeof body.message === 'string' && body.message !== '') return { message: body.message, code: body.code };
  } catch {
    // Not JSON (a proxy's HTML error page, say): the status text is all there is.
  }
  return { message: response.statusText || `HTTP ${response.status}` };
}
