import { describe, expect, it } from 'vitest';
import type { ImportProblem, StationImportRow } from '../../shared/schemas/stations';
import {
  CSV_COLUMN_OF,
  MAX_IMPORT_PROBLEMS,
  MAX_IMPORT_ROWS,
  parseStationImport,
  readStationImport,
} from '../../server/modules/stations/station-import';
import { ProblemList } from '../../server/modules/stations/station-import-row';
import { buildDemoMission } from '../../db/seed/demo-mission';

const HEADER = 'number,name,address,district,electoral_district,lat,lng,registered_voters';

const SCHOOL_61: StationImportRow = {
  number: '1001',
  code: null,
  region: null,
  name: 'School No. 61',
  address: 'Chui Ave 154',
  district: 'Pervomaisky',
  electoralDistrict: '23',
  lat: 42.8761,
  lng: 74.6012,
  registeredVoters: 2400,
};
const KINDERGARTEN_104: StationImportRow = {
  number: '1002',
  code: null,
  region: null,
  name: 'Kindergarten No. 104',
  address: 'Manas Ave 12',
  district: 'Leninsky',
  electoralDistrict: null,
  lat: 42.85,
  lng: 74.57,
  registeredVoters: null,
};

function rowsOf(text: string, format: 'csv' | 'geojson'): StationImportRow[] {
  const result = parseStationImport(text, format);
  if (!result.ok) throw new Error(`expected rows, got problems: ${JSON.stringify(result.problems.all())}`);
  return result.rows;
}

/** The errors (what blocks an import), without their severity and kind. */
function problemsOf(text: string, format: 'csv' | 'geojson'): ImportProblem[] {
  const result = parseStationImport(text, format);
  if (result.ok) throw new Error(`expected problems, got ${result.rows.length} rows`);
  return result.problems
    .all()
    .filter((p) => p.severity === 'error')
    .map(({ row, field, problem }) => ({ row, field, problem }));
}

function csv(...lines: string[]): string {
  return lines.join('\n') + '\n';
}

/** A CSV cell as a careful writer produces it: quoted when it holds a separator, quote or line break. */
function csvCell(value: string | number | null): string {
  const text = value === null ? '' : String(value);
  return /[",;\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function toCsv(rows: readonly StationImportRow[]): string {
  const fields = Object.keys(CSV_COLUMN_OF) as (keyof StationImportRow)[];
  return csv(
    fields.map((f) => CSV_COLUMN_OF[f]).join(','),
    ...rows.map((row) => fields.map((f) => csvCell(row[f])).join(',')),
  );
}

function featureCollection(features: unknown[]): string {
  return JSON.stringify({ type: 'FeatureCollection', features });
}

function pointFeature(row: StationImportRow): unknown {
  const { lat, lng, ...properties } = row;
  return { type: 'Feature', geometry: { type: 'Point', coordinates: [lng, lat] }, properties };
}

describe('CSV station import', () => {
  it('reads a comma-separated file with every column', () => {
    const text = csv(
      HEADER,
      '1001,School No. 61,Chui Ave 154,Pervomaisky,23,42.8761,74.6012,2400',
      '1002,Kindergarten No. 104,Manas Ave 12,Leninsky,,42.85,74.57,',
    );
    expect(rowsOf(text, 'csv')).toEqual([SCHOOL_61, KINDERGARTEN_104]);
  });

  it('reads a semicolon-separated file with Windows line endings', () => {
    const text = [
      HEADER.replaceAll(',', ';'),
      '1001;School No. 61;Chui Ave 154;Pervomaisky;23;42.8761;74.6012;2400',
      '1002;Kindergarten No. 104;Manas Ave 12;Leninsky;;42.85;74.57;',
    ].join('\r\n');
    expect(rowsOf(text, 'csv')).toEqual([SCHOOL_61, KINDERGARTEN_104]);
  });

  it('accepts column aliases in any case and order, and ignores extra columns', () => {
    const text = csv(
      'Station_Number,Name,Address,District,Okrug,Latitude,LON,Voters,Notes',
      '1001,School No. 61,Chui Ave 154,Pervomaisky,23,42.8761,74.6012,2400,ramp at the side door',
    );
    expect(rowsOf(text, 'csv')).toEqual([SCHOOL_61]);
    const camel = csv(
      'station,name,address,district,electoralDistrict,lat,longitude,registeredVoters',
      '1001,School No. 61,Chui Ave 154,Pervomaisky,23,42.8761,74.6012,2400',
    );
    expect(rowsOf(camel, 'csv')).toEqual([SCHOOL_61]);
  });

  it('makes the optional columns optional', () => {
    const text = csv(
      'number,name,address,district,lat,lng',
      '1002,Kindergarten No. 104,Manas Ave 12,Leninsky,42.85,74.57',
    );
    expect(rowsOf(text, 'csv')).toEqual([KINDERGARTEN_104]);
  });

  it('tolerates a byte-order mark, blank lines and spaces around values', () => {
    const text = `\uFEFF${HEADER}\n\n 1001 , School No. 61 ,Chui Ave 154,Pervomaisky,23, 42.8761 ,74.6012,2400\n\n,,,,,,,\n`;
    expect(rowsOf(text, 'csv')).toEqual([SCHOOL_61]);
  });

  it('keeps commas, semicolons and quotes inside quoted fields', () => {
    const text = csv(
      HEADER,
      '1001,"Cultural Centre ""Manas"", hall 2","Chui Ave 154, entrance B; 2nd floor",Pervomaisky,23,42.8761,74.6012,2400',
    );
    expect(rowsOf(text, 'csv')).toEqual([
      { ...SCHOOL_61, name: 'Cultural Centre "Manas", hall 2', address: 'Chui Ave 154, entrance B; 2nd floor' },
    ]);
  });

  it('reports each missing required column once, on row 0, naming the columns found and expected', () => {
    const problems = problemsOf(csv('Nr,name,County,lng', '1001,School No. 61,Pervomaisky,74.6'), 'csv');
    expect(problems.map((p) => p.field)).toEqual(['number', 'district']);
    expect(problems[0]?.problem).toMatch(
      /^column is missing \(also accepted: station, stationnumber\)\. The file's columns are "Nr", "name", "County", "lng"; expected number and district/,
    );
  });

  it('reports two columns that mean the same field', () => {
    const problems = problemsOf(csv(`${HEADER},latitude`, '1001,a,b,c,23,42.8,74.6,1,42.8'), 'csv');
    expect(problems).toEqual([{ row: 0, field: 'latitude', problem: 'is the same field as column "lat"' }]);
  });

  it('reports numbers written with a decimal comma or not as numbers at all', () => {
    const text = csv(
      'number;name;address;district;lat;lng;registered_voters',
      '1001;School No. 61;Chui Ave 154;Pervomaisky;42,8761;74.6012;2 400',
      '1002;School No. 5;Chui Ave 1;Pervomaisky;north;74.6012;1.5',
    );
    expect(problemsOf(text, 'csv')).toEqual([
      { row: 1, field: 'lat', problem: 'must use a decimal point, not a comma (42.8761, not "42,8761")' },
      {
        row: 1,
        field: 'registered_voters',
        problem: 'must be written without thousands separators (2400, not "2 400")',
      },
      { row: 2, field: 'lat', problem: 'must be a number between -90 and 90 (found "north")' },
      { row: 2, field: 'registered_voters', problem: 'must be a whole number between 0 and 10000000 (found "1.5")' },
    ]);
  });

  it('reports values out of range and required cells left empty, naming the column as written', () => {
    const text = csv(
      'number,name,address,district,latitude,longitude,voters',
      '1001,School No. 61,Chui Ave 154,Pervomaisky,95,74.6,-3',
      '1002,,Chui Ave 1,Pervomaisky,42.8,200,100',
      `1003,${'x'.repeat(301)},Chui Ave 2,Pervomaisky,42.8,74.6,100`,
    );
    expect(problemsOf(text, 'csv')).toEqual([
      { row: 1, field: 'latitude', problem: 'must be a number between -90 and 90' },
      { row: 1, field: 'voters', problem: 'must be a whole number between 0 and 10000000' },
      { row: 2, field: 'longitude', problem: 'must be a number between -180 and 180' },
      { row: 3, field: 'name', problem: 'must be at most 300 characters' },
    ]);
  });

  it('reports a repeated station number on the later row, naming the earlier one', () => {
    const text = csv(
      HEADER,
      '1001,School No. 61,Chui Ave 154,Pervomaisky,23,42.8761,74.6012,2400',
      '1002,School No. 5,Chui Ave 1,Pervomaisky,23,42.8761,74.6012,2400',
      '1001,School No. 6,Chui Ave 2,Pervomaisky,23,42.8761,74.6012,2400',
    );
    expect(problemsOf(text, 'csv')).toEqual([
      { row: 3, field: 'number', problem: 'duplicates row 1 (same number in the same district)' },
    ]);
  });

  it('reports a row with the wrong number of values', () => {
    const text = csv(
      HEADER,
      '1001,School No. 61, Chui Ave 154,Pervomaisky,23,42.8761,74.6012,2400',
      '1002,School No. 5',
    );
    expect(problemsOf(text, 'csv')).toEqual([
      { row: 2, field: '', problem: 'has 2 values but the header has 8 columns' },
    ]);
  });

  it('refuses an empty file and a header without rows', () => {
    expect(problemsOf('', 'csv')).toEqual([{ row: 0, field: '', problem: 'the file is empty' }]);
    expect(problemsOf('\uFEFF \n\n', 'csv')).toEqual([{ row: 0, field: '', problem: 'the file is empty' }]);
    expect(problemsOf(csv(HEADER), 'csv')).toEqual([
      { row: 0, field: '', problem: 'the file has a header but no station rows' },
    ]);
  });

  it('reports a file that is not readable as CSV', () => {
    const [problem, ...others] = problemsOf(csv(HEADER, '1001,"School No. 61,Chui Ave 154'), 'csv');
    expect(others).toEqual([]);
    expect(problem).toMatchObject({ row: 0, field: '' });
    expect(problem?.problem).toMatch(/^could not be read as CSV: .*quote/i);
  });

  it('lists every problem of a broken file, and the first few hundred in a reply', () => {
    const badRows = Array.from({ length: 600 }, (_, i) => `${2000 + i},School,Chui Ave 1,Leninsky,,north,74.6,`);
    const result = parseStationImport(csv(HEADER, ...badRows), 'csv');
    expect(result.problems.all()).toHaveLength(600);
    expect(result.problems.listed()).toHaveLength(MAX_IMPORT_PROBLEMS);
    expect(result.problems.kinds()).toEqual([
      { kind: 'lat: must be a number between -90 and 90', severity: 'error', count: 600, rows: [1, 2, 3, 4, 5] },
    ]);
  });

  it(`refuses a file of more than ${MAX_IMPORT_ROWS} rows`, () => {
    const text = 'number,name,address,district,lat,lng\n' + '1,a,b,c,1,1\n'.repeat(MAX_IMPORT_ROWS + 1);
    expect(problemsOf(text, 'csv')).toEqual([
      { row: 0, field: '', problem: `the file has more than ${MAX_IMPORT_ROWS} rows` },
    ]);
  });

  it('reads back, unchanged, the demo mission written as CSV', () => {
    const stations = buildDemoMission().stations.map(({ id: _id, ...row }) => row);
    expect(rowsOf(toCsv(stations), 'csv')).toEqual(stations);
  });
});

describe('GeoJSON station import', () => {
  it('reads Point features with camelCase or snake_case properties', () => {
    const snake = {
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [74.57, 42.85] },
      properties: {
        station_number: 1002,
        name: 'Kindergarten No. 104',
        address: 'Manas Ave 12',
        district: 'Leninsky',
        electoral_district: null,
        registered_voters: '',
        colour: 'red',
      },
    };
    expect(rowsOf(featureCollection([pointFeature(SCHOOL_61), snake]), 'geojson')).toEqual([
      SCHOOL_61,
      KINDERGARTEN_104,
    ]);
  });

  it('takes the position from the geometry, never from lat/lng properties', () => {
    const feature = { ...(pointFeature(SCHOOL_61) as object), properties: { ...SCHOOL_61, lat: 1, lng: 2 } };
    expect(rowsOf(featureCollection([feature]), 'geojson')).toEqual([SCHOOL_61]);
  });

  it('tolerates a byte-order mark', () => {
    expect(rowsOf(`\uFEFF${featureCollection([pointFeature(SCHOOL_61)])}`, 'geojson')).toEqual([SCHOOL_61]);
  });

  it("reports a file that is not JSON with the parser's message", () => {
    const [problem, ...others] = problemsOf('{"type": "FeatureCollection", "features": [', 'geojson');
    expect(others).toEqual([]);
    expect(problem).toMatchObject({ row: 0, field: '' });
    expect(problem?.problem).toMatch(/^is not valid JSON: ./);
  });

  it('refuses JSON that is not a FeatureCollection, an empty collection and an empty file', () => {
    expect(problemsOf('{"type":"Feature"}', 'geojson')).toEqual([
      { row: 0, field: 'type', problem: 'must be a GeoJSON FeatureCollection with a "features" array' },
    ]);
    expect(problemsOf(featureCollection([]), 'geojson')).toEqual([
      { row: 0, field: 'features', problem: 'has no station features' },
    ]);
    expect(problemsOf('  ', 'geojson')).toEqual([{ row: 0, field: '', problem: 'the file is empty' }]);
  });

  it('reports features that are not points, have no geometry or no properties', () => {
    const polygon = {
      type: 'Feature',
      geometry: {
        type: 'Polygon',
        coordinates: [
          [
            [74.5, 42.8],
            [74.6, 42.8],
            [74.6, 42.9],
            [74.5, 42.8],
          ],
        ],
      },
      properties: { ...SCHOOL_61, number: '1003' },
    };
    const noGeometry = { type: 'Feature', properties: { ...SCHOOL_61, number: '1004' } };
    const noProperties = { type: 'Feature', geometry: { type: 'Point', coordinates: [74.6, 42.8] } };
    const shortCoordinates = {
      ...noProperties,
      geometry: { type: 'Point', coordinates: [74.6] },
      properties: SCHOOL_61,
    };
    const text = featureCollection([
      pointFeature(KINDERGARTEN_104),
      polygon,
      noGeometry,
      noProperties,
      shortCoordinates,
      'x',
    ]);
    expect(problemsOf(text, 'geojson')).toEqual([
      { row: 2, field: 'geometry', problem: 'must be a Point, not Polygon' },
      {
        row: 3,
        field: 'geometry',
        problem: 'is required: a Point with coordinates [longitude, latitude], or null for an unplaced station',
      },
      { row: 4, field: 'properties', problem: 'is required: an object with the station fields' },
      { row: 5, field: 'coordinates', problem: 'must be [longitude, latitude]' },
      { row: 6, field: 'type', problem: 'must be "Feature"' },
    ]);
  });

  it('reports missing and invalid properties and coordinates by name', () => {
    const missingNumber = pointFeature({ ...SCHOOL_61, number: '' });
    const { district: _district, ...withoutDistrict } = SCHOOL_61;
    const missingDistrict = {
      ...(pointFeature(SCHOOL_61) as object),
      properties: { ...withoutDistrict, number: '1002' },
    };
    const outOfRange = pointFeature({ ...SCHOOL_61, number: '1003', lat: 91, lng: 'east' as unknown as number });
    const text = featureCollection([
      missingNumber,
      missingDistrict,
      outOfRange,
      pointFeature(SCHOOL_61),
      pointFeature(SCHOOL_61),
    ]);
    expect(problemsOf(text, 'geojson')).toEqual([
      { row: 1, field: 'number', problem: 'is required' },
      { row: 2, field: 'district', problem: 'is required' },
      { row: 3, field: 'coordinates[1]', problem: 'must be a number between -90 and 90' },
      { row: 3, field: 'coordinates[0]', problem: 'must be a number between -180 and 180 (found "east")' },
      { row: 5, field: 'number', problem: 'duplicates row 4 (same number in the same district)' },
    ]);
  });

  it('reads a feature with geometry null as an unplaced station, and says so', () => {
    const unplaced = { type: 'Feature', geometry: null, properties: { ...KINDERGARTEN_104 } };
    const result = parseStationImport(featureCollection([unplaced]), 'geojson');
    expect(result.ok).toBe(true);
    expect(result.rows).toEqual([{ ...KINDERGARTEN_104, lat: null, lng: null }]);
    expect(result.problems.kinds()).toEqual([
      { kind: 'no position → unplaced (not on the map)', severity: 'notice', count: 1, rows: [1] },
    ]);
  });

  it('reads back, unchanged, the demo mission written as GeoJSON', () => {
    const stations = buildDemoMission().stations.map(({ id: _id, ...row }) => row);
    expect(rowsOf(featureCollection(stations.map(pointFeature)), 'geojson')).toEqual(stations);
  });
});

/** The text as bytes in pieces of `size`: pieces split multi-byte characters, quoted fields and lines. */
async function* inPieces(text: string, size: number): AsyncIterable<Buffer> {
  const bytes = Buffer.from(text, 'utf8');
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

describe('the sample column', () => {
  const marked = (text: string, format: 'csv' | 'geojson', column?: string | null) => {
    const result = parseStationImport(text, format, {}, column);
    return { ok: result.ok, column: result.sampleMarks.column, lines: [...result.sampleMarks.lines] };
  };
  const base = 'number,district,name,address';
  const rows = (...marks: string[]) => marks.map((m, i) => `${1001 + i},Leninsky,School ${i},Street ${i},${m}`);

  it('marks the rows that say yes, y, 1, true or x, in any case, and none for no, n, 0, false or blank', () => {
    expect(
      marked(csv(`${base},Sample`, ...rows('yes', 'No', 'X', '', '1', '0', 'TRUE', 'false', 'y', 'n')), 'csv'),
    ).toEqual({ ok: true, column: 'Sample', lines: [1, 3, 5, 7, 9] });
    // Found under its other names, or named by the mapping; a file without it has no marks.
    expect(marked(csv(`${base},PVT`, ...rows('x', '')), 'csv').lines).toEqual([1]);
    expect(marked(csv(`${base},Quick count sample`, ...rows('', 'x')), 'csv').lines).toEqual([2]);
    expect(marked(csv(`${base},Vybor`, ...rows('x', '')), 'csv', 'vybor')).toMatchObject({
      column: 'Vybor',
      lines: [1],
    });
    expect(marked(csv(base, ...rows('', '').map((r) => r.slice(0, -1))), 'csv')).toEqual({
      ok: true,
      column: null,
      lines: [],
    });
    // Mapped to null, a sample column is ignored.
    expect(marked(csv(`${base},sample`, ...rows('maybe')), 'csv', null)).toEqual({ ok: true, column: null, lines: [] });
  });

  it('refuses a mark that is none, naming row and column; a column that marks nothing; a mapped column not there', () => {
    expect(problemsOfSample(csv(`${base},sample`, ...rows('x', 'maybe')), null)).toEqual([
      { row: 2, field: 'sample', problem: 'must be yes/no, 1/0, true/false, or x or blank (found "maybe")' },
    ]);
    expect(problemsOfSample(csv(`${base},sample`, ...rows('no', '')), null)).toEqual([
      {
        row: 0,
        field: 'sample',
        problem:
          'marks no station as sample: mark them with yes, 1, true or x, or leave the column out (map sample to null)',
      },
    ]);
    expect(problemsOfSample(csv(base, ...rows('', '').map((r) => r.slice(0, -1))), 'PVT')[0]).toMatchObject({
      row: 0,
      field: 'PVT',
    });
  });

  it('reads GeoJSON sample properties, true or "yes" alike', () => {
    const feature = (row: StationImportRow, sample: unknown) => {
      const f = pointFeature(row) as { properties: Record<string, unknown> };
      return { ...f, properties: { ...f.properties, sample } };
    };
    expect(marked(featureCollection([feature(SCHOOL_61, true), feature(KINDERGARTEN_104, 'no')]), 'geojson')).toEqual({
      ok: true,
      column: 'sample',
      lines: [1],
    });
  });
});

function problemsOfSample(text: string, column: string | null | undefined) {
  const result = parseStationImport(text, 'csv', {}, column ?? undefined);
  return result.problems
    .all()
    .filter((p) => p.severity === 'error')
    .map(({ row, field, problem }) => ({ row, field, problem }));
}

describe('a station file read as a stream', () => {
  const files: [string, string][] = [
    [
      'commas, quoted commas and newlines, diacritics',
      csv(
        HEADER,
        '1001,"Școala ""Nr. 61"", corp A",Chui Ave 154,Pervomaisky,23,42.8761,74.6012,2400',
        '1002,"Grădinița\nnr. 104",Manas Ave 12,Leninsky,,42.85,74.57,',
        '1003,Lyceum,"Ave 1, bloc 2",Leninsky,,,,',
      ),
    ],
    [
      'semicolons, a byte-order mark and Windows line endings',
      '\uFEFF' +
        ['number;name;address;district', '1;Școală;Strada 1;Ialoveni', '2;Liceu;Strada 2;Ialoveni'].join('\r\n'),
    ],
    ['a header on its own, without a line break', 'number,name,address,district'],
    [
      'problems: a bad number, a short row, a repeated number',
      csv(HEADER, '1001,a,b,Leninsky,,north,74.6,', '1002,a', '1001,c,d,Leninsky,,,,'),
    ],
    ['an unreadable file', 'number,name\n"unterminated,quote\n'],
    // Found by the fuzz test: csv-parse's INVALID_OPENING_QUOTE error has no CSV_ code prefix and went out as a 500.
    ['a quote opening inside a field', 'number,name\n["6b3c3b4e-1111-4222-8333-944444444444"]'],
    ['an empty file', '  \n'],
  ];

  it.each(files)('gives what reading it whole gives: %s', async (_name, text) => {
    const whole = parseStationImport(text, 'csv');
    for (const size of [1, 7, 64 * 1024]) {
      const streamed = await readStationImport(inPieces(text, size), 'csv', {}, 'all');
      expect({ ...streamed, problems: streamed.problems.all() }).toEqual({ ...whole, problems: whole.problems.all() });
    }
  });

  it('keeps only the problems a reply lists when asked, with the same list and counts as keeping them all', async () => {
    const rows = Array.from({ length: 3000 }, (_, i) =>
      i % 3 === 0 ? `${i},a,b,c,,,,` : i % 5 === 0 ? `${i},a,b,c,,north,74.6,` : `${i},a,b,c,,42.8,74.6,`,
    );
    const text = csv(HEADER, ...rows);
    const all = await readStationImport(inPieces(text, 4096), 'csv', {}, 'all');
    const listed = await readStationImport(inPieces(text, 4096), 'csv', {}, 'listed');
    expect(all.problems.all().length).toBeGreaterThan(2 * MAX_IMPORT_PROBLEMS);
    expect(listed.problems.listed()).toEqual(all.problems.listed());
    expect(listed.problems.kinds()).toEqual(all.problems.kinds());
    expect(listed.problems.errorCount).toBe(all.problems.errorCount);
    expect(() => listed.problems.all()).toThrow();
  });

  it('lists errors before later-found warnings and notices in a bounded list, whatever order they come in', () => {
    const bounded = new ProblemList({ keep: 'listed' });
    const full = new ProblemList({ keep: 'all' });
    for (const list of [bounded, full]) {
      for (let row = 1; row <= 1500; row++) list.add(row, 'lat', 'no position', 'notice', 'no position');
      for (let row = 1500; row >= 1; row -= 3)
        list.add(row, 'code', `"x" is already the code of row 1`, 'error', 'code: already used');
    }
    expect(bounded.listed()).toEqual(full.listed());
    expect(bounded.listed()[0]).toMatchObject({ row: 3, severity: 'error' });
    expect(bounded.kinds()).toEqual(full.kinds());
  });

  it('throws what the source throws (a body too large, a dropped connection), rather than reporting the file', async () => {
    async function* failing(): AsyncIterable<Buffer> {
      yield Buffer.from(csv(HEADER, '1001,a,b,c,,,,'));
      throw new Error('connection dropped');
    }
    await expect(readStationImport(failing(), 'csv', {}, 'listed')).rejects.toThrow('connection dropped');
  });
});
