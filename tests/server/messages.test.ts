/**
 * Messages between coordinators and teams through the real app on PGlite and Postgres: who may send what, to whom a
 * message goes (teams, a district, all), read receipts, a team's answers, and the notices a team's inbox gets when a
 * coordinator acts on its help request or its findings.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, FIXTURE_PASSWORD, type Driver, type TestApp } from '../helpers/app';
import { postgresAvailable } from '../helpers/services';
import { finding, getJson, join, login, minutesAgo, postEvents } from '../helpers/events';
import type { InboxItem, MessagesReply } from '../../shared/schemas/messages';

const drivers: Driver[] = postgresAvailable ? ['pglite', 'postgres'] : ['pglite'];

const messageSent = (to: unknown, text: string, stationId?: string) => ({
  id: randomUUID(),
  type: 'message_sent',
  occurredAt: new Date().toISOString(),
  to,
  text,
  ...(stationId ? { stationId } : {}),
});
const messageRead = (teamId: string, messageId: string) => ({
  id: randomUUID(),
  type: 'message_read',
  occurredAt: new Date().toISOString(),
  teamId,
  messageId,
});

describe.each(drivers)('messages on %s', (driver) => {
  let t: TestApp;
  let coordinator: string;
  let t01: { token: string; teamId: string };
  let t02: { token: string; teamId: string };
  let station: Record<string, string>;
  let otherTeamId: string;

  const results = async (token: string, events: unknown[]) =>
    (await postEvents(t.app, token, events)).json().results as {
      status: string;
      seq?: number;
      field?: string;
      error?: string;
    }[];
  const inbox = async (token: string) => (await getJson(t.app, token, '/api/messages')).body as MessagesReply;

  beforeAll(async () => {
    t = await buildTestApp(driver);
    coordinator = await login(t.app, t.own.coordinator.username, FIXTURE_PASSWORD);
    t01 = await join(t.app, t.own.joinCodes[0]!.code);
    t02 = await join(t.app, t.own.joinCodes[1]!.code);
    const stations = (await getJson(t.app, coordinator, '/api/stations')).body.stations as {
      id: string;
      number: string;
    }[];
    station = Object.fromEntries(stations.map((s) => [s.number, s.id]));
    otherTeamId = (await join(t.app, t.other.joinCodes[0]!.code)).teamId;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('sends to named teams, a district (by plan) and all teams; refuses unknown teams, empty districts and teams as senders', async () => {
    const one = messageSent({ teamIds: [t01.teamId] }, 'Go to 1002 now', station['1002']);
    // T01's plan has 1001 and 1002 (Leninsky), T02's has 1003 (Sverdlovsky).
    const district = messageSent({ district: 'Sverdlovsky' }, 'Count starts late in Sverdlovsky');
    const all = messageSent({ all: true }, 'All teams: the count starts at 20:30');
    expect((await results(coordinator, [one, district, all])).map((r) => r.status)).toEqual([
      'stored',
      'stored',
      'stored',
    ]);

    const refused = await results(coordinator, [
      messageSent({ teamIds: [otherTeamId] }, 'not yours'),
      messageSent({ district: 'Nowhere' }, 'nobody'),
      messageSent({ teamIds: [t01.teamId] }, 'bad station', randomUUID()),
    ]);
    expect(refused.map((r) => [r.status, r.field])).toEqual([
      ['rejected', '/to/teamIds/0'],
      ['rejected', '/to/district'],
      ['rejected', '/stationId'],
    ]);
    expect((await results(t01.token, [messageSent({ all: true }, 'a team cannot broadcast')]))[0]).toMatchObject({
      status: 'rejected',
      field: '/type',
    });
    // The shape is checked too: a message names exactly one kind of recipient.
    expect((await results(coordinator, [messageSent({ all: true, district: 'Leninsky' }, 'both')]))[0]!.status).toBe(
      'rejected',
    );

    const mine = await inbox(t01.token);
    expect(mine.messages).toEqual([]);
    expect(mine.items.map((i) => [i.kind, i.text, i.stationId, i.readAt])).toEqual([
      ['message', 'Go to 1002 now', station['1002'], null],
      ['message', 'All teams: the count starts at 20:30', null, null],
    ]);
    expect(mine.items[0]).toMatchObject({ id: one.id, teamId: t01.teamId, from: t.own.coordinator.username });
    // The named station rides along, whole: phones keep only their plan's stations.
    expect(mine.items[0]!.station).toMatchObject({ id: station['1002'], number: '1002', status: { visitCount: 0 } });
    expect(mine.items[1]!.station).toBeNull();
    const theirs = await inbox(t02.token);
    expect(theirs.items.map((i) => i.id)).toEqual([district.id, all.id]);

    const desk = await inbox(coordinator);
    expect(desk.messages.map((m) => [m.id, m.receipts.map((r) => r.callSign)])).toEqual([
      [all.id, ['T01', 'T02']],
      [district.id, ['T02']],
      [one.id, ['T01']],
    ]);
    // A display may not read messages at all.
    expect((await getJson(t.app, t.own.displayToken, '/api/messages')).status).toBe(403);
  });

  it('records reads from the team (first read wins) and shows the receipts to coordinators', async () => {
    const msg = messageSent({ all: true }, 'Receipts please');
    await results(coordinator, [msg]);
    expect((await results(t01.token, [messageRead(t01.teamId, msg.id)]))[0]!.status).toBe('stored');
    const firstRead = (await inbox(t01.token)).items.find((i) => i.id === msg.id)!.readAt;
    expect(firstRead).not.toBeNull();
    // The team's second phone reads it too: stored, nothing changes.
    expect((await results(t01.token, [messageRead(t01.teamId, msg.id)]))[0]!.status).toBe('stored');
    expect((await inbox(t01.token)).items.find((i) => i.id === msg.id)!.readAt).toBe(firstRead);

    const receipts = (await inbox(coordinator)).messages.find((m) => m.id === msg.id)!.receipts;
    expect(receipts.map((r) => [r.callSign, r.readAt !== null])).toEqual([
      ['T01', true],
      ['T02', false],
    ]);

    const bad = await results(t02.token, [messageRead(t02.teamId, randomUUID()), messageRead(t01.teamId, msg.id)]);
    expect(bad.map((r) => [r.status, r.field])).toEqual([
      ['rejected', '/messageId'],
      ['rejected', '/teamId'],
    ]);
    expect((await results(coordinator, [messageRead(t01.teamId, msg.id)]))[0]).toMatchObject({
      status: 'rejected',
      field: '/type',
    });
  });

  it('tells the team when its help request is acknowledged or closed and when its findings are triaged; the team answers', async () => {
    await results(t02.token, [
      { id: randomUUID(), type: 'help_request', teamId: t02.teamId, occurredAt: minutesAgo(3) },
    ]);
    const ack = {
      id: randomUUID(),
      type: 'team_alert_acknowledged',
      teamId: t02.teamId,
      alert: 'help',
      occurredAt: minutesAgo(2),
      note: 'Calling you now',
    };
    const report = finding(t02.teamId, station['1003']!, 'serious', 10);
    await results(t02.token, [report]);
    const triage = {
      id: randomUUID(),
      type: 'finding_status',
      findingId: report.id,
      status: 'escalated',
      occurredAt: minutesAgo(1),
      note: 'Sent to the CEC',
    };
    const closed = {
      id: randomUUID(),
      type: 'help_resolved',
      teamId: t02.teamId,
      occurredAt: new Date().toISOString(),
      note: 'Police on site',
    };
    expect((await results(coordinator, [ack, triage, closed])).map((r) => r.status)).toEqual([
      'stored',
      'stored',
      'stored',
    ]);

    const items = (await inbox(t02.token)).items.filter((i) => i.kind !== 'message');
    expect(items.map((i) => [i.kind, i.text, i.from])).toEqual([
      ['help_acknowledged', 'Calling you now', t.own.coordinator.username],
      ['finding_status', 'Sent to the CEC', t.own.coordinator.username],
      ['help_resolved', 'Police on site', t.own.coordinator.username],
    ]);
    expect(items[1]).toMatchObject({ findingId: report.id, status: 'escalated', stationId: station['1003'] });
    // T01 heard nothing of it.
    expect((await inbox(t01.token)).items.every((i) => i.kind === 'message')).toBe(true);

    // The team reads the acknowledgement and answers it.
    const answer = {
      id: randomUUID(),
      type: 'team_message',
      teamId: t02.teamId,
      occurredAt: new Date().toISOString(),
      text: 'Thanks, we are safe',
      replyTo: ack.id,
    };
    expect((await results(t02.token, [messageRead(t02.teamId, ack.id), answer])).map((r) => r.status)).toEqual([
      'stored',
      'stored',
    ]);
    const after = (await inbox(t02.token)).items;
    expect(after.find((i) => i.id === ack.id)!.readAt).not.toBeNull();
    expect(after.at(-1)).toMatchObject({
      id: answer.id,
      kind: 'reply',
      from: 'T02',
      text: 'Thanks, we are safe',
      replyTo: ack.id,
    });
    const desk = await inbox(coordinator);
    expect(desk.items.map((i: InboxItem) => [i.teamId, i.text])).toEqual([[t02.teamId, 'Thanks, we are safe']]);
    const wrongReply = { ...answer, id: randomUUID(), replyTo: randomUUID() };
    expect((await results(t02.token, [wrongReply]))[0]).toMatchObject({ status: 'rejected', field: '/replyTo' });
  });
});

describe.each(drivers)('incidents away from a station on %s', (driver) => {
  let t: TestApp;
  let coordinator: string;
  let t01: { token: string; teamId: string };

  beforeAll(async () => {
    t = await buildTestApp(driver);
    coordinator = await login(t.app, t.own.coordinator.username, FIXTURE_PASSWORD);
    t01 = await join(t.app, t.own.joinCodes[0]!.code);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('stores a finding with a position and no station, triages it, tells the team, and lists and exports it', async () => {
    const { stationId: _none, ...base } = finding(t01.teamId, randomUUID(), 'serious', 5);
    const away = { ...base, text: 'Voters bussed in near the bazaar', position: { lat: 42.8712, lng: 74.6011 } };
    const nowhere = { ...base, id: randomUUID() };
    const results = (await postEvents(t.app, t01.token, [away, nowhere])).json().results as {
      status: string;
      field?: string;
    }[];
    expect(results.map((r) => [r.status, r.field])).toEqual([
      ['stored', undefined],
      ['rejected', '/stationId'],
    ]);

    const triage = {
      id: randomUUID(),
      type: 'finding_status',
      findingId: away.id,
      status: 'acknowledged',
      occurredAt: minutesAgo(1),
      note: 'Police informed',
    };
    expect((await postEvents(t.app, coordinator, [triage])).json().results[0].status).toBe('stored');

    const listed = (await getJson(t.app, coordinator, '/api/findings')).body.findings as Record<string, unknown>[];
    expect(listed).toEqual([
      expect.objectContaining({
        id: away.id,
        stationId: null,
        stationNumber: null,
        district: null,
        position: { lat: 42.8712, lng: 74.6011 },
        status: 'acknowledged',
        acknowledgedBy: t.own.coordinator.username,
      }),
    ]);
    // The wall gets category and severity, no place beyond "no station".
    const wall = (await getJson(t.app, t.own.displayToken, '/api/findings/recent')).body.findings as Record<
      string,
      unknown
    >[];
    expect(wall[0]).toMatchObject({
      id: away.id,
      category: 'ballot_stuffing',
      severity: 'serious',
      stationId: null,
      stationNumber: null,
    });
    expect(JSON.stringify(wall)).not.toContain('42.8712');
    expect(JSON.stringify(wall)).not.toContain('bazaar');

    const items = (await getJson(t.app, t01.token, '/api/messages')).body.items as {
      kind: string;
      findingId: string;
      stationId: string | null;
      text: string;
    }[];
    expect(items).toEqual([
      expect.objectContaining({ kind: 'finding_status', findingId: away.id, stationId: null, text: 'Police informed' }),
    ]);

    const csv = await t.app.inject({
      method: 'GET',
      url: '/api/exports/findings.csv',
      headers: { authorization: `Bearer ${coordinator}` },
    });
    const [header, row] = csv.body
      .trim()
      .split('\n')
      .filter((line) => !line.startsWith('#'));
    // Read by column name: columns are added at the end (who and when of triage came after lat/lng).
    const columns = header!.split(',');
    expect(row).toContain('Voters bussed in near the bazaar');
    const cells = row!.split(',');
    expect([cells[columns.indexOf('lat')], cells[columns.indexOf('lng')]]).toEqual(['42.8712', '74.6011']);
    const geo = await t.app.inject({
      method: 'GET',
      url: '/api/exports/findings.geojson',
      headers: { authorization: `Bearer ${coordinator}` },
    });
    const feature = geo.json().features[0];
    expect(feature.geometry.coordinates).toEqual([74.6011, 42.8712]);
    expect(feature.properties).toMatchObject({ id: away.id, station: '', atStation: false });
  });
});
