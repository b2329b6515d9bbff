/** Clock times are shown in the mission's zone, not the viewer's: a delegation abroad reads the same HH:MM as the field. */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string, seconds: boolean): Intl.DateTimeFormat {
  const key = `${timeZone}|${seconds}`;
  let found = formatters.get(key);
  if (found === undefined) {
    const options: Intl.DateTimeFormatOptions = {
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      ...(seconds ? { second: '2-digit' } : {}),
    };
    try {
      found = new Intl.DateTimeFormat('en-GB', { ...options, timeZone });
    } catch {
      // An unknown zone name must not break the page; the viewer's zone is the next best answer.
      found = new Intl.DateTimeFormat('en-GB', options);
    }
    formatters.set(key, found);
  }
  return found;
}

/** HH:MM in the mission's zone. */
export function formatMissionClock(at: Date, timeZone: string): string {
  return formatter(timeZone, false).format(at);
}

/** HH:MM:SS in the mission's zone (the wall's "last update"). */
export function formatMissionTime(at: Date, timeZone: string): string {
  return formatter(timeZone, true).format(at);
}

/**
 * Minutes since midnight of `at` in the mission's zone. Called per team on every alert pass, so it reuses the cached
 * formatter: building an Intl.DateTimeFormat costs about a millisecond, which at 1,000 teams was a long task per update.
 */
export function missionMinutesOfDay(at: Date, timeZone: string): number {
  const parts = formatter(timeZone, false).formatToParts(at);
  const hour = Number(parts.find((p) => p.type === 'hour')?.value ?? 0);
  const minute = Number(parts.find((p) => p.type === 'minute')?.value ?? 0);
  return hour * 60 + minute;
}

/**
 * A wait in words, for "try again in …": whole minutes (rounded up) from a minute on, else seconds, in the language
 * asked for ("4 minutes", "4 минуты").
 */
export function waitInWords(seconds: number, language: string): string {
  const minutes = Math.ceil(seconds / 60);
  const [amount, unit] = seconds >= 60 ? [minutes, 'minute'] : [Math.max(1, Math.ceil(seconds)), 'second'];
  return new Intl.NumberFormat(language, { style: 'unit', unit, unitDisplay: 'long' }).format(amount);
}
