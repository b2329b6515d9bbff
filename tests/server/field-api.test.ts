/**
 * What the field app needs from the API, on PGlite and on a real Postgres: the mission's forms and finding categories,
 * and finding photos stored in the database under ids the phone makes (idempotent, limited in size and type, readable
 * only by the mission's coordinators).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, FIXTURE_PASSWORD, type Driver, type TestApp } from '../helpers/app';
import { postgresAvailable } from '../helpers/services';
import { getJson, join, login } from '../helpers/events';
import { MAX_PHOTO_BYTES } from '../../shared/constants';
import { DEFAULT_FIELD_KIT } from '../../server/modules/forms/default-kit';
import type { FieldKit } from '../../shared/schemas/forms';
import type { EventInput } from '../../shared/schemas/events';
import { checkFieldRules, loadFieldRules } from '../../server/modules/forms/field-rules';
import { checklist, finding } from '../helpers/events';
import { jpegOfSize, TINY_JPEG, TINY_PNG, TINY_WEBP } from '../helpers/images';

const drivers: Driver[] = postgresAvailable ? ['pglite', 'postgres'] : ['pglite'];

const jpegBytes = jpegOfSize;

describe.each(drivers)('field API on %s', (driver) => {
  let t: TestApp;
  let coordinator: string;
  let otherCoordinator: string;
  let team: { token: string; teamId: string };

  beforeAll(async () => {
    t = await buildTestApp(driver);
    coordinator = await login(t.app, t.own.coordinator.username, FIXTURE_PASSWORD);
    otherCoordinator = await login(t.app, t.other.coordinator.username, FIXTURE_PASSWORD);
    team = await join(t.app, t.own.joinCodes[0]!.code);
  });
  afterAll(async () => t?.close());

  function putPhoto(token: string, id: string, body: Buffer, contentType = 'image/jpeg') {
    return t.app.inject({
      method: 'PUT',
      url: `/api/photos/${id}`,
      headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
      payload: body,
    });
  }

  describe('forms', () => {
    it('gives every role of a mission without its own kit the default forms and categories', async () => {
      for (const token of [coordinator, team.token, t.own.displayToken]) {
        const { status, body } = await getJson(t.app, token, '/api/forms');
        expect(status).toBe(200);
        expect(body.isDefault).toBe(true);
        expect(body.forms.map((f: { id: string; phase: string }) => `${f.id}:${f.phase}`)).toEqual([
          'opening-v1:opening',
          'voting-v1:voting',
          'closing-v1:closing',
        ]);
        expect(body.findingCategories.map((c: { id: string }) => c.id)).toContain('count_discrepancy');
      }
    });

    it('lets a coordinator give the mission its own kit, which only that mission sees', async () => {
      const own: FieldKit = {
        ...DEFAULT_FIELD_KIT,
        forms: [
          ...DEFAULT_FIELD_KIT.forms,
          {
            id: 'voting-v2',
            phase: 'voting',
            title: { en: 'Voting (short)' },
            questions: [{ id: 'calm', type: 'yes_no', label: { en: 'Calm?' }, required: true }],
            checks: [],
          },
        ],
      };
      const res = await t.app.inject({
        method: 'PUT',
        url: '/api/forms',
        headers: { authorization: `Bearer ${coordinator}` },
        payload: own,
      });
      expect(res.statusCode).toBe(200);
      expect((await getJson(t.app, team.token, '/api/forms')).body).toMatchObject({
        isDefault: false,
        forms: [{}, {}, {}, { id: 'voting-v2' }],
      });
      expect((await getJson(t.app, otherCoordinator, '/api/forms')).body.isDefault).toBe(true);
    });

    it('refuses a kit that drops or changes a form phones may still hold, and an inconsistent one, naming the field', async () => {
      const dropped = { ...DEFAULT_FIELD_KIT, forms: DEFAULT_FIELD_KIT.forms.slice(1) };
      const res = await t.app.inject({
        method: 'PUT',
        url: '/api/forms',
        headers: { authorization: `Bearer ${coordinator}` },
        payload: dropped,
      });
      expect(res.statusCode).toBe(409);
      expect(res.json().message).toContain('opening-v1');

      const broken = structuredClone(DEFAULT_FIELD_KIT);
      broken.forms[2]!.checks[0]!.left = ['no_such_figure'];
      const bad = await t.app.inject({
        method: 'PUT',
        url: '/api/forms',
        headers: { authorization: `Bearer ${coordinator}` },
        payload: broken,
      });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().details[0]).toMatchObject({ field: '/forms/2/checks/0' });

      const asTeam = await t.app.inject({
        method: 'PUT',
        url: '/api/forms',
        headers: { authorization: `Bearer ${team.token}` },
        payload: DEFAULT_FIELD_KIT,
      });
      expect(asTeam.statusCode).toBe(403);
    });
  });

  describe('field rules for ingest', () => {
    it("judge checklists and findings against the mission's kit and its stored photos, naming the field", async () => {
      const photoId = randomUUID();
      await putPhoto(team.token, photoId, jpegBytes(1000));
      const good = checklist(team.teamId, randomUUID()) as EventInput;
      const withPhoto = { ...finding(team.teamId, randomUUID()), photoId } as EventInput;
      const missingPhoto = { ...finding(team.teamId, randomUUID()), photoId: randomUUID() } as EventInput;
      const oddPhoto = { ...finding(team.teamId, randomUUID()), photoId: 'p-1.jpg' } as EventInput;
      const badCategory = { ...finding(team.teamId, randomUUID()), category: 'aliens' } as EventInput;
      const events = [good, withPhoto, missingPhoto, oddPhoto, badCategory];
      // The other mission has the default kit; the own one has voting-v2 added above, and the defaults still.
      const rules = await loadFieldRules(t.database.db, t.own.missionId, events);
      expect(events.map((e) => checkFieldRules(e, rules))).toEqual([
        { ok: true },
        { ok: true },
        { ok: false, field: '/photoId', error: expect.stringContaining('no such photo') },
        { ok: false, field: '/photoId', error: expect.stringContaining('no such photo') },
        { ok: false, field: '/category', error: 'no finding category "aliens" in this mission' },
      ]);
      const short = { ...good, form: 'voting-v2', answers: { calm: true } } as EventInput;
      expect(checkFieldRules(short, rules)).toEqual({ ok: true });
      const elsewhere = await loadFieldRules(t.database.db, t.other.missionId, [short, withPhoto]);
      expect(checkFieldRules(short, elsewhere)).toMatchObject({ ok: false, field: '/form' });
      expect(checkFieldRules(withPhoto, elsewhere)).toMatchObject({ ok: false, field: '/photoId' });
    });
  });

  describe('photos', () => {
    it("stores a photo once under the phone's id: a retry answers duplicate; coordinators read the same bytes back", async () => {
      const id = randomUUID();
      const bytes = jpegBytes(50_000, 7);
      const first = await putPhoto(team.token, id, bytes);
      expect(first.statusCode).toBe(201);
      expect(first.json()).toEqual({ photoId: id, status: 'stored', contentType: 'image/jpeg', byteSize: 50_000 });
      const retry = await putPhoto(team.token, id, bytes);
      expect(retry.statusCode).toBe(200);
      expect(retry.json().status).toBe('duplicate');

      const read = await t.app.inject({
        method: 'GET',
        url: `/api/photos/${id}`,
        headers: { authorization: `Bearer ${coordinator}` },
      });
      expect(read.statusCode).toBe(200);
      expect(read.headers['content-type']).toBe('image/jpeg');
      expect(read.headers['cache-control']).toContain('private');
      expect(Buffer.compare(read.rawPayload, bytes)).toBe(0);
    });

    it("keeps photos to the mission's coordinators", async () => {
      const id = randomUUID();
      const ours = jpegBytes(1000);
      await putPhoto(team.token, id, ours);
      expect(
        (
          await t.app.inject({
            method: 'GET',
            url: `/api/photos/${id}`,
            headers: { authorization: `Bearer ${otherCoordinator}` },
          })
        ).statusCode,
      ).toBe(404);
      expect(
        (
          await t.app.inject({
            method: 'GET',
            url: `/api/photos/${id}`,
            headers: { authorization: `Bearer ${t.own.displayToken}` },
          })
        ).statusCode,
      ).toBe(403);
      expect(
        (
          await t.app.inject({
            method: 'GET',
            url: `/api/photos/${id}`,
            headers: { authorization: `Bearer ${team.token}` },
          })
        ).statusCode,
      ).toBe(403);
      // Photo ids are each mission's own: the other mission's photo under the same id is its own, learns nothing about
      // ours (a new photo is stored, as under any unused id), and leaves ours as it was.
      const theirs = jpegBytes(1000, 3);
      const put = await putPhoto(otherCoordinator, id, theirs);
      expect(put.statusCode).toBe(201);
      expect(put.json().status).toBe('stored');
      const photoOf = async (token: string) =>
        (await t.app.inject({ method: 'GET', url: `/api/photos/${id}`, headers: { authorization: `Bearer ${token}` } }))
          .rawPayload;
      expect(Buffer.compare(await photoOf(coordinator), ours)).toBe(0);
      expect(Buffer.compare(await photoOf(otherCoordinator), theirs)).toBe(0);
    });

    it('refuses other bytes under a taken id, wrong types, bytes that are not what they claim, and photos over the limit', async () => {
      const id = randomUUID();
      await putPhoto(team.token, id, jpegBytes(1000, 1));
      expect((await putPhoto(team.token, id, jpegBytes(1000, 2))).statusCode).toBe(409);
      expect((await putPhoto(team.token, randomUUID(), Buffer.from('GIF89a....'), 'image/gif')).statusCode).toBe(415);
      const fake = await putPhoto(
        team.token,
        randomUUID(),
        Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'),
        'image/png',
      );
      expect(fake.statusCode).toBe(415);
      expect(fake.json().code).toBe('PHOTO_TYPE_MISMATCH');
      const big = await putPhoto(team.token, randomUUID(), jpegBytes(MAX_PHOTO_BYTES + 1));
      expect(big.statusCode).toBe(413);
      expect((await putPhoto(team.token, 'not-a-uuid', jpegBytes(1000))).statusCode).toBe(400);
      expect((await putPhoto(t.own.displayToken, randomUUID(), jpegBytes(1000))).statusCode).toBe(403);
    });

    it('finding 7: stores only bytes that read as the declared image, naming what is wrong with the rest', async () => {
      for (const [bytes, type] of [
        [TINY_JPEG, 'image/jpeg'],
        [TINY_PNG, 'image/png'],
        [TINY_WEBP, 'image/webp'],
      ] as const) {
        const res = await putPhoto(team.token, randomUUID(), bytes, type);
        expect(res.statusCode, `${type}: ${res.body}`).toBe(201);
      }
      // The review's three bytes: a JPEG's magic number and nothing else.
      const stubId = randomUUID();
      const stub = await putPhoto(team.token, stubId, Buffer.from([0xff, 0xd8, 0xff]));
      expect(stub.statusCode).toBe(400);
      expect(stub.json()).toMatchObject({
        code: 'PHOTO_UNREADABLE',
        message: expect.stringContaining('cut off or damaged'),
      });
      // A real JPEG cut before its frame header, and one whose header claims a picture of 40,000 pixels a side.
      expect((await putPhoto(team.token, randomUUID(), TINY_JPEG.subarray(0, 300))).json().code).toBe(
        'PHOTO_UNREADABLE',
      );
      const huge = Buffer.from(TINY_PNG);
      huge.writeUInt32BE(40_000, 16);
      huge.writeUInt32BE(40_000, 20);
      const bomb = await putPhoto(team.token, randomUUID(), huge, 'image/png');
      expect(bomb.statusCode).toBe(400);
      expect(bomb.json()).toMatchObject({ code: 'PHOTO_TOO_LARGE', message: expect.stringContaining('40000×40000') });
      // One real type declared as another is named.
      const png = await putPhoto(team.token, randomUUID(), TINY_PNG, 'image/jpeg');
      expect(png.statusCode).toBe(415);
      expect(png.json().message).toContain('image/png');
      const stored = await t.app.inject({
        method: 'GET',
        url: `/api/photos/${stubId}`,
        headers: { authorization: `Bearer ${coordinator}` },
      });
      expect(stored.statusCode).toBe(404);
    });
  });
});
