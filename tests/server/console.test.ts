/**
 * What `npm start` prints: the links last, framed, and a console that stays readable (routine requests are logged at
 * debug, so the default level shows only client errors, slow requests and server errors). Also the first-start build's
 * progress lines, from a real Vite build of a small page.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildProgress } from '../../server/client-build';
import { createTestDatabase, postgresAvailable } from '../helpers/services';
import { freePort, VigilInstance } from '../helpers/processes';
import { waitFor } from '../helpers/live-client';

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

describe.runIf(postgresAvailable)('the console of a started server', () => {
  let vigil: VigilInstance | undefined;
  let drop: (() => Promise<void>) | undefined;
  afterAll(async () => {
    await vigil?.stop('SIGKILL');
    await drop?.();
  });

  it('prints the demo links last, framed, and logs routine requests only at debug', async () => {
    const database = await createTestDatabase();
    drop = database.drop;
    const dataDir = mkdtempSync(path.join(tmpdir(), 'vigil-console-'));
    dirs.push(dataDir);
    vigil = new VigilInstance({
      port: await freePort(),
      databaseUrl: database.url,
      redisUrl: null,
      name: 'console',
      env: { LOG_LEVEL: 'info', VIGIL_SEED_DEMO: 'true', DATA_DIR: dataDir },
    });
    await vigil.start();
    const instance = vigil;
    await waitFor(
      () => /API documentation: \S+\n═+\n$/.test(instance.output),
      30_000,
      'the closing rule of the banner',
    );
    // Nothing (log lines included) is printed after the links; the frame is as wide as its longest line.
    const banner = /\n(═+)\n(Vigil is running[\s\S]*)\n(═+)\n$/.exec(instance.output);
    expect(banner, instance.output).not.toBeNull();
    const [, top, body, bottom] = banner!;
    expect(top).toBe(bottom);
    expect(body).toMatch(/^Coordinator: http:\/\/\S+\/ user=coordinator password=\S+$/m);
    expect(top!.length).toBe(Math.max(...body!.split('\n').map((line) => line.length)));

    for (let i = 0; i < 5; i++) expect((await fetch(`${instance.url}/api/version`)).status).toBe(200);
    expect((await fetch(`${instance.url}/api/no-such-thing?token=secret`)).status).toBe(404);
    await waitFor(() => instance.output.includes('/api/no-such-thing'), 30_000, 'the 404 to be logged');
    const logged = instance.output.split('\n').filter((line) => line.includes('"url":"/api/no-such-thing"'));
    expect(logged).toHaveLength(1);
    expect(JSON.parse(logged[0]!)).toMatchObject({ level: 30, method: 'GET', status: 404, msg: 'request answered' });
    expect(instance.output).not.toContain('token=secret');
    expect(instance.output).not.toContain('/api/version');
    expect(instance.output).not.toContain('incoming request');
  }, 180_000);
});

describe('the first-start build', () => {
  it('says how far it is while it builds', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'vigil-build-'));
    dirs.push(root);
    writeFileSync(path.join(root, 'index.html'), '<!doctype html><script type="module" src="./a.js"></script>');
    writeFileSync(path.join(root, 'a.js'), "import { b } from './b.js';\ndocument.title = b;\n");
    writeFileSync(path.join(root, 'b.js'), "export const b = 'built';\n");
    const lines: string[] = [];
    const { build } = await import('vite');
    await build({
      root,
      configFile: false,
      logLevel: 'silent',
      plugins: [buildProgress((text) => lines.push(text), 1)],
    });
    expect(lines.join('')).toMatch(/building the client: \d+ modules transformed \(\d+ s\); bundling and minifying/);
    expect(lines.at(-1)).toMatch(/^ {2}building the client: done in \d+ s\n$/);
  }, 60_000);
});
