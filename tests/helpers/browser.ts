/**
 * Debian's Chromium driven by playwright-core (never a downloaded browser). On CI it must be there; elsewhere the
 * browser tests skip with a message when it is missing.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { PROJECT_ROOT } from '../../server/config';
import { IN_CI } from './services';

export const CHROMIUM_PATH = process.env.VIGIL_CHROMIUM ?? '/usr/bin/chromium';
export const chromiumAvailable = existsSync(CHROMIUM_PATH);
if (!chromiumAvailable) {
  if (IN_CI) throw new Error(`Chromium is required on CI at ${CHROMIUM_PATH} (apt-get install chromium)`);
  console.warn(`[vigil tests] Chromium not found at ${CHROMIUM_PATH}: skipping browser tests`);
}

export const ARTIFACTS_DIR = path.join(PROJECT_ROOT, 'tests', 'artifacts');

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'],
  });
}

export async function saveScreenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const file = path.join(ARTIFACTS_DIR, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

/** The colour the user sees at a page coordinate, read from a real screenshot of that pixel. */
export async function pixelAt(page: Page, x: number, y: number): Promise<[number, number, number]> {
  const png = PNG.sync.read(await page.screenshot({ clip: { x: Math.round(x), y: Math.round(y), width: 1, height: 1 } }));
  return [png.data[0]!, png.data[1]!, png.data[2]!];
}

export function hexToRgb(hex: string): [number, number, number] {
  const n = Number.parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

export function colourDistance(a: [number, number, number], b: [number, number, number]): number {
  return Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
}
