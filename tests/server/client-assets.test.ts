/**
 * The built client's scripts and stylesheets are compressed once, by the build (client/vite-precompress.ts), and the
 * server sends those copies as they are: compressing them per request held the dashboard's first render (its bundle
 * took 150 to 650 ms a file to leave an idle server). From a real Vite build of a small page, served by the app.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { precompressAssets } from '../../client/vite-precompress';
import { buildTestApp, type TestApp } from '../helpers/app';

describe("the built client's assets", () => {
  let root: string;
  let dist: string;
  let script: string;
  let t: TestApp;

  beforeAll(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'vigil-assets-'));
    writeFileSync(path.join(root, 'index.html'), '<!doctype html><script type="module" src="./a.js"></script>');
    // Big enough to be worth compressing, and kept whole by the minifier.
    writeFileSync(path.join(root, 'a.js'), `document.title = ${JSON.stringify(randomBytes(3000).toString('hex'))};\n`);
    const { build } = await import('vite');
    await build({ root, configFile: false, logLevel: 'silent', plugins: [precompressAssets()] });
    dist = path.join(root, 'dist');
    script = readdirSync(path.join(dist, 'assets')).find((name) => name.endsWith('.js'))!;
    t = await buildTestApp('pglite', { clientDir: dist });
  }, 120_000);

  afterAll(async () => {
    await t?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('are written by the build beside themselves, brotli and gzip, and nothing else is', () => {
    const original = readFileSync(path.join(dist, 'assets', script));
    expect(brotliDecompressSync(readFileSync(path.join(dist, 'assets', `${script}.br`)))).toEqual(original);
    expect(gunzipSync(readFileSync(path.join(dist, 'assets', `${script}.gz`)))).toEqual(original);
    // The page itself is compressed per request (its inline script's hash is read from it): no copies of it.
    expect(readdirSync(dist).filter((name) => name.startsWith('index.html'))).toEqual(['index.html']);
  });

  it('are sent as those copies to a browser that accepts them, and plain to one that does not', async () => {
    const original = readFileSync(path.join(dist, 'assets', script));
    const url = `/assets/${script}`;
    const br = await t.app.inject({ url, headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(br.statusCode).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['content-type']).toMatch(/javascript/);
    expect(br.rawPayload).toEqual(readFileSync(path.join(dist, 'assets', `${script}.br`)));
    const gz = await t.app.inject({ url, headers: { 'accept-encoding': 'gzip' } });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.rawPayload)).toEqual(original);
    const plain = await t.app.inject({ url, headers: { 'accept-encoding': 'identity' } });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.rawPayload).toEqual(original);
  });
});
