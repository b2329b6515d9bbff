/**
 * Optional basemaps slid under our layers once the map settings arrive: a local PMTiles archive served by our server
 * (read by range requests through the `pmtiles` protocol), or an online style (MAP_STYLE_URL). Without either, the
 * offline ground (city outline, approximate districts) is the map. A basemap that fails to load leaves the offline
 * map as it is.
 */
import {
  addProtocol,
  type LayerSpecification,
  type Map as MapLibreMap,
  type SourceSpecification,
  type StyleSpecification,
} from 'maplibre-gl';
import { PMTiles, Protocol, TileType } from 'pmtiles';
import { LAYER_IDS, OVERLAY_LAYER_IDS } from './station-layers';

let protocol: Protocol | null = null;

function pmtilesProtocol(): Protocol {
  if (protocol === null) {
    protocol = new Protocol();
    addProtocol('pmtiles', protocol.tile);
  }
  return protocol;
}

const BASEMAP_PREFIX = 'basemap-';

/** The first of our layers present in the map: basemap layers go underneath it. */
function firstOverlayLayer(map: MapLibreMap): string | undefined {
  return OVERLAY_LAYER_IDS.find((id) => map.getLayer(id) !== undefined);
}

function addUnderOverlay(
  map: MapLibreMap,
  sources: Record<string, SourceSpecification>,
  layers: readonly LayerSpecification[],
): void {
  for (const [id, source] of Object.entries(sources)) if (map.getSource(id) === undefined) map.addSource(id, source);
  // The offline map's plain land over the city would wash the basemap's streets out; its border line stays.
  if (map.getLayer(LAYER_IDS.outlineFill) !== undefined) map.removeLayer(LAYER_IDS.outlineFill);
  const before = firstOverlayLayer(map);
  for (const layer of layers) {
    if (map.getLayer(layer.id) === undefined) map.addLayer(layer, before);
  }
}

/**
 * Layers for a Protomaps-schema vector archive (the common PMTiles basemap): land use, water, roads, buildings. An
 * archive of another schema simply draws none of them; the offline layers above still show the mission.
 */
function vectorLayers(source: string): LayerSpecification[] {
  return [
    { id: `${BASEMAP_PREFIX}earth`, type: 'fill', source, 'source-layer': 'earth', paint: { 'fill-color': '#f4f2ee' } },
    {
      id: `${BASEMAP_PREFIX}landuse`,
      type: 'fill',
      source,
      'source-layer': 'landuse',
      paint: { 'fill-color': '#e4ecdc', 'fill-opacity': 0.7 },
    },
    { id: `${BASEMAP_PREFIX}water`, type: 'fill', source, 'source-layer': 'water', paint: { 'fill-color': '#b9d3e6' } },
    {
      id: `${BASEMAP_PREFIX}buildings`,
      type: 'fill',
      source,
      'source-layer': 'buildings',
      minzoom: 14,
      paint: { 'fill-color': '#dedad3' },
    },
    {
      id: `${BASEMAP_PREFIX}roads`,
      type: 'line',
      source,
      'source-layer': 'roads',
      paint: { 'line-color': '#ffffff', 'line-width': ['interpolate', ['linear'], ['zoom'], 10, 0.5, 16, 6] },
    },
  ];
}

/** Adds the local PMTiles basemap under our layers; resolves once added. */
export async function addPmtilesBasemap(map: MapLibreMap, path: string): Promise<void> {
  const url = new URL(path, location.origin).href;
  const archive = new PMTiles(url);
  pmtilesProtocol().add(archive);
  const header = await archive.getHeader();
  const source = `${BASEMAP_PREFIX}pmtiles`;
  const tileUrl = `pmtiles://${url}`;
  if (header.tileType === TileType.Mvt) {
    addUnderOverlay(map, { [source]: { type: 'vector', url: tileUrl } }, vectorLayers(source));
  } else {
    addUnderOverlay(map, { [source]: { type: 'raster', url: tileUrl, tileSize: 256 } }, [
      { id: `${BASEMAP_PREFIX}raster`, type: 'raster', source },
    ]);
  }
}

/** Adds an online style's sources and layers under ours (its ids prefixed so they never clash with ours). */
export async function addOnlineBasemap(map: MapLibreMap, styleUrl: string): Promise<void> {
  const response = await fetch(styleUrl, { signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw new Error(`the basemap style answered ${response.status}`);
  const style = (await response.json()) as StyleSpecification;
  const sources = Object.fromEntries(
    Object.entries(style.sources).map(([id, source]) => [`${BASEMAP_PREFIX}${id}`, resolveUrls(source, styleUrl)]),
  );
  const layers = style.layers.map((layer) => {
    const renamed = { ...layer, id: `${BASEMAP_PREFIX}${layer.id}` } as LayerSpecification & { source?: string };
    if (typeof renamed.source === 'string') renamed.source = `${BASEMAP_PREFIX}${renamed.source}`;
    return renamed as LayerSpecification;
  });
  if (typeof style.sprite === 'string') map.setSprite(new URL(style.sprite, styleUrl).href);
  addUnderOverlay(map, sources, layers);
}

function resolveUrls(source: SourceSpecification, base: string): SourceSpecification {
  const withUrl = source as SourceSpecification & { url?: string; tiles?: string[] };
  return {
    ...source,
    ...(typeof withUrl.url === 'string' ? { url: new URL(withUrl.url, base).href } : {}),
    ...(Array.isArray(withUrl.tiles)
      ? { tiles: withUrl.tiles.map((tile) => new URL(tile, base).href.replace(/%7B/g, '{').replace(/%7D/g, '}')) }
      : {}),
  } as SourceSpecification;
}
