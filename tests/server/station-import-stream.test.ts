/**
 * Station files stream into POST /api/stations/import: a body sent in pieces without a declared length gives the same
 * counts as the dry run, a refusal found in the last row writes nothing, and a body found to be past the limit while it
 * streams in is refused with 413 (light-my-request cannot inject a body the server stops reading, so that one goes
 * through the service with the route's body reader).
 */
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp, FIXTURE_PASSWORD, type Driver, type TestApp } from '../helpers/app';
import { postgresAvailable } from '../helpers/services';
import { getJson, login } from '../helpers/events';
import { bodyChunks } from '../../server/routes/body-chunks';
import type { ImportPreviewReply, ImportProblem, ImportReply, Station } from '../../shared/schemas/stations';

const drivers: Driver[] = postgresAvailable ? ['pglite', 'postgres'] : ['pglite'];
const ROWS = 5000;

function stationList(rows: number, lastRow?: string): string {
  const lines = ['number,district,name,address,lat,lng'];
  for (let i = 1; i <= rows; i++)
    lines.push(
      `${i},District ${i % 7},Școala ${i},"Strada ${i}, bloc ${i % 5}",${i % 3 ? ',' : `42.8${i % 10},74.6${i % 10}`}`,
    );
  if (lastRow !== undefined) lines.push(lastRow);
  return lines.join('\n') + '\n';
}

/** The body in pieces of 1,000 bytes (splitting lines and characters), with no content-length: a chunked upload. */
function inPieces(text: string): Readable {
  const bytes = Buffer.from(text, 'utf8');
  return Readable.from(
    (function* () {
      for (let i = 0; i < bytes.length; i += 1000) yield bytes.subarray(i, i + 1000);
    })(),
  );
}

describe.each(drivers)('streamed station imports on %s', (driver) => {
  let t: TestApp;
  let coordinator: string;
  beforeEach(async () => {
    t = await buildTestApp(driver);
    coordinator = await login(t.app, t.own.coordinator.username, FIXTURE_PASSWORD);
  });
  afterEach(async () => t?.close());

  const importBody = (payload: string | Readable, query = '') =>
    t.app.inject({
      method: 'POST',
      url: `/api/stations/import${query}`,
      headers: { authorization: `Bearer ${coordinator}`, 'content-type': 'text/csv' },
      payload,
    });
  const stationCount = async () =>
    ((await getJson(t.app, coordinator, '/api/stations')).body.stations as Station[]).length;

  it("gives the dry run's counts for a body sent in pieces without a length, and nothing changes the second time", async () => {
    const before = await stationCount();
    const text = stationList(ROWS);
    const dry = (await importBody(inPieces(text), '?dryRun=true')).json() as ImportPreviewReply;
    expect(dry.counts).toMatchObject({ created: ROWS, updated: 0, unchanged: 0 });
    const imported = await importBody(inPieces(text));
    expect(imported.statusCode).toBe(200);
    const counts = imported.json() as ImportReply;
    expect({
      created: counts.created,
      updated: counts.updated,
      unchanged: counts.unchanged,
      unplaced: counts.unplaced,
    }).toEqual(dry.counts);
    expect(await stationCount()).toBe(before + ROWS);
    const station = (
      (await getJson(t.app, coordinator, '/api/stations/search?q=Școala%204999&limit=1')).body.stations as Station[]
    )[0];
    expect(station).toMatchObject({ name: 'Școala 4999', address: 'Strada 4999, bloc 4', district: 'District 1' });
    expect((await importBody(inPieces(text))).json()).toMatchObject({ created: 0, updated: 0, unchanged: ROWS });
  }, 120_000);

  it('writes nothing when the only problem is in the last row', async () => {
    const before = await stationCount();
    const refused = await importBody(inPieces(stationList(ROWS, `${ROWS + 1},District 1,Last,Somewhere,north,74.6`)));
    expect(refused.statusCode).toBe(400);
    const body = refused.json() as { problems: ImportProblem[] };
    expect(body.problems.filter((p) => p.severity === 'error')).toEqual([
      expect.objectContaining({ row: ROWS + 1, field: 'lat' }),
    ]);
    expect(await stationCount()).toBe(before);
  }, 120_000);

  it('refuses a body past the size limit with 413 as it streams in, and writes nothing', async () => {
    const before = await stationCount();
    const text = stationList(ROWS);
    const limit = Buffer.byteLength(text) - 10;
    const refused = t.app.services.stations.importFile(t.own.missionId, bodyChunks(inPieces(text), limit), {
      format: 'csv',
    });
    await expect(refused).rejects.toMatchObject({ statusCode: 413, code: 'BODY_TOO_LARGE' });
    expect(await stationCount()).toBe(before);
    const whole = await t.app.services.stations.importFile(t.own.missionId, bodyChunks(inPieces(text), limit + 10), {
      format: 'csv',
    });
    expect(whole.created).toBe(ROWS);
  }, 120_000);
});
