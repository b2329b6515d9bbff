/**
 * A batch's changed read-model rows go back in one update: each row must come back exactly as it was written, every
 * column type included (timestamps, doubles, jsonb, nulls), and rows not named must stay as they were.
 */
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../db/client';
import { updateRows } from '../../db/bulk-update';
import { stationStatus } from '../../db/schema/index';
import { createTestDatabase, postgresAvailable } from '../helpers/services';

const drivers = postgresAvailable ? (['pglite', 'postgres'] as const) : (['pglite'] as const);

describe.each(drivers)('updateRows on %s', (driver) => {
  let database: Database;
  let drop = async () => {};

  beforeAll(async () => {
    if (driver === 'postgres') {
      const created = await createTestDatabase();
      drop = created.drop;
      database = await openDatabase({ driver, url: created.url, poolSize: 2 });
    } else {
      database = await openDatabase({ driver, dataDir: null });
    }
    // The table's own shape, without the foreign keys to missions and stations this test does not need.
    await database.db.execute(sql`create table station_status (
      station_id uuid not null, mission_id uuid not null, present_team_ids jsonb not null default '[]',
      visit_count integer not null default 0, first_visit_at timestamptz, last_visit_at timestamptz,
      latest_assessments jsonb not null default '{}', open_findings integer not null default 0,
      worst_open_severity text, updated_seq bigint not null default 0, primary key (mission_id, station_id))`);
  });
  afterAll(async () => {
    await database?.close();
    await drop();
  });

  it('writes every column of the rows it is given, and only those rows', async () => {
    const missionId = crypto.randomUUID();
    const [a, b, untouched] = [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID()];
    await database.db.insert(stationStatus).values([a, b, untouched].map((stationId) => ({ stationId, missionId })));
    const rows = [
      {
        stationId: a,
        missionId,
        presentTeamIds: [crypto.randomUUID()],
        visitCount: 3,
        firstVisitAt: new Date('2026-06-01T06:01:02.345Z'),
        lastVisitAt: new Date('2026-06-01T09:30:00.001Z'),
        latestAssessments: { opening: { answers: { q1: 'yes', 'q "2"': 0.1 }, at: 'x' } } as never,
        openFindings: 2,
        worstOpenSeverity: 'critical' as const,
        updatedSeq: 9_007_199_254,
      },
      {
        stationId: b,
        missionId,
        presentTeamIds: [],
        visitCount: 0,
        firstVisitAt: null,
        lastVisitAt: null,
        latestAssessments: {},
        openFindings: 0,
        worstOpenSeverity: null,
        updatedSeq: 1,
      },
    ];
    await database.db.execute(updateRows(stationStatus, ['missionId', 'stationId'], rows));
    const stored = await database.db.select().from(stationStatus).where(eq(stationStatus.missionId, missionId));
    const byId = new Map(stored.map((r) => [r.stationId, r]));
    expect(byId.get(a)).toEqual(rows[0]);
    expect(byId.get(b)).toEqual(rows[1]);
    expect(byId.get(untouched)).toMatchObject({ visitCount: 0, updatedSeq: 0, presentTeamIds: [] });
  });
});
