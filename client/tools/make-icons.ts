/**
 * Draws the field app's icons (no image tools or downloads needed): a white check mark on Vigil blue.
 * Run `npx tsx client/tools/make-icons.ts` after changing the design; the PNGs are committed.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { PNG } from 'pngjs';

const BLUE: [number, number, number] = [0x0b, 0x5c, 0xad];
const WHITE: [number, number, number] = [255, 255, 255];

/** Distance from point p to the segment a–b. */
function toSegment(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

/** `inset` is the share of the icon left as margin (maskable icons keep their drawing in the middle 80%). */
function draw(size: number, rounded: boolean, inset: number): Buffer {
  const png = new PNG({ width: size, height: size });
  const radius = rounded ? size * 0.18 : 0;
  const s = (v: number) => inset * size + v * size * (1 - 2 * inset);
  const stroke = size * (1 - 2 * inset) * 0.11;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const i = (y * size + x) * 4;
      // Rounded-square background (corners transparent).
      const cx = Math.max(radius - x, 0, x - (size - 1 - radius));
      const cy = Math.max(radius - y, 0, y - (size - 1 - radius));
      const outside = radius > 0 && Math.hypot(cx, cy) > radius;
      const d = Math.min(
        toSegment(x, y, s(0.24), s(0.52), s(0.42), s(0.7)),
        toSegment(x, y, s(0.42), s(0.7), s(0.77), s(0.3)),
      );
      const ink = Math.max(0, Math.min(1, stroke / 2 - d + 0.5));
      const [r, g, b] = BLUE.map((c, k) => Math.round(c * (1 - ink) + WHITE[k]! * ink)) as [number, number, number];
      png.data[i] = r;
      png.data[i + 1] = g;
      png.data[i + 2] = b;
      png.data[i + 3] = outside ? 0 : 255;
    }
  }
  return PNG.sync.write(png);
}

const dir = path.join(import.meta.dirname, '..', 'public', 'icons');
writeFileSync(path.join(dir, 'icon-192.png'), draw(192, true, 0.1));
writeFileSync(path.join(dir, 'icon-512.png'), draw(512, true, 0.1));
writeFileSync(path.join(dir, 'icon-maskable-512.png'), draw(512, false, 0.2));
