/**
 * Oversized uploads (finding 9 of the hardening review): the answer is 413, read by the client, never a reset
 * connection; and the phone's outbox takes 413 as final instead of retrying for ever.
 */
import net from 'node:net';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_PHOTO_BYTES } from '../../shared/constants';
import { FieldApi } from '../../client/src/lib/field/field-api';
import { buildTestApp, type TestApp } from '../helpers/app';
import { join } from '../helpers/events';

const TRIES = 15;

/**
 * Sends a request head declaring `declaredBytes`, then trickles the body (64 KiB every 20 ms) until the server answers;
 * resolves with what came back, or the socket error that ended it.
 */
function slowUpload(
  port: number,
  path: string,
  token: string,
  declaredBytes: number,
): Promise<{ answer: string; error: string | null }> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let answer = '';
    let timer: NodeJS.Timeout | undefined;
    const finish = (error: string | null) => {
      clearInterval(timer);
      socket.destroy();
      resolve({ answer, error });
    };
    socket.on('connect', () => {
      socket.write(
        `PUT ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\nContent-Type: image/jpeg\r\n` +
          `Content-Length: ${declaredBytes}\r\n\r\n`,
      );
      const chunk = Buffer.alloc(64 * 1024, 1);
      chunk.set([0xff, 0xd8, 0xff]);
      timer = setInterval(() => {
        if (!socket.destroyed && socket.writable) socket.write(chunk);
      }, 20);
    });
    socket.on('data', (data) => {
      answer += data.toString('latin1');
      // The head and the whole (small, JSON) error body: done.
      if (/\r\n\r\n[\s\S]*\}$/.test(answer)) finish(null);
    });
    socket.on('error', (err) => finish(err.message));
    socket.on('close', () => finish(answer ? null : 'closed without an answer'));
    setTimeout(() => finish('no answer within 30 s'), 30_000).unref();
  });
}

describe('finding 9: oversized uploads', () => {
  let t: TestApp;
  let port: number;
  let team: { token: string; teamId: string };

  beforeAll(async () => {
    t = await buildTestApp('pglite');
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    const address = t.app.server.address();
    port = typeof address === 'object' && address ? address.port : 0;
    team = await join(t.app, t.own.joinCodes[0]!.code);
  });
  afterAll(async () => t?.close());

  it(`finding 9: a slow upload declaring more than the limit gets 413, not a reset (${TRIES} of ${TRIES})`, async () => {
    const outcomes = [];
    for (let i = 0; i < TRIES; i++) {
      outcomes.push(await slowUpload(port, `/api/photos/${randomUUID()}`, team.token, 50 * 1024 * 1024));
    }
    const received413 = outcomes.filter((o) => o.answer.startsWith('HTTP/1.1 413'));
    expect(
      outcomes.filter((o) => !o.answer.startsWith('HTTP/1.1 413')),
      'tries without a 413',
    ).toEqual([]);
    expect(received413).toHaveLength(TRIES);
    expect(received413[0]!.answer).toContain(`at most ${MAX_PHOTO_BYTES}`);
    // Not even a team's token is needed to be told: the size is refused before anything else is looked at.
    expect((await slowUpload(port, `/api/photos/${randomUUID()}`, 'not-a-token', MAX_PHOTO_BYTES + 1)).answer).toMatch(
      /^HTTP\/1.1 413/,
    );
    // Within the limit, the same route still takes a body.
    expect((await slowUpload(port, `/api/photos/${randomUUID()}`, team.token, 10)).answer).toMatch(
      /^HTTP\/1.1 4(00|15)/,
    );
  }, 300_000);

  it("finding 9: the phone's outbox takes a 413 as final (rejected), not as a reason to retry", async () => {
    const api = new FieldApi(team.token, () => `http://127.0.0.1:${port}`);
    const answer = await api
      .transport()
      .putPhoto(randomUUID(), new Blob([Buffer.alloc(MAX_PHOTO_BYTES + 1, 1)]), 'image/jpeg');
    expect(answer).toMatchObject({
      ok: false,
      failure: { kind: 'permanent', message: expect.stringContaining('413') },
    });
  }, 120_000);
});
