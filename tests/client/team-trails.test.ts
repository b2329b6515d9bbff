/** Team markers and trails from placing events: station of a check-in, GPS fix otherwise, bounded, never backwards. */
import { describe, expect, it } from 'vitest';
import type { FeedEvent } from '../../shared/schemas/events';
import { TRAIL_POINTS } from '../../shared/schemas/map';
import { TeamTrails } from '../../client/src/lib/map/team-trails';

const TEAM = '00000000-0000-4000-8000-000000000001';
const STATIONS: Record<string, { lat: number; lng: number }> = {
  a: { lat: 42.8, lng: 74.5 },
  b: { lat: 42.9, lng: 74.6 },
};

function event(seq: number, type: string, extra: Record<string, unknown> = {}): FeedEvent {
  return {
    id: `e${seq}`,
    seq,
    type,
    teamId: TEAM,
    stationId: null,
    occurredAt: '2025-11-30T08:00:00Z',
    receivedAt: '2025-11-30T08:00:00Z',
    ...extra,
  } as unknown as FeedEvent;
}

describe('team trails', () => {
  const where = (id: string) => STATIONS[id];

  it('puts a check-in at the station even when the phone sent a GPS fix, and a position at the fix', () => {
    const trails = new TeamTrails();
    trails.load({ head: 0, trails: [] });
    const moved = trails.apply(
      [
        event(1, 'arrival', { stationId: 'a', position: { lat: 1, lng: 1 } }),
        event(2, 'position', { position: { lat: 42.85, lng: 74.55 } }),
      ],
      where,
      () => 'T01',
    );
    expect(moved).toEqual([
      {
        teamId: TEAM,
        callSign: 'T01',
        points: [
          { lat: 42.8, lng: 74.5, seq: 1 },
          { lat: 42.85, lng: 74.55, seq: 2 },
        ],
      },
    ]);
  });

  it('keeps the last points only, ignores late uploads of earlier places and events that place nobody', () => {
    const trails = new TeamTrails();
    trails.load({
      head: 5,
      trails: [
        {
          teamId: TEAM,
          callSign: 'T01',
          points: [{ lat: 42.8, lng: 74.5, at: '2025-11-30T07:00:00Z', seq: 5, stationId: 'a' }],
        },
      ],
    });
    expect(
      trails.apply(
        [event(3, 'arrival', { stationId: 'b' }), event(6, 'checklist', { stationId: 'b' }), event(7, 'help_resolved')],
        where,
        () => 'T01',
      ),
    ).toEqual([]);
    const many = Array.from({ length: TRAIL_POINTS + 3 }, (_, i) =>
      event(10 + i, 'position', { position: { lat: 42 + i / 100, lng: 74 } }),
    );
    const [moved] = trails.apply(many, where, () => 'T01');
    expect(moved!.points).toHaveLength(TRAIL_POINTS);
    expect(moved!.points.at(-1)).toMatchObject({ seq: 10 + TRAIL_POINTS + 2 });
  });

  it('waits for the next load to show a team it cannot name', () => {
    const trails = new TeamTrails();
    expect(trails.apply([event(1, 'arrival', { stationId: 'a' })], where, () => null)).toEqual([]);
  });
});
