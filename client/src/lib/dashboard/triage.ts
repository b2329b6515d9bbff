/**
 * The coordinators' findings feed as pure functions: a fetched list (GET /api/findings) merged with live `finding` and
 * `finding_status` and `finding_assigned` events, the feed's filters, what counts as overdue, and which findings are systematic.
 */
import { SEVERITIES, type FeedEvent, type Severity } from '../../../../shared/schemas/events';
import type { FindingState, TriageFinding } from '../../../../shared/schemas/findings';

export interface FeedFinding extends TriageFinding {
  /** Sequence of the news the row reflects (the fetch's head, or the newest event applied), so older news never wins. */
  changedSeq: number;
}

export interface PlaceOf {
  station(stationId: string): { number: string; district: string } | undefined;
  callSign(teamId: string): string | undefined;
}

/** Newest first, by the finding's sequence. */
export function newestFirst(items: Iterable<FeedFinding>): FeedFinding[] {
  return [...items].sort((a, b) => b.seq - a.seq);
}

/**
 * A list fetched at `head` is the truth up to it; rows that changed live after it (changedSeq above head) keep their
 * newer state, and findings reported after it stay.
 */
export function mergeFetchedFeed(
  held: ReadonlyMap<string, FeedFinding>,
  fetched: readonly TriageFinding[],
  head: number,
): Map<string, FeedFinding> {
  const rows = new Map<string, FeedFinding>();
  for (const item of fetched) rows.set(item.id, { ...item, changedSeq: head });
  for (const item of held.values()) {
    const other = rows.get(item.id);
    if (other === undefined ? item.seq > head : item.changedSeq > other.changedSeq) rows.set(item.id, item);
  }
  return rows;
}

/**
 * Applies events in sequence order to the rows (changed in place; returns whether anything changed). A triage event
 * carries the coordinator who made it (`actor`) and its note, exactly what the server's read model keeps.
 */
export function applyFeedEvents(rows: Map<string, FeedFinding>, events: readonly FeedEvent[], place: PlaceOf): boolean {
  let changed = false;
  for (const event of events) {
    if (event.type === 'finding' && event.teamId !== null) {
      if (rows.has(event.id)) continue;
      const station = event.stationId === null ? undefined : place.station(event.stationId);
      rows.set(event.id, {
        id: event.id,
        seq: event.seq,
        changedSeq: event.seq,
        category: event.category,
        severity: event.severity,
        status: 'new',
        stationId: event.stationId,
        stationNumber: event.stationId === null ? null : (station?.number ?? ''),
        district: event.stationId === null ? null : (station?.district ?? ''),
        // Away from a station the finding's position says where (for coordinators it is always in the event).
        position:
          event.stationId === null && event.position ? { lat: event.position.lat, lng: event.position.lng } : null,
        reportedAt: event.occurredAt,
        text: typeof event.text === 'string' ? event.text : '',
        ...(typeof event.photoId === 'string' ? { photoId: event.photoId } : {}),
        teamId: event.teamId,
        teamCallSign: place.callSign(event.teamId) ?? '',
        statusChangedAt: null,
        acknowledgedAt: null,
        acknowledgedBy: null,
        statusChangedBy: null,
        resolvedAt: null,
        resolvedBy: null,
        assignedTo: null,
        assignedAt: null,
        lastNote: null,
      });
      changed = true;
    } else if (event.type === 'finding_status') {
      const row = rows.get(event.findingId);
      if (row === undefined || row.changedSeq >= event.seq) continue;
      const note = typeof event.note === 'string' && event.note.trim() !== '' ? event.note : null;
      const by = event.actor?.name ?? null;
      rows.set(row.id, {
        ...row,
        status: event.status,
        statusChangedAt: event.occurredAt,
        statusChangedBy: by,
        ...(event.status === 'resolved' ? { resolvedAt: event.occurredAt, resolvedBy: by } : {}),
        acknowledgedAt: row.acknowledgedAt ?? event.occurredAt,
        acknowledgedBy: row.acknowledgedBy ?? by,
        lastNote: note ?? row.lastNote,
        changedSeq: event.seq,
      });
      changed = true;
    } else if (event.type === 'finding_assigned') {
      // Coordinators' feeds carry the finding and assignee; a display's never do, and a display has no triage feed.
      const row = event.findingId === undefined ? undefined : rows.get(event.findingId);
      if (row === undefined || row.changedSeq >= event.seq || event.assignee === undefined) continue;
      rows.set(row.id, {
        ...row,
        assignedTo: event.assignee,
        assignedAt: event.assignee === null ? null : event.occurredAt,
        changedSeq: event.seq,
      });
      changed = true;
    }
  }
  return changed;
}

export interface FeedFilter {
  /** Severities shown; empty shows all. */
  severities: readonly Severity[];
  category: string | null;
  district: string | null;
  /** 'open' = anything not resolved. */
  status: FindingState | 'open' | null;
  teamId: string | null;
  /** "Mine": only the findings assigned to this coordinator (username); null shows everyone's. */
  assignedTo: string | null;
  /** Matched case-insensitively against text, category, station number, district, team and last note. */
  text: string;
}

export const EMPTY_FILTER: FeedFilter = {
  severities: [],
  category: null,
  district: null,
  status: null,
  teamId: null,
  assignedTo: null,
  text: '',
};

export function matchesFilter(finding: TriageFinding, filter: FeedFilter): boolean {
  if (filter.severities.length > 0 && !filter.severities.includes(finding.severity)) return false;
  if (filter.category !== null && finding.category !== filter.category) return false;
  if (filter.district !== null && finding.district !== filter.district) return false;
  if (filter.teamId !== null && finding.teamId !== filter.teamId) return false;
  if (filter.assignedTo !== null && finding.assignedTo !== filter.assignedTo) return false;
  if (
    filter.status === 'open'
      ? finding.status === 'resolved'
      : filter.status !== null && finding.status !== filter.status
  )
    return false;
  const text = filter.text.trim().toLocaleLowerCase();
  if (text === '') return true;
  const haystack = [
    finding.text,
    finding.category,
    finding.stationNumber,
    finding.district,
    finding.teamCallSign,
    finding.lastNote ?? '',
  ]
    .join(' ')
    .toLocaleLowerCase();
  return text.split(/\s+/).every((word) => haystack.includes(word));
}

/** A critical finding nobody has acknowledged within the mission's threshold. */
export function isOverdue(finding: TriageFinding, now: Date, criticalAckMinutes: number): boolean {
  return (
    finding.severity === 'critical' &&
    finding.acknowledgedAt === null &&
    finding.status === 'new' &&
    now.getTime() - Date.parse(finding.reportedAt) > criticalAckMinutes * 60_000
  );
}

/**
 * "Systematic" vs "isolated". A finding is part of a pattern when
 *  - its station has at least REPEATED_AT_STATION findings (any category): something keeps going wrong there; or
 *  - its category was reported at at least SYSTEMATIC_STATIONS different stations of its district: the same problem
 *    across a district points to instructions or organisation, not one commission's slip.
 * Info-level notes do not count: they are observations, not problems.
 */
export const REPEATED_AT_STATION = 2;
export const SYSTEMATIC_STATIONS = 3;

export interface Patterns {
  /** Station ids with repeated findings, and how many. */
  stations: Map<string, number>;
  /** "district\u0000category" → number of distinct stations. Only entries that reach the threshold. */
  districtCategories: Map<string, number>;
  /** District → the categories that are systematic there. */
  districts: Map<string, string[]>;
}

const key = (district: string, category: string) => `${district}\u0000${category}`;

export function findPatterns(findings: Iterable<TriageFinding>): Patterns {
  const perStation = new Map<string, number>();
  const stationsPerCategory = new Map<string, Set<string>>();
  for (const finding of findings) {
    // Incidents away from stations have no station to repeat at nor district to be systematic in.
    if (finding.severity === 'info' || finding.stationId === null || finding.district === null) continue;
    perStation.set(finding.stationId, (perStation.get(finding.stationId) ?? 0) + 1);
    const k = key(finding.district, finding.category);
    let set = stationsPerCategory.get(k);
    if (set === undefined) stationsPerCategory.set(k, (set = new Set()));
    set.add(finding.stationId);
  }
  const stations = new Map([...perStation].filter(([, n]) => n >= REPEATED_AT_STATION));
  const districtCategories = new Map<string, number>();
  const districts = new Map<string, string[]>();
  for (const [k, set] of stationsPerCategory) {
    if (set.size < SYSTEMATIC_STATIONS) continue;
    districtCategories.set(k, set.size);
    const [district, category] = k.split('\u0000') as [string, string];
    districts.set(district, [...(districts.get(district) ?? []), category].sort());
  }
  return { stations, districtCategories, districts };
}

export type PatternKind = 'systematic' | 'repeated';

/**
 * Every reason a finding stands out, most telling first: its category is systematic in its district, its station has
 * repeated findings. Both can hold at once, and a coordinator needs to see both; none means an isolated finding.
 */
export function patternsOf(finding: TriageFinding, patterns: Patterns): PatternKind[] {
  if (finding.stationId === null || finding.district === null || finding.severity === 'info') return [];
  const kinds: PatternKind[] = [];
  if (patterns.districtCategories.has(key(finding.district, finding.category))) kinds.push('systematic');
  if (patterns.stations.has(finding.stationId)) kinds.push('repeated');
  return kinds;
}

/** Worst first, then newest: the order the eye should take. Not used for the feed itself (newest first). */
export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

/** The next triage steps a finding in this state allows (the server refuses the rest). */
export function allowedActions(status: FindingState): ('acknowledged' | 'escalated' | 'resolved')[] {
  if (status === 'resolved') return [];
  return (['acknowledged', 'escalated', 'resolved'] as const).filter(
    (s) => s !== status && !(s === 'acknowledged' && status === 'escalated'),
  );
}
