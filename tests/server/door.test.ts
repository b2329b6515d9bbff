/**
 * The door: security headers that follow PUBLIC_URL, whose word on the client's address is believed, and limits that
 * count failed logins and joins (stopping guessers, never a room full of coordinators or a briefing full of phones).
 * On PGlite and on a real Postgres, like the API suite.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../server/config';
import { buildTestApp, FIXTURE_PASSWORD, type Driver, type TestApp } from '../helpers/app';
import { postgresAvailable } from '../helpers/services';

const drivers: Driver[] = postgresAvailable ? ['pglite', 'postgres'] : ['pglite'];

async function withApp<T>(driver: Driver, overrides: Partial<Config>, run: (t: TestApp) => Promise<T>): Promise<T> {
  const t = await buildTestApp(driver, overrides);
  try {
    return await run(t);
  } finally {
    await t.close();
  }
}

describe('HTTPS behaviour follows PUBLIC_URL', () => {
  it('finding 3: over plain HTTP with an http: PUBLIC_URL, no HSTS and no upgrade-insecure-requests; with https: both', async () => {
    const headersFor = (publicUrl: string) =>
      withApp(
        'pglite',
        { publicUrl },
        async (t) => (await t.app.inject({ method: 'GET', url: '/api/version', remoteAddress: '192.0.2.7' })).headers,
      );
    const plain = await headersFor('http://192.0.2.2:3000');
    expect(plain['strict-transport-security']).toBeUndefined();
    expect(String(plain['content-security-policy'])).not.toContain('upgrade-insecure-requests');
    expect(String(plain['content-security-policy'])).toContain("script-src 'self'");

    const tls = await headersFor('https://vigil.example.org');
    expect(String(tls['strict-transport-security'])).toMatch(/max-age=\d+/);
    expect(String(tls['content-security-policy'])).toContain('upgrade-insecure-requests');
  }, 180_000);
});

describe.each(drivers)('the door on %s', (driver) => {
  const join = (t: TestApp, code: string, remoteAddress: string, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'POST', url: '/api/auth/join', remoteAddress, headers, payload: { code } });
  const login = (t: TestApp, username: string, password: string, remoteAddress: string) =>
    t.app.inject({ method: 'POST', url: '/api/auth/login', remoteAddress, payload: { username, password } });

  it('finding 4: by default X-Forwarded-For is ignored, so a client on a private network cannot pick its own address', async () => {
    await withApp(driver, { joinFailuresPerAddress: 3 }, async (t) => {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) {
        // A phone on the venue's Wi-Fi (a private range), naming a new made-up address every time.
        statuses.push(
          (await join(t, 'ABCD-EFGH', '10.0.0.7', { 'x-forwarded-for': `198.51.100.${i + 1}` })).statusCode,
        );
      }
      expect(statuses).toEqual([401, 401, 401, 429, 429]);
    });
    // Only a proxy named in TRUST_PROXY is believed: behind it, each forwarded client counts on its own.
    await withApp(driver, { joinFailuresPerAddress: 3, trustProxy: '10.0.0.2' }, async (t) => {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++)
        statuses.push(
          (await join(t, 'ABCD-EFGH', '10.0.0.2', { 'x-forwarded-for': `198.51.100.${i + 1}` })).statusCode,
        );
      expect(statuses).toEqual([401, 401, 401, 401, 401]);
    });
  }, 180_000);

  describe('logins', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await buildTestApp(driver, { loginFailuresPerUserAddress: 10, loginFailuresPerAddress: 40 });
    }, 180_000);
    afterAll(async () => t?.close());

    it('finding 5: 20+ wrong passwords for A from a NAT address refuse only A from there, with Retry-After', async () => {
      const NAT = '203.0.113.5';
      const a = t.own.coordinator.username;
      const statuses: number[] = [];
      const waits: number[] = [];
      for (let i = 0; i < 22; i++) {
        const res = await login(t, a, `guess ${i}`, NAT);
        statuses.push(res.statusCode);
        if (res.statusCode === 429) waits.push(Number(res.headers['retry-after']));
      }
      expect(statuses).toEqual([...Array<number>(10).fill(401), ...Array<number>(12).fill(429)]);
      for (const wait of waits) {
        expect(wait).toBeGreaterThanOrEqual(1);
        expect(wait).toBeLessThanOrEqual(15 * 60);
      }
      // The right password for A from the attacked address waits, and is told how long.
      const held = await login(t, a, FIXTURE_PASSWORD, NAT);
      expect(held.statusCode).toBe(429);
      expect(Number(held.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(held.json().message).toMatch(/try again in \d+ s/);
      // Everyone else is untouched: A from another address, and B from behind the same NAT.
      expect((await login(t, a, FIXTURE_PASSWORD, '198.51.100.9')).statusCode).toBe(200);
      expect((await login(t, t.other.coordinator.username, FIXTURE_PASSWORD, NAT)).statusCode).toBe(200);
    }, 180_000);

    it('finding 5: the hold ends with its window: then the right password gets in from the attacked address', async () => {
      await withApp(driver, { loginFailuresPerUserAddress: 1, authFailureWindowMs: 10_000 }, async (short) => {
        const NAT = '203.0.113.6';
        const a = short.own.coordinator.username;
        expect((await login(short, a, 'a guess', NAT)).statusCode).toBe(401);
        const held = await login(short, a, FIXTURE_PASSWORD, NAT);
        expect(held.statusCode).toBe(429);
        expect(Number(held.headers['retry-after'])).toBeLessThanOrEqual(10);
        // Waited for, with a generous ceiling: no assertion on how fast.
        const deadline = Date.now() + 120_000;
        let status = 429;
        while (status === 429 && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 500));
          status = (await login(short, a, FIXTURE_PASSWORD, NAT)).statusCode;
        }
        expect(status).toBe(200);
      });
    }, 240_000);

    it('finding 5: right passwords are never counted; guessing many usernames from one address meets the looser limit', async () => {
      const room = '203.0.113.20';
      // A situation room signing in again and again from one address.
      for (let i = 0; i < 60; i++)
        expect((await login(t, t.own.coordinator.username, FIXTURE_PASSWORD, room)).statusCode).toBe(200);
      const sprayed: number[] = [];
      for (let i = 0; i < 45; i++) sprayed.push((await login(t, `user-${i}`, 'password1', room)).statusCode);
      expect(sprayed).toEqual([...Array<number>(40).fill(401), ...Array<number>(5).fill(429)]);
    }, 180_000);

    it('finding 5: a burst of simultaneous guesses cannot slip past the count', async () => {
      const statuses = await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          login(t, t.own.coordinator.username, `burst ${i}`, '203.0.113.30').then((r) => r.statusCode),
        ),
      );
      expect(statuses.filter((s) => s === 401)).toHaveLength(10);
      expect(statuses.filter((s) => s === 429)).toHaveLength(20);
    }, 180_000);
  });

  it('issue 13 item 6: 300 phones join from one address, all accepted; failed joins are limited, with Retry-After', async () => {
    await withApp(driver, {}, async (t) => {
      const venue = '203.0.113.40';
      const codes = t.own.joinCodes.map((c) => c.code);
      for (let i = 0; i < 300; i += 20) {
        const batch = await Promise.all(
          Array.from({ length: 20 }, (_, k) =>
            join(t, codes[(i + k) % codes.length]!, venue).then((r) => r.statusCode),
          ),
        );
        expect(batch).toEqual(Array<number>(20).fill(200));
      }
      // Mistyped codes count: the default allows 100 failures per address and window, then the address waits.
      const failed: number[] = [];
      for (let i = 0; i < 102; i++)
        failed.push((await join(t, `WRONG-${String(i).padStart(3, '0')}X`, venue)).statusCode);
      expect(failed).toEqual([...Array<number>(100).fill(401), 429, 429]);
      const refused = await join(t, codes[0]!, venue);
      expect(refused.statusCode).toBe(429);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      // Another address joins as ever.
      expect((await join(t, codes[0]!, '198.51.100.41')).statusCode).toBe(200);
    });
  }, 240_000);
});
