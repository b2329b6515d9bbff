/** Durations and times on the dashboard, in the chosen language and the mission's time zone. */
import { t } from '../i18n/i18n.svelte';
import { minutesSince } from './alerts';

/** "12 min" / "2 h 05 min" in the current language. */
export function formatElapsed(fromIso: string, now: Date): string {
  const minutes = minutesSince(fromIso, now);
  if (minutes < 60) return t('dashboard.minutes', { count: minutes });
  return t('dashboard.hoursMinutes', {
    hours: Math.floor(minutes / 60),
    minutes: String(minutes % 60).padStart(2, '0'),
  });
}
