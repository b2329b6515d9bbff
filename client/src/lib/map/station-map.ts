/**
 * The MapLibre map of one mission: built once from station-layers.ts, then changed only by diffs by feature id —
 * station states as property patches (updateData, so clusters recount their worst state), teams and trails likewise —
 * never by reloading a source per event. Patches arriving within one animation frame go to the map as one diff.
 */
import { GeoJSONSource, Map as MapLibreMap, NavigationControl, prewarm, setWorkerUrl } from 'maplibre-gl';
import type { VectorTileSource } from 'maplibre-gl';
import type {
  GeoJSONSourceDiff,
  MapGeoJSONFeature,
  MapLayerMouseEvent,
  MapMouseEvent,
  PaddingOptions,
} from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
// The bundler moves maplibre's module out of node_modules, so its own guess of the worker's address would be wrong.
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import type { LineString, Point } from 'geojson';
import type { MissionSummary } from '../../../../shared/schemas/auth';
import type { DistrictArea, TrailPoint } from '../../../../shared/schemas/map';
import {
  STATION_STATES,
  stationStateRank,
  type FindingBadge,
  type StationState,
} from '../../../../shared/station-state';
import {
  GROUND_SOURCE_ID,
  LAYER_IDS,
  STATIONS_SOURCE_ID,
  buildOfflineStyle,
  districtFillFilter,
  groundColour,
  groundKey,
  missionBounds,
  type GroundDistrictFeature,
  type StationFeature,
  type StyleOptions,
  type TeamFeature,
  type TrailFeature,
} from './station-layers';
import { TEAM_ICON, iconName, stateIconImage, teamIconImage } from './state-shapes';
import { TILED_STATE_LAYER_IDS } from './tiled-station-layers';
import { STATION_TILE_LAYER } from '../../../../shared/schemas/map';
import { STATION_TILES_REFRESH_MS } from '../../../../shared/constants';
import { takeEarlyMapWorker } from '../early-reads';
import { withEarlyWorker } from './early-worker';

setWorkerUrl(workerUrl);

/**
 * Starts MapLibre's worker (fetching and compiling its script) now, while the page still waits for the stations:
 * otherwise it starts only when the map is built, after them, and the first render pays for both in a row. The worker
 * index.html already started (early-reads.js), if any, is the one MapLibre gets.
 */
export function prewarmMapWorkers(): void {
  const early = takeEarlyMapWorker();
  if (early === null) prewarm();
  else withEarlyWorker(early, prewarm);
}

const FIT_PADDING_PX = 24;
/**
 * Diffs reach the map at most this often. Each diff makes MapLibre re-tile the source and draw once per tile that
 * comes back; at 100 changes a second that would be a redraw per frame. The first change after a quiet spell still
 * goes at the next frame.
 */
const FLUSH_INTERVAL_MS = 500;
/**
 * A diff also waits for the previous one's tiles, so one is in flight at a time and a burst of changes does not keep a
 * slow (software-rendered) map redrawing every frame; after this long it goes regardless.
 */
const FLUSH_MAX_WAIT_MS = 1000;
const FLUSH_RECHECK_MS = 50;
/** Team markers and trails move at most this often: a second late is still live, and each move re-tiles the ground. */
const TEAM_FLUSH_INTERVAL_MS = 1000;

export interface StationStateChange {
  id: string;
  state: StationState;
  badge: FindingBadge;
}

export interface TeamPlace {
  teamId: string;
  callSign: string;
  /** Oldest first; the last one is where the marker stands. */
  points: readonly Pick<TrailPoint, 'lat' | 'lng'>[];
}

export interface StationMapOptions {
  container: HTMLElement;
  mission: MissionSummary;
  stations: readonly StationFeature[];
  /** Theme, size, clustering and glyphs of the drawing. */
  style?: StyleOptions;
  /** False on a wall display: no controls, no panning, no clicks. Default true. */
  interactive?: boolean;
  /** [west, south, east, north] to show first instead of the mission's bounds (the wall fits its stations). */
  initialBox?: [number, number, number, number] | null;
  /** Called once, when the stations have been rendered for the first time. */
  onDrawn?: () => void;
  /** A station was clicked. */
  onselect?: (stationId: string) => void;
  /** With `style.tiles`: the bearer token the station tiles are read with. */
  tileToken?: string | null;
}

const STATE_ICONS = new Map(STATION_STATES.map((state) => [iconName(state), state]));

export class StationMap {
  readonly map: MapLibreMap;
  /** Work that needs the style loaded (updateData, feature-state), queued until it is. */
  #pending: (() => void)[] = [];
  #loaded = false;
  readonly #paddingPx: number;
  /** Station states and team places waiting for the next diff. */
  #queuedStates = new Map<string, Omit<StationStateChange, 'id'>>();
  #queuedTeams = new Map<string, TeamPlace>();
  #flushTimer: ReturnType<typeof setTimeout> | null = null;
  #flushDueAt = 0;
  #frame: number | null = null;
  #lastFlushAt = -Infinity;
  #lastTeamFlushAt = -Infinity;
  #knownTeams = new Set<string>();
  #districts: DistrictArea[] = [];
  #focusedDistrict: string | null = null;
  #dimmed = new Set<string>();
  /** Set while a coordinator is placing a station: the next click on the map is its position, not a selection. */
  #onpick: ((point: { lng: number; lat: number }) => void) | null = null;
  /** The stations come from vector tiles: states go in as feature-state, and the tiles are reloaded for clusters. */
  readonly #tiled: boolean;
  #tilesRefreshTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(options: StationMapOptions) {
    const interactive = options.interactive ?? true;
    const tiles = options.style?.tiles ?? null;
    this.#tiled = tiles !== null;
    const tileToken = options.tileToken ?? null;
    const tilesPrefix = tiles === null ? null : tiles.slice(0, tiles.indexOf('{z}'));
    const bounds = options.initialBox ?? missionBounds(options.mission);
    this.#paddingPx = FIT_PADDING_PX * (options.style?.scale ?? 1);
    options.container.style.background = groundColour(options.style?.theme);
    this.map = new MapLibreMap({
      container: options.container,
      style: buildOfflineStyle(options.mission, options.stations, options.style),
      ...(bounds !== null
        ? { bounds, fitBoundsOptions: { padding: this.#paddingPx } }
        : { center: [options.mission.center.lng, options.mission.center.lat] as [number, number], zoom: 11 }),
      attributionControl: false,
      // Symbols appear and disappear at once: a fade is a burst of ~10 frames after every diff, and at several diffs a
      // second a software-rendered browser would draw nothing else (our station icons never collide anyway).
      fadeDuration: 0,
      maxZoom: 19,
      interactive,
      // The station tiles are the mission's: they are read with its token, as the station list is.
      transformRequest: (url) =>
        tilesPrefix !== null && tileToken !== null && url.startsWith(tilesPrefix)
          ? { url, headers: { authorization: `Bearer ${tileToken}` } }
          : { url },
    });
    if (interactive) this.map.addControl(new NavigationControl({ showCompass: false }), 'top-right');

    // Icons are drawn here, on demand, so no sprite is ever fetched.
    this.map.setMissingStyleImageResolver((id: string) => {
      const ratio = Math.max(2, window.devicePixelRatio);
      const state = STATE_ICONS.get(id);
      if (state !== undefined) this.map.addImage(id, stateIconImage(state, ratio), { pixelRatio: ratio });
      else if (id === TEAM_ICON) this.map.addImage(id, teamIconImage(ratio), { pixelRatio: ratio });
    });

    this.map.once('load', () => {
      this.#loaded = true;
      for (const run of this.#pending.splice(0)) run();
      this.map.once('idle', () => options.onDrawn?.());
    });

    if (interactive) {
      this.#enableClicks(options.onselect);
      // After the layers' handlers, which skip a click that places a station.
      this.map.on('click', (event: MapMouseEvent) => {
        const onpick = this.#onpick;
        if (onpick === null) return;
        onpick({ lng: event.lngLat.lng, lat: event.lngLat.lat });
      });
    }
  }

  /** While set, a click anywhere on the map reports its position (to place a station) instead of selecting; null ends it. */
  pickPoint(onpick: ((point: { lng: number; lat: number }) => void) | null): void {
    this.#onpick = onpick;
    this.map.getCanvas().style.cursor = onpick === null ? '' : 'crosshair';
  }

  /**
   * Moves the view to a box ([west, south, east, north]), gliding over `durationMs`. `padding` keeps the box clear of
   * whatever lies over the map's edges (a wall's labels and legend); the map is measured first, so a container that
   * just changed size (a bar appeared above it) is fitted as it is now.
   */
  showBox(box: [number, number, number, number], durationMs: number, padding?: PaddingOptions): void {
    this.map.resize();
    this.map.fitBounds(box, { padding: padding ?? this.#paddingPx, duration: durationMs, essential: true });
  }

  /** Outlines and fills one district's area (others stay dashed) without moving the view; null clears. */
  outlineDistrict(district: string | null): void {
    const area =
      district === null ? undefined : this.#districts.find((candidate) => candidate.properties.district === district);
    this.#whenLoaded(() => {
      if (this.#focusedDistrict !== null)
        this.map.setFeatureState(
          { source: GROUND_SOURCE_ID, id: groundKey.district(this.#focusedDistrict) },
          { focused: false },
        );
      this.#focusedDistrict = area === undefined ? null : area.properties.district;
      if (this.#focusedDistrict !== null)
        this.map.setFeatureState(
          { source: GROUND_SOURCE_ID, id: groundKey.district(this.#focusedDistrict) },
          { focused: true },
        );
      if (this.map.getLayer(LAYER_IDS.districtFill) !== undefined)
        this.map.setFilter(LAYER_IDS.districtFill, districtFillFilter(this.#focusedDistrict));
    });
  }

  /** Queues new states; they reach the map together with everything else queued (see FLUSH_INTERVAL_MS). */
  setStates(changes: readonly StationStateChange[]): void {
    for (const { id, state, badge } of changes) this.#queuedStates.set(id, { state, badge });
    this.#scheduleFlush();
  }

  /** Flushes after `delayMs` (by default as soon as the interval allows), or sooner if a flush is already due sooner. */
  #scheduleFlush(delayMs = Math.max(0, this.#lastFlushAt + FLUSH_INTERVAL_MS - performance.now())): void {
    if (this.#frame !== null) return;
    const dueAt = performance.now() + delayMs;
    if (this.#flushTimer !== null) {
      if (this.#flushDueAt <= dueAt) return;
      clearTimeout(this.#flushTimer);
    }
    this.#flushDueAt = dueAt;
    this.#flushTimer = setTimeout(() => {
      this.#flushTimer = null;
      this.#frame = requestAnimationFrame(() => {
        this.#frame = null;
        const now = performance.now();
        if (this.#loaded && !this.map.areTilesLoaded() && now - this.#lastFlushAt < FLUSH_MAX_WAIT_MS) {
          this.#scheduleFlush(FLUSH_RECHECK_MS);
          return;
        }
        this.#whenLoaded(() => this.#flush(now));
      });
    }, delayMs);
  }

  addStations(features: readonly StationFeature[]): void {
    if (features.length === 0) return;
    if (this.#tiled) {
      // The server's tiles gain them with the next version of the station list.
      this.#refreshTilesSoon();
      return;
    }
    this.#whenLoaded(() => void this.#source(STATIONS_SOURCE_ID)?.updateData({ add: [...features] }));
  }

  /** The approximate district areas from the server (drawn under the stations, labelled "approximate area"). */
  setDistricts(areas: readonly DistrictArea[]): void {
    const previous = this.#districts;
    this.#districts = [...areas];
    const features: GroundDistrictFeature[] = this.#districts.map((area) => ({
      type: 'Feature',
      geometry: area.geometry,
      properties: {
        key: groundKey.district(area.properties.district),
        kind: 'district',
        district: area.properties.district,
      },
    }));
    const diff: GeoJSONSourceDiff = {
      remove: previous.map((area) => groundKey.district(area.properties.district)),
      add: features,
    };
    this.#whenLoaded(() => void this.#source(GROUND_SOURCE_ID)?.updateData(diff));
  }

  /** Places (or moves) teams' markers at their newest point, with their recent trail behind them; no point: no marker. */
  setTeams(places: readonly TeamPlace[]): void {
    for (const place of places) this.#queuedTeams.set(place.teamId, place);
    this.#scheduleFlush();
  }

  #flushTeams(): void {
    const places = [...this.#queuedTeams.values()];
    this.#queuedTeams.clear();
    const diff: Required<Pick<GeoJSONSourceDiff, 'add' | 'update' | 'remove'>> = { add: [], update: [], remove: [] };
    for (const place of places) {
      const last = place.points.at(-1);
      if (last === undefined) {
        // A team with no place (a past moment before it was anywhere) has no marker.
        if (this.#knownTeams.delete(place.teamId)) {
          diff.remove.push(groundKey.team(place.teamId), groundKey.trail(place.teamId));
        }
        continue;
      }
      const point: Point = { type: 'Point', coordinates: [last.lng, last.lat] };
      const line: LineString = { type: 'LineString', coordinates: place.points.map((p) => [p.lng, p.lat]) };
      if (this.#knownTeams.has(place.teamId)) {
        diff.update.push(
          { id: groundKey.team(place.teamId), newGeometry: point },
          { id: groundKey.trail(place.teamId), newGeometry: line },
        );
      } else {
        this.#knownTeams.add(place.teamId);
        diff.add.push(
          {
            type: 'Feature',
            geometry: point,
            properties: { key: groundKey.team(place.teamId), kind: 'team', id: place.teamId, callSign: place.callSign },
          } satisfies TeamFeature,
          {
            type: 'Feature',
            geometry: line,
            properties: { key: groundKey.trail(place.teamId), kind: 'trail', id: place.teamId },
          } satisfies TrailFeature,
        );
      }
    }
    void this.#source(GROUND_SOURCE_ID)?.updateData(diff);
  }

  /** Zooms to one station. */
  focus(lngLat: [number, number]): void {
    this.map.flyTo({ center: lngLat, zoom: Math.max(this.map.getZoom(), 15) });
  }

  /** Zooms to a district's area and outlines it; null clears the outline. Returns false for an unknown district. */
  focusDistrict(district: string | null): boolean {
    const area =
      district === null ? undefined : this.#districts.find((candidate) => candidate.properties.district === district);
    this.outlineDistrict(district);
    if (area === undefined) return district === null;
    let [west, south, east, north] = [Infinity, Infinity, -Infinity, -Infinity];
    for (const [lng, lat] of area.geometry.coordinates[0] ?? []) {
      west = Math.min(west, lng);
      east = Math.max(east, lng);
      south = Math.min(south, lat);
      north = Math.max(north, lat);
    }
    this.showBox([west, south, east, north], 600);
    return true;
  }

  /** Fades every station not in `ids` (a list's filter shown on the map); null shows all again. */
  highlightStations(ids: ReadonlySet<string> | null, allIds: Iterable<string>): void {
    this.#whenLoaded(() => {
      const next = new Set<string>();
      if (ids !== null) for (const id of allIds) if (!ids.has(id)) next.add(id);
      for (const id of this.#dimmed)
        if (!next.has(id)) this.map.setFeatureState(this.#stationTarget(id), { dimmed: false });
      for (const id of next)
        if (!this.#dimmed.has(id)) this.map.setFeatureState(this.#stationTarget(id), { dimmed: true });
      this.#dimmed = next;
    });
  }

  destroy(): void {
    if (this.#tilesRefreshTimer !== null) clearTimeout(this.#tilesRefreshTimer);
    if (this.#frame !== null) cancelAnimationFrame(this.#frame);
    if (this.#flushTimer !== null) clearTimeout(this.#flushTimer);
    this.map.remove();
  }

  #flush(now: number): void {
    this.#lastFlushAt = now;
    this.#flushStates();
    if (this.#queuedTeams.size === 0) return;
    if (now - this.#lastTeamFlushAt >= TEAM_FLUSH_INTERVAL_MS) {
      this.#lastTeamFlushAt = now;
      this.#flushTeams();
    } else {
      this.#scheduleFlush(this.#lastTeamFlushAt + TEAM_FLUSH_INTERVAL_MS - now);
    }
  }

  #flushStates(): void {
    if (this.#queuedStates.size === 0) return;
    if (this.#tiled) {
      // Each station changes at once by its id; the clusters wait for the next reload of the tiles.
      for (const [id, { state, badge }] of this.#queuedStates)
        this.map.setFeatureState(this.#stationTarget(id), { state, badge: badge ?? '' });
      this.#queuedStates.clear();
      this.#refreshTilesSoon();
      return;
    }
    const update = [...this.#queuedStates].map(([id, { state, badge }]) => ({
      id,
      addOrUpdateProperties: [
        { key: 'state', value: state },
        { key: 'rank', value: stationStateRank(state) },
        { key: 'badge', value: badge ?? '' },
      ],
    }));
    this.#queuedStates.clear();
    void this.#source(STATIONS_SOURCE_ID)?.updateData({ update });
  }

  /** A station's feature, for feature-state: in the tiles it lives in their one layer. */
  #stationTarget(id: string): { source: string; sourceLayer?: string; id: string } {
    return this.#tiled
      ? { source: STATIONS_SOURCE_ID, sourceLayer: STATION_TILE_LAYER, id }
      : { source: STATIONS_SOURCE_ID, id };
  }

  /**
   * Reloads the station tiles (cluster counts and worst states) STATION_TILES_REFRESH_MS after a change, so at most once
   * in that time however many changes come: the server's tiles follow the states no faster. Tiles the changes did not
   * touch come back as 304; feature-state stays with each station's id.
   */
  #refreshTilesSoon(): void {
    if (this.#tilesRefreshTimer !== null) return;
    this.#tilesRefreshTimer = setTimeout(() => {
      this.#tilesRefreshTimer = null;
      const source = this.map.getSource<VectorTileSource>(STATIONS_SOURCE_ID);
      if (source !== undefined) source.setTiles([...source.tiles]);
    }, STATION_TILES_REFRESH_MS);
  }

  #enableClicks(onselect: ((stationId: string) => void) | undefined): void {
    const stationLayers = this.#tiled ? TILED_STATE_LAYER_IDS : [LAYER_IDS.stations];
    for (const layer of [...stationLayers, LAYER_IDS.clusters]) {
      this.map.on(
        'mouseenter',
        layer,
        () => (this.map.getCanvas().style.cursor = this.#onpick === null ? 'pointer' : 'crosshair'),
      );
      this.map.on(
        'mouseleave',
        layer,
        () => (this.map.getCanvas().style.cursor = this.#onpick === null ? '' : 'crosshair'),
      );
    }
    for (const layer of stationLayers)
      this.map.on('click', layer, (event: MapLayerMouseEvent) => {
        if (this.#onpick !== null) return;
        // In the tiles every state's layer holds every station: the one clicked is the one drawn in its state.
        const feature = event.features?.find(
          (candidate) =>
            !this.#tiled || layer.endsWith(`-${String(candidate.state.state ?? candidate.properties.state)}`),
        );
        const id = feature?.properties.id;
        if (typeof id === 'string') onselect?.(id);
      });
    this.map.on('click', LAYER_IDS.clusters, (event: MapLayerMouseEvent) => {
      if (this.#onpick !== null) return;
      const feature: MapGeoJSONFeature | undefined = event.features?.[0];
      const clusterId = feature?.properties.cluster_id;
      if (feature?.geometry.type !== 'Point' || (!this.#tiled && typeof clusterId !== 'number')) return;
      const center = feature.geometry.coordinates as [number, number];
      if (this.#tiled) {
        // The server's grid halves its cells each zoom: two zooms in, a cluster has spread out.
        this.map.easeTo({ center, zoom: Math.min(this.map.getZoom() + 2, 19) });
        return;
      }
      void this.#source(STATIONS_SOURCE_ID)
        ?.getClusterExpansionZoom(clusterId)
        .then((zoom) => this.map.easeTo({ center, zoom }));
    });
  }

  #source(id: string): GeoJSONSource | undefined {
    return this.map.getSource<GeoJSONSource>(id);
  }

  #whenLoaded(run: () => void): void {
    if (this.#loaded) run();
    else this.#pending.push(run);
  }

  /**
   * Resolves once the style has loaded (at once if it has). Not map.isStyleLoaded(): that is also false whenever a
   * source is re-tiling, and 'load' never fires again, so waiting for it then waited for ever.
   */
  styleReady(): Promise<void> {
    return new Promise((resolve) => this.#whenLoaded(resolve));
  }
}
