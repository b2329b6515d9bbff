/**
 * Writes a real PMTiles v3 archive (https://github.com/protomaps/PMTiles/blob/main/spec/v3/spec.md) holding one raster
 * tile at zoom 0, uncompressed: the smallest basemap a browser can read through the `pmtiles` protocol and MapLibre
 * can draw (over-zoomed) at any zoom. For tests of MAP_PMTILES.
 */
import { PNG } from 'pngjs';

const HEADER_BYTES = 127;
const COMPRESSION_NONE = 1;
const TILE_TYPE_PNG = 2;

/** A 256×256 PNG of one colour. */
export function solidPng([r, g, b]: [number, number, number]): Buffer {
  const png = new PNG({ width: 256, height: 256 });
  for (let i = 0; i < png.data.length; i += 4) {
    png.data[i] = r;
    png.data[i + 1] = g;
    png.data[i + 2] = b;
    png.data[i + 3] = 255;
  }
  return PNG.sync.write(png);
}

function varint(value: number): number[] {
  const bytes: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    bytes.push((rest & 0x7f) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  bytes.push(rest);
  return bytes;
}

/** The archive's bytes: header, root directory (one entry: tile 0), metadata, the tile. */
export function singleTilePmtiles(tile: Buffer): Buffer {
  // Directory: entry count; tile-id deltas; run lengths; lengths; offsets (+1).
  const directory = Buffer.from([...varint(1), ...varint(0), ...varint(1), ...varint(tile.length), ...varint(0 + 1)]);
  const metadata = Buffer.from('{}');
  const directoryOffset = HEADER_BYTES;
  const metadataOffset = directoryOffset + directory.length;
  const tileOffset = metadataOffset + metadata.length;

  const header = Buffer.alloc(HEADER_BYTES);
  header.write('PMTiles', 0, 'ascii');
  header.writeUInt8(3, 7);
  const u64 = (offset: number, value: number) => header.writeBigUInt64LE(BigInt(value), offset);
  u64(8, directoryOffset);
  u64(16, directory.length);
  u64(24, metadataOffset);
  u64(32, metadata.length);
  u64(40, tileOffset); // no leaf directories
  u64(48, 0);
  u64(56, tileOffset);
  u64(64, tile.length);
  u64(72, 1); // addressed tiles
  u64(80, 1); // tile entries
  u64(88, 1); // tile contents
  header.writeUInt8(1, 96); // clustered
  header.writeUInt8(COMPRESSION_NONE, 97);
  header.writeUInt8(COMPRESSION_NONE, 98);
  header.writeUInt8(TILE_TYPE_PNG, 99);
  header.writeUInt8(0, 100); // min zoom
  header.writeUInt8(0, 101); // max zoom
  header.writeInt32LE(-180e7, 102);
  header.writeInt32LE(-85e7, 106);
  header.writeInt32LE(180e7, 110);
  header.writeInt32LE(85e7, 114);
  header.writeUInt8(0, 118);
  header.writeInt32LE(0, 119);
  header.writeInt32LE(0, 123);
  return Buffer.concat([header, directory, metadata, tile]);
}
