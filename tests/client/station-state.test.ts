import { describe, expect, it } from 'vitest';
import type { StationStatus } from '../../shared/schemas/stations';
import {
  STATION_STATES,
  STATION_STATE_COLOURS,
  STATION_STATE_LETTERS,
  findingBadge,
  stationState,
  stationStateRank,
} from '../../shared/station-state';

const TEAM = '5b1f3c7e-2a4d-4e8f-9c1b-0d2e3f4a5b6c';
const AT = '2025-11-30T08:15:00+06:00';

function status(overrides: Partial<StationStatus> = {}): StationStatus {
  return {
    presentTeamIds: [],
    visitCount: 0,
    firstVisitAt: null,
    lastVisitAt: null,
    latestAssessments: {},
    openFindings: 0,
    worstOpenSeverity: null,
    updatedSeq: 0,
    ...overrides,
  };
}

const visited = { visitCount: 1, firstVisitAt: AT, lastVisitAt: AT } as const;

describe('stationState', () => {
  it('calls a station nobody has reached "never_visited"', () => {
    expect(stationState(status())).toBe('never_visited');
  });

  it('calls a station a team has left "visited"', () => {
    expect(stationState(status(visited))).toBe('visited');
  });

  it('counts a filed checklist as a visit even when the arrival never came', () => {
    expect(stationState(status({ latestAssessments: { voting: { assessment: 'good', at: AT, teamId: TEAM } } }))).toBe(
      'visited',
    );
  });

  it('shows a team there now as "present"', () => {
    expect(stationState(status({ ...visited, presentTeamIds: [TEAM] }))).toBe('present');
  });

  it('shows an open minor or info finding as "minor", below a team being there', () => {
    expect(stationState(status({ ...visited, openFindings: 1, worstOpenSeverity: 'minor' }))).toBe('minor');
    expect(stationState(status({ ...visited, openFindings: 1, worstOpenSeverity: 'info' }))).toBe('minor');
    expect(
      stationState(status({ ...visited, presentTeamIds: [TEAM], openFindings: 1, worstOpenSeverity: 'minor' })),
    ).toBe('present');
  });

  it('shows a bad or very bad latest assessment of any phase as "bad_assessment", above a team being there', () => {
    for (const assessment of ['bad', 'very_bad'] as const) {
      for (const phase of ['opening', 'voting', 'closing'] as const) {
        const latestAssessments = { [phase]: { assessment, at: AT, teamId: TEAM } };
        expect(stationState(status({ ...visited, presentTeamIds: [TEAM], latestAssessments }))).toBe('bad_assessment');
      }
    }
  });

  it('ignores good assessments of other phases when one phase was assessed badly', () => {
    const latestAssessments = {
      opening: { assessment: 'very_good', at: AT, teamId: TEAM },
      closing: { assessment: 'very_bad', at: AT, teamId: TEAM },
    } as const;
    expect(stationState(status({ ...visited, latestAssessments }))).toBe('bad_assessment');
  });

  it('puts open serious and critical findings above everything, critical first', () => {
    const bad = { voting: { assessment: 'very_bad', at: AT, teamId: TEAM } } as const;
    const busy = { ...visited, presentTeamIds: [TEAM], latestAssessments: bad, openFindings: 3 };
    expect(stationState(status({ ...busy, worstOpenSeverity: 'serious' }))).toBe('serious');
    expect(stationState(status({ ...busy, worstOpenSeverity: 'critical' }))).toBe('critical');
  });

  it('lets a station lose its red once its findings are resolved', () => {
    expect(stationState(status({ ...visited, openFindings: 0, worstOpenSeverity: 'critical' }))).toBe('visited');
  });
});

describe('station state presentation', () => {
  it('lists the states most urgent first', () => {
    expect(STATION_STATES).toEqual([
      'critical',
      'serious',
      'bad_assessment',
      'present',
      'minor',
      'visited',
      'never_visited',
    ]);
    expect(stationStateRank('critical')).toBe(0);
    expect(stationStateRank('never_visited')).toBe(STATION_STATES.length - 1);
  });

  it('gives every state its own colour and its own letter, so colour is never the only cue', () => {
    const colours = STATION_STATES.map((state) => STATION_STATE_COLOURS[state].toLowerCase());
    const letters = STATION_STATES.map((state) => STATION_STATE_LETTERS[state]);
    expect(new Set(colours).size).toBe(STATION_STATES.length);
    expect(new Set(letters).size).toBe(STATION_STATES.length);
    for (const colour of colours) expect(colour).toMatch(/^#[0-9a-f]{6}$/);
    for (const letter of letters) expect(letter).toMatch(/^\S{1,2}$/);
  });
});

describe('findingBadge', () => {
  it('marks open minor findings that a team present or a bad assessment would hide, and nothing the state already shows', () => {
    const present = { ...visited, presentTeamIds: [TEAM] };
    const bad = { ...visited, latestAssessments: { voting: { assessment: 'bad' as const, at: AT, teamId: TEAM } } };
    expect(findingBadge(status({ ...present, openFindings: 2, worstOpenSeverity: 'minor' }))).toBe('minor');
    expect(findingBadge(status({ ...present, openFindings: 1, worstOpenSeverity: 'info' }))).toBe('minor');
    expect(findingBadge(status({ ...bad, openFindings: 1, worstOpenSeverity: 'minor' }))).toBe('minor');
    // The state itself says it: no second mark.
    expect(findingBadge(status({ ...present, openFindings: 1, worstOpenSeverity: 'critical' }))).toBeNull();
    expect(findingBadge(status({ ...visited, openFindings: 1, worstOpenSeverity: 'minor' }))).toBeNull();
    // Nothing open (a stale worst severity stays behind after resolving): no mark.
    expect(findingBadge(status({ ...present, openFindings: 0, worstOpenSeverity: 'minor' }))).toBeNull();
  });
});
