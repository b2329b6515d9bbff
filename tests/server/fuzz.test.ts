/**
 * Fuzzing every route and socket command with generated malformed, oversized, wrongly typed, wrongly encoded and
 * out-of-range input: no 5xx, no crash, and rows are written only for what the API acknowledged as stored or created.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { sql } from 'drizzle-orm';
import { io } from 'socket.io-client';
import { buildTestApp, FIXTURE_PASSWORD, type TestApp } from '../helpers/app';
import { getJson, join, login } from '../helpers/events';

/** Every route, with the path tricks (traversal, bad ids) the fuzzer also tries. */
const ROUTES: [string, string][] = [
  ['POST', '/api/events'],
  ['GET', '/api/events'],
  ['POST', '/api/auth/login'],
  ['POST', '/api/auth/join'],
  ['GET', '/api/session'],
  ['GET', '/api/stations'],
  ['POST', '/api/stations/import'],
  ['GET', '/api/teams'],
  ['GET', '/api/teams/trails'],
  ['GET', '/api/map'],
  ['GET', '/api/map/glyphs/Noto%20Sans%20Regular/0-255.pbf'],
  ['GET', '/api/map/glyphs/x/..%2F..%2Fpackage.json'],
  ['GET', '/api/stations/00000000-0000-4000-8000-000000000000/detail'],
  ['GET', '/api/stations/not-a-uuid/detail'],
  ['GET', '/health'],
  ['GET', '/ready'],
  ['DELETE', '/api/events'],
  ['GET', '/api/nowhere'],
  ['GET', '/api/display-links'],
  ['POST', '/api/display-links'],
  ['PATCH', '/api/display-links/00000000-0000-4000-8000-000000000000'],
  ['DELETE', '/api/display-links/not-a-uuid'],
  ['PUT', '/api/display-links/policy'],
  ['GET', '/api/summary'],
  ['GET', '/api/findings/recent'],
  ['GET', '/api/findings'],
  ['GET', '/api/coverage'],
  ['PUT', '/api/mission/alert-settings'],
  ['PUT', '/api/mission/emergency-contacts'],
  ['GET', '/api/mission/route-sheets'],
  ['GET', '/api/version'],
  ['GET', '/api/forms'],
  ['PUT', '/api/forms'],
  ['PUT', '/api/photos/00000000-0000-4000-8000-000000000000'],
  ['GET', '/api/photos/../../etc/passwd'],
  ['GET', '/api/mission'],
  ['POST', '/api/teams'],
  ['PUT', '/api/mission/drill'],
  ['POST', '/api/mission/drill/clear'],
  ['GET', '/api/conflicts'],
  ['POST', '/api/plan/import'],
  ['GET', '/api/exports/summary'],
  ['GET', '/api/exports/events.csv'],
  ['GET', '/api/exports/checklists.csv'],
  ['GET', '/api/exports/stations.geojson'],
  ['GET', '/api/exports/../../etc/passwd'],
  ['GET', '/api/ballot'],
  ['PUT', '/api/ballot'],
  ['GET', '/api/turnout'],
  ['GET', '/api/protocols'],
  ['GET', '/api/quick-count'],
  ['POST', '/api/official-results/import'],
  ['GET', '/api/official-results/comparison'],
  ['GET', '/api/result-checks'],
];

/** Numbers a query string can spell that JavaScript or Postgres cannot hold: infinities, overflow, ±0, exponents, 64-bit edges. */
const NUMERIC_EXTREMES = [
  'Infinity',
  '-Infinity',
  '+Infinity',
  'NaN',
  '1e309',
  '-1e309',
  '1e308',
  '1E3',
  '1e-7',
  '-1e-400',
  '99999999999999999999999',
  '9223372036854775807',
  '9223372036854775808',
  '-9223372036854775808',
  '-9223372036854775809',
  '18446744073709551615',
  '18446744073709551616',
  '2147483647',
  '2147483648',
  '4294967296',
  '9007199254740991',
  '9007199254740992',
  '9007199254740993',
  '0',
  '-0',
  '+0',
  '0.0',
  '1.5',
  '0x10',
  '0b11',
  '1_000',
  ' 1',
  '',
  '-1',
];
const NUMERIC_PARAMS = ['after', 'limit', 'changedAfter'];

const REQUESTS = Number(process.env.VIGIL_FUZZ_REQUESTS ?? 10_000);

async function count(t: TestApp, table: string): Promise<number> {
  const result = await t.database.db.execute<{ n: number }>(sql.raw(`select count(*)::int as n from ${table}`));
  const rows = (Array.isArray(result) ? result : (result as unknown as { rows: { n: number }[] }).rows) as {
    n: number;
  }[];
  return rows[0]!.n;
}

describe('fuzzing the API', () => {
  let t: TestApp;
  let tokens: Record<string, string>;
  let ids: { team: string; station: string };

  beforeAll(async () => {
    t = await buildTestApp('pglite');
    const coordinator = await login(t.app, t.own.coordinator.username, FIXTURE_PASSWORD);
    const team = await join(t.app, t.own.joinCodes[0]!.code);
    tokens = { coordinator, team: team.token, display: t.own.displayToken, none: '', junk: 'x'.repeat(40) };
    ids = { team: team.teamId, station: (await getJson(t.app, coordinator, '/api/stations')).body.stations[0].id };
  });
  afterAll(async () => t?.close());

  /** The app on a real port for the socket tests (listening once). */
  async function listening(): Promise<string> {
    if (!t.app.server.listening) await t.app.listen({ host: '127.0.0.1', port: 0 });
    const address = t.app.server.address();
    return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  }

  it(`answers ${REQUESTS} generated bad requests with 4xx (or a clean 2xx) and writes only what it acknowledged`, async () => {
    const eventsBefore = await count(t, 'events');
    const stationsBefore = await count(t, 'stations');
    const tokensBefore = await count(t, 'access_tokens');
    const photosBefore = await count(t, 'photos');
    let storedAcknowledged = 0;
    let stationsCreated = 0;
    let linksCreated = 0;
    let photosCreated = 0;
    const statuses = new Map<number, number>();

    const junkValue = fc.oneof(
      fc.string({ maxLength: 50 }),
      fc.integer(),
      fc.double(),
      fc.boolean(),
      fc.constant(null),
      fc.constant('2025-11-30T10:00:00Z'),
      fc.constant('00000000-0000-4000-8000-000000000000'),
      fc.constant(ids.team),
      fc.constant(ids.station),
      fc.array(fc.integer(), { maxLength: 3 }),
      fc.string({ unit: 'binary', maxLength: 30 }),
    );
    const eventLike = fc.record(
      {
        id: fc.oneof(fc.uuid(), fc.string({ maxLength: 40 }), fc.integer()),
        type: fc.oneof(
          fc.constantFrom(
            'arrival',
            'departure',
            'checklist',
            'finding',
            'finding_status',
            'finding_assigned',
            'position',
            'help_request',
            'help_resolved',
            'plan_changed',
            'conflict_resolved',
            'team_alert_acknowledged',
            'Arrival',
            '',
          ),
          junkValue,
        ),
        teamId: fc.oneof(fc.constant(ids.team), fc.uuid(), junkValue),
        stationId: fc.oneof(fc.constant(ids.station), fc.uuid(), junkValue),
        occurredAt: fc.oneof(
          fc
            .date({ min: new Date('1970-01-01'), max: new Date('2100-01-01'), noInvalidDate: true })
            .map((d) => d.toISOString()),
          junkValue,
        ),
        position: fc.oneof(fc.record({ lat: fc.double(), lng: fc.double() }), junkValue),
        severity: fc.oneof(fc.constantFrom('info', 'critical'), junkValue),
        text: fc.oneof(fc.string({ maxLength: 30 }), fc.constant('x'.repeat(5000)), junkValue),
        answers: fc.oneof(fc.dictionary(fc.string({ maxLength: 70 }), junkValue, { maxKeys: 4 }), junkValue),
        stations: fc.oneof(
          fc.array(
            fc.record(
              { stationId: fc.oneof(fc.constant(ids.station), junkValue), phases: junkValue },
              { requiredKeys: [] },
            ),
            { maxLength: 3 },
          ),
          junkValue,
        ),
        conflictId: fc.oneof(fc.uuid(), junkValue),
        note: fc.oneof(fc.string({ maxLength: 30 }), junkValue),
      },
      { requiredKeys: [] },
    );
    const body = fc.oneof(
      fc.record(
        { events: fc.oneof(fc.array(fc.oneof(eventLike, junkValue), { maxLength: 5 }), junkValue) },
        { requiredKeys: [] },
      ),
      fc.record({ username: junkValue, password: junkValue, code: junkValue }, { requiredKeys: [] }),
      fc.record(
        {
          label: junkValue,
          rotationSeconds: junkValue,
          showsFindingText: junkValue,
          showsTeamPositions: junkValue,
          forms: junkValue,
          categories: junkValue,
        },
        { requiredKeys: [] },
      ),
      fc.record({ drill: junkValue, confirmMissionName: junkValue }, { requiredKeys: [] }),
      junkValue,
      fc.array(junkValue, { maxLength: 4 }),
    );
    const request = fc.record({
      route: fc.constantFrom(...ROUTES),
      who: fc.constantFrom('coordinator', 'team', 'display', 'none', 'junk'),
      query: fc.dictionary(
        fc.constantFrom('after', 'limit', 'changedAfter', 'format', 'status', 'dryRun', 'x'),
        fc.oneof(fc.string({ maxLength: 12 }), fc.integer().map(String), fc.constantFrom(...NUMERIC_EXTREMES)),
        { maxKeys: 3 },
      ),
      encoding: fc.constantFrom('json', 'text', 'csv', 'geojson', 'garbage', 'truncated-json', 'latin1'),
      body,
    });

    await fc.assert(
      fc.asyncProperty(request, async ({ route: [method, url], who, query, encoding, body }) => {
        const json = JSON.stringify(body) ?? 'null';
        const payload =
          encoding === 'truncated-json'
            ? json.slice(0, Math.max(1, json.length - 3))
            : encoding === 'latin1'
              ? Buffer.from(json, 'latin1')
              : encoding === 'garbage'
                ? Buffer.from([0xff, 0xfe, 0x00, 0x81])
                : encoding === 'csv'
                  ? `number,name\n${json}`
                  : json;
        const contentType =
          encoding === 'csv'
            ? 'text/csv'
            : encoding === 'geojson'
              ? 'application/geo+json'
              : encoding === 'garbage'
                ? 'application/octet-stream'
                : encoding === 'text'
                  ? 'text/plain'
                  : 'application/json';
        const res = await t.app.inject({
          method: method as 'GET',
          url,
          query,
          headers: {
            ...(tokens[who] ? { authorization: `Bearer ${tokens[who]}` } : {}),
            ...(method === 'GET' ? {} : { 'content-type': contentType }),
          },
          ...(method === 'GET' ? {} : { payload }),
        });
        statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
        expect(res.statusCode, `${method} ${url} → ${res.statusCode} ${res.body}`).toBeLessThan(500);
        if (res.statusCode >= 400)
          expect(res.json()).toMatchObject({ statusCode: res.statusCode, message: expect.any(String) });
        if (url === '/api/events' && method === 'POST' && res.statusCode === 200) {
          storedAcknowledged += res.json().results.filter((r: { status: string }) => r.status === 'stored').length;
        }
        if (url === '/api/stations/import' && res.statusCode === 200) stationsCreated += res.json().created ?? 0; // a dry run creates nothing
        if (url === '/api/plan/import' && res.statusCode === 200) storedAcknowledged += res.json().seqs.length;
        if (url === '/api/display-links' && method === 'POST' && res.statusCode === 201) linksCreated += 1;
        if (url.startsWith('/api/photos/') && method === 'PUT' && res.statusCode === 201) photosCreated += 1;
      }),
      { numRuns: REQUESTS },
    );

    console.info('status codes seen:', Object.fromEntries([...statuses].sort(([a], [b]) => a - b)));
    expect(await count(t, 'events')).toBe(eventsBefore + storedAcknowledged);
    expect(await count(t, 'stations')).toBe(stationsBefore + stationsCreated);
    expect(await count(t, 'access_tokens')).toBe(tokensBefore + linksCreated);
    expect(await count(t, 'photos')).toBe(photosBefore + photosCreated);
  }, 600_000);

  it('finding 6: every numeric extreme in every query parameter of every route answers 4xx or 2xx, never 5xx', async () => {
    const fiveHundreds: string[] = [];
    let refused = 0;
    for (const [method, url] of ROUTES) {
      for (const param of NUMERIC_PARAMS) {
        for (const value of NUMERIC_EXTREMES) {
          const res = await t.app.inject({
            method: method as 'GET',
            url: `${url}${url.includes('?') ? '&' : '?'}${param}=${encodeURIComponent(value)}`,
            headers: {
              authorization: `Bearer ${tokens.coordinator}`,
              ...(method === 'GET' ? {} : { 'content-type': 'application/json' }),
            },
            ...(method === 'GET' ? {} : { payload: '{}' }),
          });
          if (res.statusCode >= 500) fiveHundreds.push(`${method} ${url}?${param}=${value} → ${res.statusCode}`);
          if (res.statusCode === 400) refused += 1;
        }
      }
    }
    expect(fiveHundreds).toEqual([]);
    expect(refused).toBeGreaterThan(0);
    // Where the parameter exists, out of range is a 400 naming it; in range (±0, exponents, the largest exact integer) is served.
    const status = async (url: string) =>
      (await t.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${tokens.coordinator}` } }))
        .statusCode;
    for (const [url, param] of [
      ['/api/events', 'after'],
      ['/api/events', 'limit'],
      ['/api/stations', 'changedAfter'],
      ['/api/findings/recent', 'limit'],
    ] as const) {
      for (const value of [
        'Infinity',
        '-Infinity',
        '1e309',
        '99999999999999999999999',
        '9223372036854775807',
        '9007199254740992',
        '-1',
        '1.5',
        'NaN',
      ]) {
        const res = await t.app.inject({
          method: 'GET',
          url: `${url}?${param}=${encodeURIComponent(value)}`,
          headers: { authorization: `Bearer ${tokens.coordinator}` },
        });
        expect(res.statusCode, `${url}?${param}=${value}: ${res.body}`).toBe(400);
        expect(res.json().message).toContain(param);
      }
    }
    for (const value of ['0', '-0', '+0', '1e1', '0.0']) {
      expect(await status(`/api/events?after=${encodeURIComponent(value)}`)).toBe(200);
      expect(await status(`/api/stations?changedAfter=${encodeURIComponent(value)}`)).toBe(200);
    }
    expect(await status('/api/events?after=9007199254740991')).toBe(200);
  }, 300_000);

  it('finding 6: catch_up and the handshake refuse out-of-range sequences with a clear error, not a database failure', async () => {
    const url = await listening();
    const fresh = await login(t.app, t.own.coordinator.username, FIXTURE_PASSWORD);
    const extremes = [
      1e20,
      2 ** 53,
      2 ** 63,
      2 ** 64,
      Number.MAX_VALUE,
      -1,
      -Number.MAX_VALUE,
      1.5,
      1e-7,
      'Infinity',
      '1e309',
      '0',
    ];
    for (const after of [...extremes, null]) {
      // A handshake with a wild `after` still connects, and the socket keeps answering.
      const socket = io(url, {
        transports: ['websocket'],
        auth: { token: fresh, after },
        reconnection: false,
        forceNew: true,
      });
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', reject);
      });
      for (const value of extremes) {
        for (const request of [{ after: value }, { after: 0, limit: value }]) {
          const result = (await socket.timeout(10_000).emitWithAck('catch_up', request as never)) as {
            data?: unknown;
            error?: string;
          };
          expect(result.error, `catch_up ${JSON.stringify(request)}`).toMatch(/^catch_up needs/);
        }
      }
      for (const value of [0, -0, 9007199254740991]) {
        const result = (await socket.timeout(10_000).emitWithAck('catch_up', { after: value })) as {
          data?: unknown;
          error?: string;
        };
        expect(result, `catch_up after ${value}`).toHaveProperty('data');
      }
      socket.close();
    }
  }, 120_000);

  it('survives generated socket handshakes and catch_up commands', async () => {
    const url = await listening();
    const fresh = await login(t.app, t.own.coordinator.username, FIXTURE_PASSWORD);
    const socket = io(url, { transports: ['websocket'], auth: { token: fresh, after: 0 } });
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    await fc.assert(
      fc.asyncProperty(fc.anything({ maxDepth: 2 }), async (value) => {
        const result = await socket.timeout(5000).emitWithAck('catch_up', value as never);
        expect(result).toSatisfy((r: object) => 'data' in r || 'error' in r);
      }),
      { numRuns: 300 },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(fc.constantFrom('token', 'after', 'x'), fc.anything({ maxDepth: 2 }), { maxKeys: 3 }),
        async (auth) => {
          const probe = io(url, { transports: ['websocket'], auth, reconnection: false, forceNew: true });
          await new Promise<void>((resolve) => {
            probe.once('connect_error', () => resolve());
            probe.once('connect', () => resolve());
          });
          probe.close();
        },
      ),
      { numRuns: 100 },
    );
    // Still serving after all of it.
    expect((await fetch(`${url}/health`)).status).toBe(200);
    socket.close();
  }, 120_000);
});
