/**
 * The mission's observation day and its clock, one answer for the server's "covered today" and the page's silent-team
 * alert. The observation day is the election date, or in a drill the day the drill started (in the mission's time
 * zone). A drill that plays a compressed day (the simulator) also runs its own clock, so the polling hours and the
 * silent-team threshold pass at the drill's pace, as they would on the real day.
 */

/** A compressed drill's clock: from `realStart` on, drill time is `startsAt` (HH:MM) plus real time elapsed × `speed`. */
export interface DrillClock {
  realStart: string;
  startsAt: string;
  speed: number;
}

/** What the clock maths needs of a mission. */
export interface MissionDay {
  timeZone: string;
  /** YYYY-MM-DD */
  observationDay: string;
  drillClock: DrillClock | null;
}

const dateFormatters = new Map<string, Intl.DateTimeFormat>();

function dateTimeParts(at: Date, timeZone: string): { date: string; minuteOfDay: number } {
  let format = dateFormatters.get(timeZone);
  if (format === undefined) {
    const options: Intl.DateTimeFormatOptions = {
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    };
    try {
      format = new Intl.DateTimeFormat('en-CA', { ...options, timeZone });
    } catch {
      // An unknown zone must not break a page or a summary; the host's zone is the next best answer.
      format = new Intl.DateTimeFormat('en-CA', options);
    }
    dateFormatters.set(timeZone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(at).map((p) => [p.type, p.value]));
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    minuteOfDay: Number(parts.hour) * 60 + Number(parts.minute),
  };
}

/** The local date (YYYY-MM-DD) of an instant in the mission's zone. */
export function localDate(at: Date, timeZone: string): string {
  return dateTimeParts(at, timeZone).date;
}

/** The election date, or in a drill the local date the drill started. */
export function observationDayOf(
  mission: { electionDate: string; timeZone: string; drill: boolean; drillStartedAt: Date | null },
  now: Date,
): string {
  if (!mission.drill) return mission.electionDate;
  return localDate(mission.drillStartedAt ?? now, mission.timeZone);
}

export function parseClock(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y!, m! - 1, d! + days)).toISOString().slice(0, 10);
}

/**
 * An instant as the mission lives it: its local date and minute of the day, and `ms`, a time line on which durations
 * are the mission's (a compressed drill's minutes pass `speed` times faster than real ones).
 */
export interface MissionMoment {
  date: string;
  minuteOfDay: number;
  /** How far into that minute, in the mission's milliseconds. */
  intoMinuteMs: number;
  ms: number;
}

export function missionMoment(at: Date | number, day: MissionDay): MissionMoment {
  const instant = typeof at === 'number' ? at : at.getTime();
  const clock = day.drillClock;
  if (clock === null)
    return {
      ...dateTimeParts(new Date(instant), day.timeZone),
      intoMinuteMs: ((instant % 60_000) + 60_000) % 60_000,
      ms: instant,
    };
  const realStart = Date.parse(clock.realStart);
  const scaledMs = (instant - realStart) * clock.speed;
  const minutes = parseClock(clock.startsAt) + scaledMs / 60_000;
  const whole = Math.floor(minutes);
  return {
    date: addDays(day.observationDay, Math.floor(whole / 1440)),
    minuteOfDay: ((whole % 1440) + 1440) % 1440,
    intoMinuteMs: (minutes - whole) * 60_000,
    ms: realStart + scaledMs,
  };
}

/** Back from the mission's time line to a real instant. */
export function realInstant(ms: number, day: MissionDay): Date {
  const clock = day.drillClock;
  if (clock === null) return new Date(ms);
  const realStart = Date.parse(clock.realStart);
  return new Date(realStart + (ms - realStart) / clock.speed);
}
