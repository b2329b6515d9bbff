/**
 * The MapLibre map of one mission: built once from the style in station-layers.ts, then changed only by diffs
 * (feature-state for a new station state, updateData for a station that appeared), never by reloading the source.
 */
import { GeoJSONSource, Map as MapLibreMap, NavigationControl, Popup, setWorkerUrl } from 'maplibre-gl';
import type { MapGeoJSONFeature, MapLayerMouseEvent } from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
// The bundler moves maplibre's module out of node_modules, so its own guess of the worker's address would be wrong.
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import type { MissionSummary } from '../../../../shared/schemas/auth';
import type { StationState } from '../../../../shared/station-state';
import {
  LAYER_IDS,
  STATE_KEY,
  STATIONS_SOURCE_ID,
  buildOfflineStyle,
  missionBounds,
  type StationFeature,
  type StyleOptions,
} from './station-layers';

setWorkerUrl(workerUrl);

const FIT_PADDING_PX = 24;

export interface StationStateChange {
  id: string;
  state: StationState;
}

export interface StationMapOptions {
  container: HTMLElement;
  mission: MissionSummary;
  stations: readonly StationFeature[];
  /** Theme and size of the drawing (the wall is dark and may be 4K). */
  style?: StyleOptions;
  /** False on a wall display: no controls, no panning, no popups. Default true. */
  interactive?: boolean;
  /** [west, south, east, north] to show first instead of the mission's bounds (the wall fits its stations). */
  initialBox?: [number, number, number, number] | null;
  /** Called once, when the stations have been rendered for the first time. */
  onDrawn?: () => void;
  /** Text for the popup of a clicked station (the caller knows names and states in words). */
  describe?: (stationId: string) => string | null;
}

export class StationMap {
  readonly map: MapLibreMap;
  /** Work that needs the style loaded (feature-state, updateData), queued until it is. */
  #pending: (() => void)[] = [];
  #loaded = false;
  #popup: Popup | null = null;
  #describe: ((stationId: string) => string | null) | null = null;

  readonly #paddingPx: number;

  constructor(options: StationMapOptions) {
    const interactive = options.interactive ?? true;
    const bounds = options.initialBox ?? missionBounds(options.mission);
    this.#paddingPx = FIT_PADDING_PX * (options.style?.scale ?? 1);
    this.map = new MapLibreMap({
      container: options.container,
      style: buildOfflineStyle(options.mission, options.stations, options.style),
      ...(bounds !== null
        ? { bounds, fitBoundsOptions: { padding: this.#paddingPx } }
        : { center: [options.mission.center.lng, options.mission.center.lat] as [number, number], zoom: 11 }),
      attributionControl: false,
      maxZoom: 19,
      interactive,
    });
    if (interactive) this.map.addControl(new NavigationControl({ showCompass: false }), 'top-right');

    this.map.once('load', () => {
      this.#loaded = true;
      for (const run of this.#pending.splice(0)) run();
      this.map.once('idle', () => options.onDrawn?.());
    });

    if (interactive && options.describe !== undefined) this.#enablePopups(options.describe);
  }

  /** Moves the view to a box ([west, south, east, north]), gliding over `durationMs`. */
  showBox(box: [number, number, number, number], durationMs: number): void {
    this.map.fitBounds(box, { padding: this.#paddingPx, duration: durationMs, essential: true });
  }

  setStates(changes: readonly StationStateChange[]): void {
    this.#whenLoaded(() => {
      for (const change of changes) {
        this.map.setFeatureState({ source: STATIONS_SOURCE_ID, id: change.id }, { [STATE_KEY]: change.state });
      }
    });
  }

  addStations(features: readonly StationFeature[]): void {
    if (features.length === 0) return;
    this.#whenLoaded(() => {
      void this.#stationsSource()?.updateData({ add: [...features] });
    });
  }

  /** Zooms to one station (from the station list). */
  focus(stationId: string, lngLat: [number, number]): void {
    this.map.flyTo({ center: lngLat, zoom: Math.max(this.map.getZoom(), 15) });
    this.map.once('moveend', () => this.#showPopup(stationId, lngLat));
  }

  destroy(): void {
    this.#popup?.remove();
    this.map.remove();
  }

  #enablePopups(describe: (stationId: string) => string | null): void {
    this.#describe = describe;
    this.map.on('mouseenter', LAYER_IDS.stations, () => {
      this.map.getCanvas().style.cursor = 'pointer';
    });
    this.map.on('mouseleave', LAYER_IDS.stations, () => {
      this.map.getCanvas().style.cursor = '';
    });
    this.map.on('click', LAYER_IDS.stations, (event: MapLayerMouseEvent) => {
      const feature: MapGeoJSONFeature | undefined = event.features?.[0];
      const id = feature?.properties.id;
      if (typeof id !== 'string' || feature?.geometry.type !== 'Point') return;
      const [lng, lat] = feature.geometry.coordinates;
      if (lng === undefined || lat === undefined) return;
      this.#showPopup(id, [lng, lat]);
    });
  }

  #showPopup(stationId: string, lngLat: [number, number]): void {
    const text = this.#describe?.(stationId);
    if (text === null || text === undefined) return;
    this.#popup?.remove();
    // Text, not HTML: station names come from an import file.
    this.#popup = new Popup({ closeButton: true, maxWidth: '260px' }).setLngLat(lngLat).setText(text).addTo(this.map);
  }

  #stationsSource(): GeoJSONSource | undefined {
    return this.map.getSource<GeoJSONSource>(STATIONS_SOURCE_ID);
  }

  #whenLoaded(run: () => void): void {
    if (this.#loaded) run();
    else this.#pending.push(run);
  }
}
