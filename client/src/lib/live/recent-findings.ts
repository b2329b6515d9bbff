/**
 * The findings ticker's list as pure functions: a bounded, newest-first list merged from fetched pages and live events.
 * It never grows past its size, however long the page runs.
 */
import type { FindingState, FindingSummary } from '../../../../shared/schemas/findings';

export interface TickerFinding extends FindingSummary {
  /** Sequence of the news the status reflects (the page's head, or the finding_status event), so older news never wins. */
  statusSeq: number;
}

function newestFirst(items: Iterable<TickerFinding>, max: number): TickerFinding[] {
  return [...items].sort((a, b) => b.seq - a.seq).slice(0, max);
}

/**
 * A page fetched at `head` is the truth up to it; items held that came live after it (seq above head) stay. Of two
 * copies of one finding, the one whose status is newer wins.
 */
export function mergeFetched(
  held: readonly TickerFinding[],
  fetched: readonly FindingSummary[],
  head: number,
  max: number,
): TickerFinding[] {
  const byId = new Map<string, TickerFinding>();
  for (const item of fetched) byId.set(item.id, { ...item, statusSeq: head });
  for (const item of held) {
    const other = byId.get(item.id);
    if (other === undefined) {
      if (item.seq > head) byId.set(item.id, item);
    } else if (item.statusSeq > other.statusSeq) {
      byId.set(item.id, { ...other, status: item.status, statusSeq: item.statusSeq });
    }
  }
  return newestFirst(byId.values(), max);
}

/** Adds findings that arrived live (each once). */
export function addLive(
  held: readonly TickerFinding[],
  incoming: readonly TickerFinding[],
  max: number,
): TickerFinding[] {
  const byId = new Map(held.map((item) => [item.id, item]));
  for (const item of incoming) if (!byId.has(item.id)) byId.set(item.id, item);
  return newestFirst(byId.values(), max);
}

/** A triage change; a finding no longer on the list is ignored. */
export function withStatus(
  held: readonly TickerFinding[],
  findingId: string,
  status: FindingState,
  seq: number,
): TickerFinding[] {
  let changed = false;
  const next = held.map((item) => {
    if (item.id !== findingId || item.statusSeq >= seq) return item;
    changed = true;
    return { ...item, status, statusSeq: seq };
  });
  return changed ? next : (held as TickerFinding[]);
}
