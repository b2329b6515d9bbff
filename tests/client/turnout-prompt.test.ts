/** Which turnout hour the phone asks for at a station: the latest that has come and is not yet reported there. */
import { describe, expect, it } from 'vitest';
import { dueTurnoutHour, reportedHours } from '../../client/src/lib/field/turnout';
import type { OutboxItem } from '../../client/src/lib/field/outbox';

const HOURS = ['10:00', '14:00', '18:00'];
const at = (hhmm: string) => {
  const [h, m] = hhmm.split(':').map(Number);
  return h! * 60 + m!;
};

describe('turnout prompt', () => {
  it('asks nothing before the first hour, then the latest hour come, until it is reported', () => {
    expect(dueTurnoutHour(HOURS, at('09:59'), new Set())).toBeNull();
    expect(dueTurnoutHour(HOURS, at('10:00'), new Set())).toBe('10:00');
    expect(dueTurnoutHour(HOURS, at('15:30'), new Set(['10:00']))).toBe('14:00');
    expect(dueTurnoutHour(HOURS, at('15:30'), new Set(['14:00']))).toBeNull();
    expect(dueTurnoutHour(['18:00', '10:00'], at('23:00'), new Set())).toBe('18:00');
  });

  it('counts the reports of this station made on the phone, not refused ones', () => {
    const item = (stationId: string, hour: string, state: OutboxItem['state']) =>
      ({
        id: `${stationId}-${hour}-${state}`,
        kind: 'event',
        state,
        event: { type: 'turnout', stationId, at: hour, voted: 1, teamId: 't', id: 'x', occurredAt: '' },
      }) as unknown as OutboxItem;
    const items = [item('s1', '10:00', 'sent'), item('s1', '14:00', 'rejected'), item('s2', '14:00', 'pending')];
    expect([...reportedHours(items, 's1')]).toEqual(['10:00']);
    expect([...reportedHours(items, 's2')]).toEqual(['14:00']);
  });
});
