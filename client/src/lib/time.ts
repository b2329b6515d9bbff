/** Clock times are shown in the mission's zone, not the viewer's: a delegation abroad reads the same HH:MM as the field. */
const formatters = new Map<string, Intl.DateTimeFormat>();

export function formatMissionClock(at: Date, timeZone: string): string {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    try {
      formatter = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone });
    } catch {
      // An unknown zone name must not break the page; the viewer's zone is the next best answer.
      formatter = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    }
    formatters.set(timeZone, formatter);
  }
  return formatter.format(at);
}
