import { describe, expect, it } from 'vitest';
import {
  phaseCoverage,
  placeStop,
  removeStop,
  sameRoute,
  togglePhase,
  unassigned,
  type Stop,
} from '../../client/src/lib/operations/plan-model';

const all = ['opening', 'voting', 'closing'] as const;
const stop = (stationId: string, phases: Stop['phases'] = [...all]): Stop => ({ stationId, phases });

describe('plan editor model', () => {
  it('lists the stations no team plans, in station order', () => {
    expect(
      unassigned(
        ['a', 'b', 'c', 'd'],
        [
          { teamId: 't1', stops: [stop('c')] },
          { teamId: 't2', stops: [stop('a')] },
        ],
      ),
    ).toEqual(['b', 'd']);
  });

  it('counts each station once per phase, whoever plans it', () => {
    const coverage = phaseCoverage(4, [
      { teamId: 't1', stops: [stop('a', ['opening', 'voting']), stop('b', ['voting'])] },
      { teamId: 't2', stops: [stop('a', ['voting', 'closing']), stop('c', ['closing'])] },
    ]);
    expect(coverage).toEqual({
      opening: { covered: 1, total: 4 },
      voting: { covered: 2, total: 4 },
      closing: { covered: 2, total: 4 },
    });
  });

  it('inserts, moves (down and up) and removes stops', () => {
    const route = [stop('a'), stop('b'), stop('c')];
    expect(placeStop(route, 'x', 1).map((s) => s.stationId)).toEqual(['a', 'x', 'b', 'c']);
    expect(placeStop(route, 'x', 99).map((s) => s.stationId)).toEqual(['a', 'b', 'c', 'x']);
    expect(placeStop(route, 'a', 3).map((s) => s.stationId)).toEqual(['b', 'c', 'a']);
    expect(placeStop(route, 'c', 0).map((s) => s.stationId)).toEqual(['c', 'a', 'b']);
    expect(placeStop(route, 'a', 2).map((s) => s.stationId)).toEqual(['b', 'a', 'c']);
    expect(removeStop(route, 'b').map((s) => s.stationId)).toEqual(['a', 'c']);
  });

  it('toggles phases in catalogue order and never leaves a stop without one', () => {
    let route = [stop('a', ['closing'])];
    route = togglePhase(route, 'a', 'opening');
    expect(route[0]!.phases).toEqual(['opening', 'closing']);
    route = togglePhase(togglePhase(route, 'a', 'opening'), 'a', 'closing');
    expect(route[0]!.phases).toEqual(['closing']);
    expect(sameRoute(route, [stop('a', ['closing'])])).toBe(true);
    expect(sameRoute(route, [stop('a')])).toBe(false);
  });
});
