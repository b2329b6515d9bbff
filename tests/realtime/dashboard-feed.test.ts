/**
 * The coordinators' findings feed kept by live events equals the server's: a dashboard loads GET /api/findings, then
 * follows a burst of findings and triage (from two teams and a coordinator, in concurrent requests) through a real
 * socket; its running list, statuses, acknowledgements and notes end equal to GET /api/findings, and its patterns
 * equal the ones computed from the server's list. On PGlite and on Postgres.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, FIXTURE_PASSWORD, type Driver, type TestApp } from '../helpers/app';
import { postgresAvailable } from '../helpers/services';
import { finding, getJson, join, login, minutesAgo, postEvents } from '../helpers/events';
import { LiveDashboard, waitFor } from '../helpers/live-client';
import {
  applyFeedEvents,
  findPatterns,
  mergeFetchedFeed,
  newestFirst,
  type FeedFinding,
} from '../../client/src/lib/dashboard/triage';
import type { TriageFinding } from '../../shared/schemas/findings';

const drivers: Driver[] = postgresAvailable ? ['pglite', 'postgres'] : ['pglite'];

describe.each(drivers)('findings feed followed live on %s', (driver) => {
  let t: TestApp;
  let url: string;
  let coordinator: string;
  let teams: { token: string; teamId: string }[];
  let stations: { id: string; number: string; district: string }[];
  let dashboard: LiveDashboard | undefined;

  beforeAll(async () => {
    t = await buildTestApp(driver, { headAnnounceIntervalMs: 300 });
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    const address = t.app.server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    coordinator = await login(t.app, t.own.coordinator.username, FIXTURE_PASSWORD);
    teams = [await join(t.app, t.own.joinCodes[0]!.code), await join(t.app, t.own.joinCodes[1]!.code)];
    stations = (await getJson(t.app, coordinator, '/api/stations')).body.stations;
  });
  afterAll(async () => {
    dashboard?.close();
    await t?.close();
  });

  it('ends equal to GET /api/findings after a burst of findings and triage', async () => {
    // Something before the dashboard loads, so the fetched list and the live events must join up.
    await postEvents(t.app, teams[0]!.token, [finding(teams[0]!.teamId, stations[0]!.id, 'serious', 60)]);
    const fetched = (await getJson(t.app, coordinator, '/api/findings')).body as {
      findings: TriageFinding[];
      head: number;
    };
    const rows = mergeFetchedFeed(new Map<string, FeedFinding>(), fetched.findings, fetched.head);
    const callSigns = new Map([
      [teams[0]!.teamId, 'T01'],
      [teams[1]!.teamId, 'T02'],
    ]);
    const place = {
      station: (id: string) => stations.find((s) => s.id === id),
      callSign: (id: string) => callSigns.get(id),
    };
    dashboard = new LiveDashboard(url, coordinator, fetched.head);
    await dashboard.connected();

    const reported: string[] = [];
    const burst = Array.from({ length: 12 }, (_, round) =>
      Promise.all(
        teams.map(async (team, i) => {
          const event = {
            ...finding(
              team.teamId,
              stations[(round + i) % stations.length]!.id,
              round % 4 === 0 ? 'critical' : 'minor',
              50 - round,
            ),
            category: round % 3 === 0 ? 'carousel' : 'secrecy',
          };
          reported.push(event.id);
          await postEvents(t.app, team.token, [event]);
        }),
      ),
    );
    await Promise.all(burst);
    // Triage half of them, some twice, some with notes; and a request the server refuses (already in that status).
    const triage = reported.slice(0, 12).flatMap((findingId, i) => [
      { id: randomUUID(), type: 'finding_status', findingId, status: 'acknowledged', occurredAt: minutesAgo(10) },
      ...(i % 3 === 0
        ? [
            {
              id: randomUUID(),
              type: 'finding_status',
              findingId,
              status: 'resolved',
              occurredAt: minutesAgo(5),
              note: `handled ${i}`,
            },
          ]
        : []),
      ...(i % 4 === 1
        ? [{ id: randomUUID(), type: 'finding_status', findingId, status: 'acknowledged', occurredAt: minutesAgo(4) }]
        : []),
    ]);
    await Promise.all([
      postEvents(t.app, coordinator, triage.slice(0, 10)),
      postEvents(t.app, coordinator, triage.slice(10)),
    ]);

    const server = (await getJson(t.app, coordinator, '/api/findings')).body as {
      findings: TriageFinding[];
      head: number;
    };
    await waitFor(() => dashboard!.sequencer.lastSeq >= server.head, 10_000, 'the dashboard to apply every event');
    applyFeedEvents(rows, dashboard.applied, place);

    const strip = (f: TriageFinding) => ({ ...f, changedSeq: undefined });
    expect(newestFirst(rows.values()).map(strip)).toEqual(
      server.findings.map((f) => ({ ...f, changedSeq: undefined })),
    );
    expect(server.findings).toHaveLength(25);
    expect(server.findings.filter((f) => f.status === 'resolved')).toHaveLength(4);
    expect(findPatterns(rows.values())).toEqual(findPatterns(server.findings));
  });
});
