/**
 * The mission's stations, by id and in station-number order, with their map state and the counts per state.
 *
 * Only the counts and a version number are reactive: the stations themselves — 228 in a city, 100,000 in a country —
 * sit in a plain Map and in the map's GeoJSON source, and are patched by id; lists re-read them when `version` moves.
 */
import type { Station, StationStatus } from '../../../../../shared/schemas/stations';
import { STATION_STATES, findingBadge, stationState, type StationState } from '../../../../../shared/station-state';
import { byNumber } from './station-list-order';
import type { StationEntry, StationMapSink, StationMarkChange, StationRow, StationRowQuery } from './types';

export { byNumber } from './station-list-order';

function emptyCounts(): Record<StationState, number> {
  return Object.fromEntries(STATION_STATES.map((state) => [state, 0])) as Record<StationState, number>;
}

/** What arrived while the list was loading, applied over it in this order once it is in. */
type EarlyNews =
  | { kind: 'statuses'; rows: readonly { id: string; status: StationStatus }[] }
  | { kind: 'upsert'; stations: readonly Station[] }
  | { kind: 'details'; stations: readonly Station[] };

export class StationIndex {
  counts = $state(emptyCounts());
  count = $state(0);
  /** Moves whenever any station's row changed. */
  version = $state(0);
  /**
   * Moves only when stations were added or their details (name, code, position) may have changed: what the list of
   * unplaced stations depends on. A check-in moves `version`, not this, so 100 check-ins a second at 200,000 stations
   * do not walk every station 100 times a second.
   */
  #placement = $state(0);
  /** The unplaced stations as of `#placement`. */
  #unplaced: { at: number; stations: Station[] } | null = null;

  #stations = new Map<string, StationEntry>();
  /** Station ids in station-number order, for lists. */
  #order: string[] = [];
  /** The list rows last handed out, reused while their station is unchanged (see rows). */
  readonly #rows = new Map<string, StationRow>();
  #sink: StationMapSink | null = null;
  /** While a past moment is shown, the map shows it: live changes go on here but wait to be drawn. */
  #showingMoment = false;
  /**
   * Set from a summary (preload) until the whole list arrives (completeLoad): the counts are the summary's, and what
   * arrives meanwhile waits here, in order of arrival, to be applied over the list by the same newer-wins rule.
   */
  #early: EarlyNews[] | null = null;
  /** While the list loads: the newest status heard of each station, to draw each change once. */
  readonly #earlyStatus = new Map<string, StationStatus>();
  /** The whole list as it arrives in batches (loadBatch), taken over at once by completeLoad(). */
  #incoming: { stations: Map<string, StationEntry>; order: string[] } | null = null;

  reset(): void {
    this.#rows.clear();
    this.#stations.clear();
    this.#order = [];
    this.#sink = null;
    this.#showingMoment = false;
    this.#early = null;
    this.#earlyStatus.clear();
    this.#incoming = null;
    this.counts = emptyCounts();
    this.count = 0;
    this.version++;
    this.#placement++;
  }

  /** The first load: every station of the mission. */
  load(stations: readonly Station[]): void {
    for (const station of stations) this.#add(station);
    this.#sortOrder();
    this.version++;
    this.#placement++;
  }

  /** True from preload() until completeLoad(): the counts are known, the stations not yet. */
  get partial(): boolean {
    return this.#early !== null;
  }

  /**
   * The first load of a mission whose map draws from tiles: the counts alone (a summary), the list to follow with
   * completeLoad(). Meanwhile changes reach the map by station id and wait to be applied to the list.
   */
  preload(count: number, counts: Record<StationState, number>): void {
    this.#early = [];
    this.setSummary(count, counts);
  }

  /** Newer counts while the list loads (read again after changes: a change's old state is not known yet). */
  setSummary(count: number, counts: Record<StationState, number>): void {
    if (this.#early === null) return;
    this.counts = { ...counts };
    this.count = count;
  }

  /** After preload(): the whole list is about to arrive in batches (again, after a failed read). */
  beginLoad(): void {
    this.#incoming = { stations: new Map(), order: [] };
  }

  /**
   * The next stations of the list, in station-number order. Held aside, so the page goes on showing the summary and
   * drawing what it hears until completeLoad(); each batch is a few milliseconds of work, the whole list seconds.
   */
  loadBatch(stations: readonly Station[]): void {
    const incoming = this.#incoming;
    if (incoming === null) return;
    for (const station of stations) {
      if (!incoming.stations.has(station.id)) incoming.order.push(station.id);
      incoming.stations.set(station.id, {
        station,
        state: stationState(station.status),
        badge: findingBadge(station.status),
      });
    }
  }

  /**
   * The whole list is in (loadBatch): its stations as read, then everything heard since the summary over them in the
   * order it came (a status replaces only an older one). Returns the sequences to fetch stations after, for statuses
   * of stations the list does not hold (added after it was read).
   */
  completeLoad(): number[] {
    const early = this.#early ?? [];
    const drawnEarly = [...this.#earlyStatus.keys()];
    const incoming = this.#incoming ?? { stations: new Map<string, StationEntry>(), order: [] };
    this.#early = null;
    this.#earlyStatus.clear();
    this.#incoming = null;
    this.#rows.clear();
    this.#stations = incoming.stations;
    this.#order = incoming.order;
    const counts = emptyCounts();
    for (const entry of this.#stations.values()) counts[entry.state]++;
    this.counts = counts;
    this.count = this.#stations.size;
    this.version++;
    this.#placement++;
    const unknown: number[] = [];
    for (const news of early) {
      if (news.kind === 'statuses') unknown.push(...this.applyStatuses(news.rows));
      else if (news.kind === 'upsert') this.upsert(news.stations);
      else this.applyDetails(news.stations);
    }
    // A station drawn from early news may be newer still in the list (its news is yet to come, and will be dropped as
    // not newer): the map takes each such station's state as it now stands.
    const redraw = drawnEarly.flatMap((id) => {
      const entry = this.#stations.get(id);
      return entry === undefined ? [] : [{ id, state: entry.state, badge: entry.badge }];
    });
    if (redraw.length > 0 && !this.#showingMoment) this.#sink?.setStates(redraw);
    return unknown;
  }

  /** The map calls this once it exists; later changes reach it as diffs. Returns the detach function. */
  attachMap(sink: StationMapSink): () => void {
    this.#sink = sink;
    return () => {
      if (this.#sink === sink) this.#sink = null;
    };
  }

  /**
   * The map shows a past moment (the replay of the day): `marks` is every station's state then. The live rows keep
   * following the mission meanwhile; showLive() draws them again.
   */
  showMoment(marks: readonly StationMarkChange[]): void {
    this.#showingMoment = true;
    this.#sink?.setStates(marks);
  }

  /** Back to live: every station drawn as it is now. */
  showLive(): void {
    if (!this.#showingMoment) return;
    this.#showingMoment = false;
    this.#sink?.setStates(this.entries().map((e) => ({ id: e.station.id, state: e.state, badge: e.badge })));
  }

  /** Every station entry, for building the map once. Not reactive. */
  entries(): StationEntry[] {
    return this.#order.flatMap((id) => this.#stations.get(id) ?? []);
  }

  get(id: string): StationEntry | undefined {
    return this.#stations.get(id);
  }

  /**
   * The rows of the station list. Reading it inside `$derived` re-runs when any station changes. Unfiltered, or by state
   * alone, it reads only as many stations as it shows (the totals are known); a text search reads them all.
   */
  rows(query: StationRowQuery): { rows: StationRow[]; total: number } {
    void this.version;
    const text = query.text.trim().toLocaleLowerCase();
    const rows: StationRow[] = [];
    if (text === '' && this.#early === null) {
      const total = query.state === 'all' ? this.#order.length : this.counts[query.state];
      for (const id of this.#order) {
        if (rows.length >= Math.min(query.limit, total)) break;
        const entry = this.#stations.get(id);
        if (entry !== undefined && (query.state === 'all' || entry.state === query.state))
          rows.push(this.#row(id, entry));
      }
      return { rows, total };
    }
    let total = 0;
    for (const id of this.#order) {
      const entry = this.#stations.get(id);
      if (entry === undefined || (query.state !== 'all' && entry.state !== query.state)) continue;
      const { station } = entry;
      if (text !== '' && !`${station.number} ${station.name} ${station.district}`.toLocaleLowerCase().includes(text)) {
        continue;
      }
      total++;
      if (rows.length < query.limit) rows.push(this.#row(id, entry));
    }
    return { rows, total };
  }

  /**
   * Stations without a position, by code. Reading it inside `$derived` follows stations added or placed, not check-ins:
   * the same array comes back until one is (its stations' statuses may then be older than the index's; callers list
   * names and codes).
   */
  unplaced(): Station[] {
    const at = this.#placement;
    if (this.#unplaced?.at === at) return this.#unplaced.stations;
    // A plain loop: flatMap's array per station would be 200,000 of them.
    const stations: Station[] = [];
    for (const id of this.#order) {
      const station = this.#stations.get(id)?.station;
      if (station && (station.lat === null || station.lng === null)) stations.push(station);
    }
    this.#unplaced = { at, stations };
    return stations;
  }

  /**
   * Status rows of a patch, each applied if newer than the one held. Returns, for each station not held (imported after
   * we loaded; the patch has no name or place), the sequence to fetch stations after.
   */
  applyStatuses(rows: readonly { id: string; status: StationStatus }[]): number[] {
    if (this.#early !== null) {
      this.#early.push({ kind: 'statuses', rows });
      this.#drawEarly(rows.map(({ id, status }) => ({ id, status })));
      return [];
    }
    const changes: StationMarkChange[] = [];
    const unknown: number[] = [];
    for (const row of rows) {
      const entry = this.#stations.get(row.id);
      if (entry === undefined) unknown.push(row.status.updatedSeq - 1);
      else this.#setStatus(entry, row.status, changes);
    }
    this.#publish(changes, []);
    return unknown;
  }

  /** Stations read again (a resync): new ones are added, known ones take the newer status. */
  upsert(stations: readonly Station[]): void {
    if (this.#early !== null) {
      this.#early.push({ kind: 'upsert', stations });
      this.#drawEarly(stations.map(({ id, status }) => ({ id, status })));
      return;
    }
    const changes: StationMarkChange[] = [];
    const added: StationEntry[] = [];
    for (const station of stations) {
      const entry = this.#stations.get(station.id);
      if (entry === undefined) {
        added.push(this.#add(station));
        continue;
      }
      const status = entry.station.status;
      entry.station = { ...station, status };
      this.#setStatus(entry, station.status, changes);
    }
    if (added.length > 0) this.#sortOrder();
    // A station read again may come with other details (a resync after a gap): the unplaced list is made again.
    if (stations.length > 0) this.#placement++;
    this.#publish(changes, added);
  }

  /**
   * A coordinator placed or moved stations: details replace ours (the status stays whichever is newer); a station that
   * now has a position is (re)drawn on the map.
   */
  applyDetails(stations: readonly Station[]): void {
    if (this.#early !== null) {
      this.#early.push({ kind: 'details', stations });
      return;
    }
    const drawn: StationEntry[] = [];
    for (const station of stations) {
      const entry = this.#stations.get(station.id);
      if (!entry) continue;
      const status =
        station.status.updatedSeq > entry.station.status.updatedSeq ? station.status : entry.station.status;
      entry.station = { ...station, status };
      if (station.lat !== null && station.lng !== null) drawn.push(entry);
    }
    if (stations.length > 0) this.#placement++;
    this.#publish([], drawn);
  }

  /**
   * A station's list row: the same object while the station is unchanged, a fresh one when it changed, so a keyed list
   * redraws only the rows whose station changed (not all 500 on every check-in).
   */
  #row(id: string, { station, state }: StationEntry): StationRow {
    const held = this.#rows.get(id);
    if (
      held !== undefined &&
      held.state === state &&
      held.number === station.number &&
      held.name === station.name &&
      held.district === station.district
    )
      return held;
    const row = { id, number: station.number, name: station.name, district: station.district, state };
    this.#rows.set(id, row);
    return row;
  }

  #add(station: Station): StationEntry {
    const entry: StationEntry = { station, state: stationState(station.status), badge: findingBadge(station.status) };
    this.#stations.set(station.id, entry);
    this.#order.push(station.id);
    this.counts[entry.state]++;
    this.count = this.#stations.size;
    return entry;
  }

  #sortOrder(): void {
    this.#order.sort((a, b) =>
      byNumber.compare(this.#stations.get(a)?.station.code ?? '', this.#stations.get(b)?.station.code ?? ''),
    );
  }

  /** Replaces a station's status if the new one is newer; records a change of state for the map. */
  #setStatus(entry: StationEntry, status: StationStatus, changes: StationMarkChange[]): void {
    if (status.updatedSeq <= entry.station.status.updatedSeq) return;
    entry.station = { ...entry.station, status };
    const state = stationState(status);
    const badge = findingBadge(status);
    if (state === entry.state && badge === entry.badge) return;
    this.counts[entry.state]--;
    this.counts[state]++;
    entry.state = state;
    entry.badge = badge;
    changes.push({ id: entry.station.id, state, badge });
  }

  /** While the list loads: draws each status newer than the newest heard of its station (the map keys by id). */
  #drawEarly(rows: readonly { id: string; status: StationStatus }[]): void {
    const changes: StationMarkChange[] = [];
    for (const { id, status } of rows) {
      const held = this.#earlyStatus.get(id);
      if (held !== undefined && status.updatedSeq <= held.updatedSeq) continue;
      this.#earlyStatus.set(id, status);
      changes.push({ id, state: stationState(status), badge: findingBadge(status) });
    }
    if (changes.length > 0 && !this.#showingMoment) this.#sink?.setStates(changes);
  }

  #publish(changes: readonly StationMarkChange[], added: readonly StationEntry[]): void {
    if (changes.length === 0 && added.length === 0) return;
    if (added.length > 0) this.#sink?.addStations(added);
    if (changes.length > 0 && !this.#showingMoment) this.#sink?.setStates(changes);
    this.version++;
  }
}
