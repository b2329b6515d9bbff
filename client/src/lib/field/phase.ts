/** Which checklist an observer most likely needs now, from the mission's clock: polls open 08:00–20:00 local time. */
import type { Phase } from '../../../../shared/schemas/events';
import { missionMinutesOfDay } from '../time';

const POLLS_OPEN_HOUR = 8;
const POLLS_CLOSE_HOUR = 20;

export function likelyPhase(at: Date, timeZone: string): Phase {
  const hour = Math.floor(missionMinutesOfDay(at, timeZone) / 60);
  if (hour < POLLS_OPEN_HOUR && hour >= 4) return 'opening';
  if (hour >= POLLS_CLOSE_HOUR || hour < 4) return 'closing';
  return 'voting';
}
