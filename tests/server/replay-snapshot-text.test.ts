/**
 * A replay snapshot's JSON is made a slice of rows at a time (the event loop is free between slices): however the rows
 * are sliced, the text is the same, and a state restored from it gives back the same stations, teams and findings.
 */
import { describe, expect, it } from 'vitest';
import { ReplayState } from '../../server/modules/replay/replay-state';

const MISSION = '00000000-0000-4000-8000-000000000001';
const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const stationIds = Array.from({ length: 7 }, (_, i) => id(100 + i));
const teamIds = [id(200), id(201)];

function snapshotText(): string {
  const visited = (n: number) => ({
    stationId: stationIds[n],
    missionId: MISSION,
    presentTeamIds: n % 2 === 0 ? [teamIds[0]] : [],
    visitCount: n + 1,
    firstVisitAt: `2026-12-07T0${n}:00:00.000Z`,
    lastVisitAt: `2026-12-07T0${n}:30:00.000Z`,
    latestAssessments: {},
    openFindings: 0,
    worstOpenSeverity: null,
    updatedSeq: 10 + n,
  });
  return JSON.stringify({
    seq: 40,
    stations: [0, 1, 2, 3, 4].map(visited),
    teams: [
      {
        teamId: teamIds[0],
        missionId: MISSION,
        lastSeenAt: '2026-12-07T04:30:00.000Z',
        currentStationId: stationIds[4],
        lastLat: 42.87,
        lastLng: 74.6,
        lastPositionAt: '2026-12-07T04:29:00.000Z',
        helpOpen: false,
        helpRequestedAt: null,
        helpAcknowledgedAt: null,
        silentAcknowledgedAt: null,
        updatedSeq: 39,
      },
    ],
    openVisits: [],
    findings: [],
  });
}

describe('the text of a replay snapshot', () => {
  it('is the same whatever the slice size, and restores to the same moment', async () => {
    const state = ReplayState.restore(MISSION, stationIds, teamIds, snapshotText());
    const whole = await state.serializeInSteps(1_000);
    for (const rowsPerStep of [1, 2, 3]) expect(await state.serializeInSteps(rowsPerStep)).toBe(whole);
    expect(JSON.parse(whole)).toEqual(JSON.parse(snapshotText()));

    const again = ReplayState.restore(MISSION, stationIds, teamIds, await state.serializeInSteps(2));
    expect(again.seq).toBe(40);
    expect(again.stations()).toEqual(state.stations());
    expect(again.teams()).toEqual(state.teams());
    expect(again.findings()).toEqual(state.findings());
  });
});
