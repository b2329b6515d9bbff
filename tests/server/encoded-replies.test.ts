/**
 * The cache of large replies (server/plugins/app/encoded-replies.ts) under a slow build: a reader waiting for a build
 * longer than the server's idle timeout still gets its reply, and its connection is idle-timed again afterwards.
 */
import http from 'node:http';
import type { Socket } from 'node:net';
import { gunzipSync } from 'node:zlib';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import encodedReplies from '../../server/plugins/app/encoded-replies';

const IDLE_TIMEOUT_MS = 300;
const BUILD_MS = 1200;

function get(port: number, agent: http.Agent): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const request = http.get({ port, path: '/slow', agent, headers: { 'accept-encoding': 'gzip' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
    });
    request.on('error', reject);
  });
}

describe('a reply whose build outlasts the idle timeout', () => {
  let app: FastifyInstance;
  let port: number;
  let builds = 0;
  const serverSockets = new Set<Socket>();

  beforeAll(async () => {
    app = Fastify({ connectionTimeout: IDLE_TIMEOUT_MS, keepAliveTimeout: 5000 });
    await app.register(encodedReplies);
    app.get('/slow', (request, reply) =>
      app.encodedReplies.send(request, reply, 'slow', {
        version: async () => 'v1',
        build: async (write) => {
          builds++;
          await write('{"items":[');
          await new Promise((resolve) => setTimeout(resolve, BUILD_MS));
          await write('1,2,3]}');
        },
      }),
    );
    app.server.on('connection', (socket) => serverSockets.add(socket));
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = (app.server.address() as { port: number }).port;
  });
  afterAll(async () => app?.close());

  it('answers every waiting reader, then idle-times the connection as before', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 3 });
    try {
      const answers = await Promise.all([get(port, agent), get(port, agent), get(port, agent)]);
      for (const answer of answers) {
        expect(answer.status).toBe(200);
        expect(JSON.parse(gunzipSync(answer.body).toString())).toEqual({ items: [1, 2, 3] });
      }
      expect(builds).toBe(1);
      // Once answered, the connections wait under the server's own idle timeout again.
      await new Promise((resolve) => setTimeout(resolve, 50));
      const open = [...serverSockets].filter((socket) => !socket.destroyed);
      expect(open.length).toBeGreaterThan(0);
      for (const socket of open) expect(socket.timeout).toBe(IDLE_TIMEOUT_MS);
    } finally {
      agent.destroy();
    }
  });
});
