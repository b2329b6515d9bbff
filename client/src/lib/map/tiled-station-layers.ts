/**
 * The stations of a large mission as vector tiles from our server (GET /api/stations/tiles/…): the same clusters and
 * shapes as the GeoJSON map, drawn from tiles so the browser never holds the country.
 *
 * Live changes are feature-state on the station's id (promoted from its `id` property). Feature-state reaches only
 * paint properties, and a station's shape is an icon (layout), so each state has its own layer showing every station
 * in its shape, made visible (icon-opacity) only where the station's state — the live one, or the tile's until a
 * change arrives — is that layer's. The most urgent state's layer is drawn last, on top. Clusters follow the tiles,
 * which the map reloads at most every STATION_TILES_REFRESH_MS.
 */
import type { ExpressionSpecification, LayerSpecification, SourceSpecification } from 'maplibre-gl';
import { STATION_TILE_LAYER, STATION_TILE_MAX_ZOOM } from '../../../../shared/schemas/map';
import { STATION_STATES, type StationState } from '../../../../shared/station-state';

/** One layer per state, least urgent first (drawn first, so under the urgent ones). */
export const tiledStateLayerId = (state: StationState) => `stations-icon-${state}`;
export const TILED_STATE_LAYER_IDS: readonly string[] = [...STATION_STATES].reverse().map(tiledStateLayerId);

/** MapLibre draws vector tiles 512 px a side (STATION_TILE_SIZE_PX), as the server cuts them. */
export function tiledStationSource(tilesUrl: string): SourceSpecification {
  return {
    type: 'vector',
    tiles: [tilesUrl],
    maxzoom: STATION_TILE_MAX_ZOOM,
    promoteId: 'id',
  };
}

const liveState: ExpressionSpecification = ['coalesce', ['feature-state', 'state'], ['get', 'state']];
const liveBadge: ExpressionSpecification = ['coalesce', ['feature-state', 'badge'], ['get', 'badge']];
const dimmedOpacity: ExpressionSpecification = ['case', ['boolean', ['feature-state', 'dimmed'], false], 0.25, 1];

/**
 * The tiled counterparts of the GeoJSON map's station layers: every layer of the stations source reads the tiles'
 * layer, and the one station layer and its badge layer become a layer per state and a badge layer shown by state.
 */
export function tiledLayers(
  layers: LayerSpecification[],
  stationsSourceId: string,
  ids: {
    stations: string;
    stationBadges: string;
  },
): LayerSpecification[] {
  return layers.flatMap((layer): LayerSpecification[] => {
    if (!('source' in layer) || layer.source !== stationsSourceId) return [layer];
    const tiled = { ...layer, 'source-layer': STATION_TILE_LAYER } as LayerSpecification & { layout?: object };
    if (layer.id === ids.stations && layer.type === 'symbol') {
      const { 'symbol-sort-key': _sortKey, ...layout } = layer.layout ?? {};
      return [...STATION_STATES].reverse().map((state) => ({
        ...layer,
        id: tiledStateLayerId(state),
        'source-layer': STATION_TILE_LAYER,
        layout: {
          ...layout,
          'icon-image': `vigil-state-${state}`,
          // Every station is in every state's layer (most of them invisible there): none may push the others away.
          'icon-ignore-placement': true,
        },
        paint: {
          ...layer.paint,
          'icon-opacity': ['case', ['==', liveState, state], dimmedOpacity, 0],
        },
      }));
    }
    if (layer.id === ids.stationBadges && layer.type === 'symbol') {
      return [
        {
          ...layer,
          'source-layer': STATION_TILE_LAYER,
          filter: ['!', ['has', 'point_count']],
          layout: { ...layer.layout, 'icon-image': 'vigil-state-minor' },
          paint: { ...layer.paint, 'icon-opacity': ['case', ['==', liveBadge, 'minor'], dimmedOpacity, 0] },
        },
      ];
    }
    return [tiled];
  });
}
