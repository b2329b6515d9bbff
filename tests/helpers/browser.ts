/**
 * Debian's Chromium driven by playwright-core (never a downloaded browser). On CI it must be there; elsewhere the
 * browser tests skip with a message when it is missing.
 */
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { PROJECT_ROOT } from '../../server/config';
import { IN_CI } from './services';

/**
 * How long a browser test waits for something a user would see. A ceiling, not a speed target: on a busy 2-core
 * machine (CI beside other work) a page can take many seconds to react, and the test must still pass.
 */
export const BUSY_MACHINE_WAIT_MS = 30_000;

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
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-quic',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * The README's pictures are screenshots these tests take of what they check: running the browser tests renews them,
 * so they never show a screen the app no longer has.
 */
export function useInReadme(file: string, name: string): void {
  const docs = path.join(PROJECT_ROOT, 'docs', 'screenshots');
  mkdirSync(docs, { recursive: true });
  copyFileSync(file, path.join(docs, `${name}.png`));
}

export async function saveScreenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const file = path.join(ARTIFACTS_DIR, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

/** The colour the user sees at a page coordinate, read from a real screenshot of that pixel. */
export async function pixelAt(page: Page, x: number, y: number): Promise<[number, number, number]> {
  const png = PNG.sync.read(
    await page.screenshot({ clip: { x: Math.round(x), y: Math.round(y), width: 1, height: 1 } }),
  );
  return [png.data[0]!, png.data[1]!, png.data[2]!];
}

export function hexToRgb(hex: string): [number, number, number] {
  const n = Number.parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

export function colourDistance(a: [number, number, number], b: [number, number, number]): number {
  return Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
}

/**
 * A 1366×768 page with no internet: every request to anywhere but 127.0.0.1 (or data:/blob:) is refused and listed in
 * `outside`. `beforeLogin` runs on the page first (listeners); then the coordinator logs in through the form and the
 * page is waited for until live.
 */
export async function offlineCoordinatorPage(
  browser: Browser,
  base: string,
  coordinator: { username: string; password: string },
  beforeLogin: (page: Page) => void = () => undefined,
): Promise<{ page: Page; outside: string[] }> {
  const outside: string[] = [];
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.hostname === '127.0.0.1' || url.protocol === 'data:' || url.protocol === 'blob:') return route.continue();
    outside.push(url.href);
    return route.abort('internetdisconnected');
  });
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error('page error:', error.message));
  beforeLogin(page);
  await page.goto(base);
  await page.fill('input[name=username]', coordinator.username);
  await page.fill('input[name=password]', coordinator.password);
  await page.click('form[data-vigil-login] button[type=submit]');
  await page.waitForSelector('body[data-vigil-ready=true]', { timeout: 2 * BUSY_MACHINE_WAIT_MS });
  return { page, outside };
}
