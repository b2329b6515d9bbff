/**
 * Finding 10 of the hardening review: half-open requests stayed open. A client that never finishes its request head is
 * cut off after the configured headers timeout (short here; 10 s by default), while ordinary requests are served.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app';

const HEADERS_TIMEOUT_MS = 1000;

describe('finding 10: HTTP timeouts', () => {
  let t: TestApp;
  let port: number;

  beforeAll(async () => {
    t = await buildTestApp('pglite', { headersTimeoutMs: HEADERS_TIMEOUT_MS, requestTimeoutMs: 5000 });
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    const address = t.app.server.address();
    port = typeof address === 'object' && address ? address.port : 0;
  });
  afterAll(async () => t?.close());

  it('finding 10: a client that never finishes its headers is cut off after the headers timeout', async () => {
    const socket = net.connect(port, '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    const openedAt = Date.now();
    let answer = '';
    socket.on('data', (d) => (answer += d.toString('latin1')));
    socket.on('error', () => undefined);
    const closed = new Promise<number>((resolve) => socket.once('close', () => resolve(Date.now() - openedAt)));
    // Half a request head, then a header line now and then: never the blank line that ends it.
    socket.write('GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    const drip = setInterval(() => socket.writable && socket.write('X-Slow: 1\r\n'), 200);
    // Node's own default would keep it for 60 s and more; the ceiling leaves room for a busy machine.
    const ceiling = new Promise<'still open'>((resolve) => setTimeout(() => resolve('still open'), 30_000).unref());
    const result = await Promise.race([closed, ceiling]);
    clearInterval(drip);
    socket.destroy();
    expect(result).not.toBe('still open');
    expect(result as number).toBeGreaterThanOrEqual(HEADERS_TIMEOUT_MS - 50);
    if (answer) expect(answer).toMatch(/^HTTP\/1.1 408/);
    // The server still serves everyone else.
    expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
  }, 60_000);

  it('refuses a headers timeout longer than the request timeout at start', async () => {
    const { loadConfig } = await import('../../server/config');
    expect(() => loadConfig({ HTTP_HEADERS_TIMEOUT_MS: '60000', HTTP_REQUEST_TIMEOUT_MS: '5000' })).toThrow(
      /HTTP_HEADERS_TIMEOUT_MS/,
    );
  });
});
