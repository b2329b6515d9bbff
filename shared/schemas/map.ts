/**
 * The coordinator's map beyond the station list: basemap settings with approximate district areas (GET /api/map),
 * one station's full story (GET /api/stations/:stationId/detail) and the teams' recent trails (GET /api/teams/trails).
 */
import { Type, type Static } from 'typebox';
import { FINDING_STATES } from './findings';
import { IsoTime, Seq, Uuid, oneOf } from './common';
import { Assessment, Phase, Severity, StoredEvent } from './events';
import { Station } from './stations';

/** Where the server serves map label glyphs (MapLibre's URL template); any font stack gets Noto Sans Regular. */
export const MAP_GLYPHS_PATH = '/api/map/glyphs/{fontstack}/{range}.pbf';
export const MAP_FONT = 'Noto Sans Regular';

const LngLat = Type.Tuple([Type.Number(), Type.Number()]);

/** A district's area drawn around its stations: the project's approximation, not an official boundary. */
export const DistrictArea = Type.Object({
  type: Type.Literal('Feature'),
  properties: Type.Object({
    district: Type.String(),
    stationCount: Type.Integer({ minimum: 1 }),
    /** Always true: drawn from station positions, labelled as such on the map. */
    approximate: Type.Literal(true),
  }),
  geometry: Type.Object({ type: Type.Literal('Polygon'), coordinates: Type.Array(Type.Array(LngLat)) }),
});
export type DistrictArea = Static<typeof DistrictArea>;

export const MapConfigReply = Type.Object({
  /** Optional online style (MAP_STYLE_URL); null means the offline map. */
  styleUrl: Type.Union([Type.String(), Type.Null()]),
  /** Optional local PMTiles basemap served by this server with range requests (MAP_PMTILES); null when none. */
  pmtilesUrl: Type.Union([Type.String(), Type.Null()]),
  /** Glyph URL template for MapLibre, served by this server (no internet needed). */
  glyphs: Type.String(),
  /** The font stack the glyphs URL serves. */
  font: Type.String(),
  districts: Type.Object({ type: Type.Literal('FeatureCollection'), features: Type.Array(DistrictArea) }),
});
export type MapConfigReply = Static<typeof MapConfigReply>;

export const StationParams = Type.Object({ stationId: Uuid }, { additionalProperties: false });

export const StationVisit = Type.Object({
  id: Uuid,
  teamId: Uuid,
  callSign: Type.String(),
  arrivedAt: IsoTime,
  departedAt: Type.Union([IsoTime, Type.Null()]),
  /** 'departure' when checked out, 'next_arrival' when the team checked in elsewhere without checking out. */
  closedBy: Type.Union([oneOf(['departure', 'next_arrival'] as const), Type.Null()]),
});
export type StationVisit = Static<typeof StationVisit>;

export const ChecklistAnswerLine = Type.Object({
  questionId: Type.String(),
  /** The question in English from the mission's field kit; the id when the kit no longer knows it. */
  label: Type.String(),
  value: Type.Unknown(),
});
export type ChecklistAnswerLine = Static<typeof ChecklistAnswerLine>;

export const StationChecklist = Type.Object({
  id: Uuid,
  seq: Seq,
  teamId: Type.Union([Uuid, Type.Null()]),
  callSign: Type.Union([Type.String(), Type.Null()]),
  form: Type.String(),
  formTitle: Type.String(),
  phase: Phase,
  assessment: Assessment,
  occurredAt: IsoTime,
  /** In the form's question order; answers to questions the kit does not know come last. */
  answers: Type.Array(ChecklistAnswerLine),
});
export type StationChecklist = Static<typeof StationChecklist>;

export const StationFinding = Type.Object({
  id: Uuid,
  seq: Seq,
  teamId: Uuid,
  callSign: Type.String(),
  category: Type.String(),
  categoryLabel: Type.String(),
  severity: Severity,
  status: oneOf(FINDING_STATES),
  text: Type.Union([Type.String(), Type.Null()]),
  photoId: Type.Union([Type.String(), Type.Null()]),
  reportedAt: IsoTime,
  /** Triage, who and when: the first (acknowledgement), the latest, the resolution; and who has the finding now. */
  acknowledgedAt: Type.Union([IsoTime, Type.Null()]),
  acknowledgedBy: Type.Union([Type.String(), Type.Null()]),
  statusChangedAt: Type.Union([IsoTime, Type.Null()]),
  statusChangedBy: Type.Union([Type.String(), Type.Null()]),
  resolvedAt: Type.Union([IsoTime, Type.Null()]),
  resolvedBy: Type.Union([Type.String(), Type.Null()]),
  assignedTo: Type.Union([Type.String(), Type.Null()]),
});
export type StationFinding = Static<typeof StationFinding>;

export const STATION_HISTORY_LIMIT = 100;

export const StationDetailReply = Type.Object({
  station: Station,
  /** Newest first. */
  visits: Type.Array(StationVisit),
  /** Newest first. */
  checklists: Type.Array(StationChecklist),
  /** Newest first. */
  findings: Type.Array(StationFinding),
  /** The station's events, newest first, at most STATION_HISTORY_LIMIT. */
  history: Type.Array(StoredEvent),
  /** True when the station has more events than `history` holds. */
  historyTruncated: Type.Boolean(),
  head: Seq,
});
export type StationDetailReply = Static<typeof StationDetailReply>;

export const TRAIL_POINTS = 10;

export const TrailPoint = Type.Object({
  lat: Type.Number(),
  lng: Type.Number(),
  at: IsoTime,
  seq: Seq,
  stationId: Type.Union([Uuid, Type.Null()]),
});
export type TrailPoint = Static<typeof TrailPoint>;

export const TeamTrail = Type.Object({
  teamId: Uuid,
  callSign: Type.String(),
  /** Oldest first, at most TRAIL_POINTS; the last is where the team is or was last seen. */
  points: Type.Array(TrailPoint),
});
export type TeamTrail = Static<typeof TeamTrail>;

export const TeamTrailsReply = Type.Object({ trails: Type.Array(TeamTrail), head: Seq });
export type TeamTrailsReply = Static<typeof TeamTrailsReply>;

/**
 * The stations as vector tiles (GET /api/stations/tiles/{z}/{x}/{y}), for missions too large to send whole to the map.
 * One layer, STATION_TILE_LAYER: up to STATION_TILE_CLUSTER_MAX_ZOOM, a cluster per cell of a grid
 * (STATION_TILE_CELLS × STATION_TILE_CELLS cells a tile) with `point_count`, `point_count_abbreviated` and `worst` (the
 * rank of its most urgent station), or the station itself when alone in its cell; above it, every station with `id`,
 * `number`, `state` and `badge`. Tiles go up to STATION_TILE_MAX_ZOOM; the map overzooms beyond.
 */
export const STATION_TILES_PATH = '/api/stations/tiles/{z}/{x}/{y}';
export const STATION_TILE_LAYER = 'stations';
export const STATION_TILE_CLUSTER_MAX_ZOOM = 12;
export const STATION_TILE_MAX_ZOOM = 13;
export const STATION_TILE_CELLS = 12;
export const STATION_TILE_SIZE_PX = 512;

export const StationTileParams = Type.Object(
  {
    z: Type.Integer({ minimum: 0, maximum: STATION_TILE_MAX_ZOOM }),
    x: Type.Integer({ minimum: 0 }),
    y: Type.Integer({ minimum: 0 }),
  },
  { additionalProperties: false },
);
export type StationTileParams = Static<typeof StationTileParams>;
export const StationTileBytes = Type.Unsafe<Uint8Array>({
  type: 'string',
  format: 'binary',
  description: 'a Mapbox Vector Tile (protobuf), gzipped when the client accepts gzip',
});
