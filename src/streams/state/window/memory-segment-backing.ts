/*
 * MemorySegmentBacking: the heap layout of in-memory window and session stores (Kafka Streams'
 * InMemoryWindowStore / InMemorySessionStore play the same role). Built for the per-record path
 * of windowed aggregations and stream-stream joins, which look up and update a handful of
 * windows of ONE key per record:
 *
 *   segments   Map<segment id, Segment>           (plus the last segment used, cached)
 *   Segment    ints: Map<int32, Row>               4-byte keys (the int serde): one hash
 *                                                  lookup on a small integer, no string built
 *              strs: Map<binary-string key, Row>   every other key length
 *              sorted: Row[] by key bytes          key ranges, fetchAll/all: built on the first
 *                                                  such read of the segment, then kept sorted on
 *                                                  insert/remove of a KEY (not of an entry);
 *                                                  never built for point-only use (aggregations,
 *                                                  joins)
 *   Row        key bytes; parallel arrays times[], subs[], values[] sorted by (time, sub)
 *
 * A binary-string key is the key bytes as latin1 (sorted-map.ts). Compared with
 * segment-prefixed composite keys in a B+ tree, a get or put allocates no composite key and does
 * no tree walk over keys that share an 8-byte segment prefix; puts in time order append to the
 * row.
 *
 * Invariants: no empty row and no empty segment is kept; `count` is the number of entries;
 * values are stored by reference (callers hand over fresh buffers and never mutate them).
 * Like InMemoryKeyValueStore, nothing survives close(): the store is rebuilt from its changelog.
 */
import type { RestoreRecord } from '../bytes-store.ts';
import type { StoreContext } from '../store-types.ts';
import { toBinaryKey } from '../sorted-map.ts';
import type { SegmentBacking, SegmentEntry } from './segment-backing.ts';

interface Row {
  key: Buffer;
  times: number[];
  subs: number[];
  values: Buffer[];
}

interface Segment {
  ints: Map<number, Row>;
  strs: Map<string, Row>;
  sorted: Row[] | undefined;
}

export class MemorySegmentBacking implements SegmentBacking {
  readonly persistent = false;
  #segments = new Map<number, Segment>();
  #lastId = -1;
  #last: Segment | undefined;
  #count = 0;
  #open = false;
  #changelogOffset: number | undefined;

  constructor(readonly name: string) {}

  async init(_context: StoreContext): Promise<void> {
    this.#open = true;
  }
  isOpen(): boolean {
    return this.#open;
  }

  loadSegments(): { ids: number[]; maxTime: number } {
    const ids = [...this.#segments.keys()].sort((a, b) => a - b);
    let maxTime = -1;
    const newest = ids.length === 0 ? undefined : this.#segments.get(ids[ids.length - 1]!);
    for (const row of newest === undefined ? [] : rowsOf(newest)) maxTime = Math.max(maxTime, row.times[row.times.length - 1]!);
    return { ids, maxTime };
  }

  get(segment: number, key: Buffer, time: number, sub: number): Buffer | undefined {
    const seg = this.#segment(segment, false);
    const row = seg === undefined ? undefined : findRow(seg, key);
    if (row === undefined) return undefined;
    const i = lowerBound(row, time, sub);
    return i < row.times.length && row.times[i] === time && row.subs[i] === sub ? row.values[i] : undefined;
  }

  put(segment: number, key: Buffer, time: number, sub: number, value: Buffer | null): void {
    const seg = this.#segment(segment, value !== null);
    if (seg === undefined) return;
    let row = findRow(seg, key);
    if (row === undefined) {
      if (value === null) return;
      row = { key, times: [time], subs: [sub], values: [value] };
      if (key.length === 4) seg.ints.set(key.readInt32BE(0), row);
      else seg.strs.set(toBinaryKey(key), row);
      if (seg.sorted !== undefined) insertSorted(seg.sorted, row);
      this.#count++;
      return;
    }
    const n = row.times.length;
    const lastTime = row.times[n - 1]!;
    if (value !== null && (time > lastTime || (time === lastTime && sub > row.subs[n - 1]!))) {
      row.times.push(time);
      row.subs.push(sub);
      row.values.push(value);
      this.#count++;
      return;
    }
    const i = lowerBound(row, time, sub);
    const found = i < n && row.times[i] === time && row.subs[i] === sub;
    if (value !== null) {
      if (found) {
        row.values[i] = value;
      } else {
        row.times.splice(i, 0, time);
        row.subs.splice(i, 0, sub);
        row.values.splice(i, 0, value);
        this.#count++;
      }
      return;
    }
    if (!found) return;
    row.times.splice(i, 1);
    row.subs.splice(i, 1);
    row.values.splice(i, 1);
    this.#count--;
    if (row.times.length > 0) return;
    if (key.length === 4) seg.ints.delete(key.readInt32BE(0));
    else seg.strs.delete(toBinaryKey(key));
    if (seg.sorted !== undefined) removeSorted(seg.sorted, row);
    if (seg.ints.size === 0 && seg.strs.size === 0) this.dropSegment(segment);
  }

  collect(segment: number, keyFrom: Buffer | undefined, keyTo: Buffer | undefined, lo: number, hi: number, out: SegmentEntry[]): void {
    const seg = this.#segment(segment, false);
    if (seg === undefined) return;
    if (keyFrom !== undefined && keyTo !== undefined && keyFrom.equals(keyTo)) {
      const row = findRow(seg, keyFrom);
      if (row !== undefined) pushRange(row, lo, hi, out);
      return;
    }
    const rows = (seg.sorted ??= [...rowsOf(seg)].sort(compareRows));
    for (let i = keyFrom === undefined ? 0 : rowIndex(rows, keyFrom); i < rows.length; i++) {
      const row = rows[i]!;
      if (keyTo !== undefined && Buffer.compare(row.key, keyTo) > 0) break;
      pushRange(row, lo, hi, out);
    }
  }

  dropSegment(segment: number): void {
    const seg = this.#segments.get(segment);
    if (seg === undefined) return;
    for (const row of rowsOf(seg)) this.#count -= row.times.length;
    this.#segments.delete(segment);
    if (this.#lastId === segment) {
      this.#lastId = -1;
      this.#last = undefined;
    }
  }

  approximateNumEntries(): number {
    return this.#count;
  }
  flushCache(): void {}
  async commit(changelogOffset?: number): Promise<void> {
    if (changelogOffset !== undefined) this.#changelogOffset = changelogOffset;
  }
  async flush(): Promise<void> {}
  committedChangelogOffset(): number | undefined {
    return this.#changelogOffset;
  }
  async restored(records: ReadonlyArray<RestoreRecord>): Promise<void> {
    const last = records[records.length - 1];
    if (last !== undefined) this.#changelogOffset = last.offset + 1;
  }

  /** Drops the data, as Kafka Streams' in-memory stores do: a reopened task restores it. */
  async close(): Promise<void> {
    this.#open = false;
    this.#segments = new Map();
    this.#lastId = -1;
    this.#last = undefined;
    this.#count = 0;
    this.#changelogOffset = undefined;
  }

  #segment(id: number, create: boolean): Segment | undefined {
    if (id === this.#lastId) return this.#last;
    let seg = this.#segments.get(id);
    if (seg === undefined) {
      if (!create) return undefined;
      seg = { ints: new Map(), strs: new Map(), sorted: undefined };
      this.#segments.set(id, seg);
    }
    this.#lastId = id;
    this.#last = seg;
    return seg;
  }
}

/** First index whose (time, sub) >= (time, sub). */
function lowerBound(row: Row, time: number, sub: number): number {
  let lo = 0;
  let hi = row.times.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const t = row.times[mid]!;
    if (t < time || (t === time && row.subs[mid]! < sub)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function pushRange(row: Row, lo: number, hi: number, out: SegmentEntry[]): void {
  const { times, subs, values, key } = row;
  for (let i = times[0]! >= lo ? 0 : lowerBound(row, lo, -Infinity); i < times.length; i++) {
    const time = times[i]!;
    if (time > hi) break;
    out.push({ key, time, sub: subs[i]!, value: values[i]! });
  }
}

function findRow(seg: Segment, key: Buffer): Row | undefined {
  return key.length === 4 ? seg.ints.get(key.readInt32BE(0)) : seg.strs.get(toBinaryKey(key));
}

function* rowsOf(seg: Segment): Generator<Row> {
  yield* seg.ints.values();
  yield* seg.strs.values();
}

function compareRows(a: Row, b: Row): number {
  return Buffer.compare(a.key, b.key);
}

/** First index of `rows` (sorted by key bytes) whose key >= `key`. Shared with the window cache. */
export function rowIndex(rows: ReadonlyArray<{ readonly key: Buffer }>, key: Buffer): number {
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (Buffer.compare(rows[mid]!.key, key) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Inserts `row` into `rows`, kept sorted by key bytes (keys are unique). */
export function insertSorted<R extends { readonly key: Buffer }>(rows: R[], row: R): void {
  const n = rows.length;
  if (n === 0 || Buffer.compare(rows[n - 1]!.key, row.key) < 0) rows.push(row);
  else rows.splice(rowIndex(rows, row.key), 0, row);
}

/** Removes `row` (by identity) from `rows`, sorted by key bytes. */
export function removeSorted<R extends { readonly key: Buffer }>(rows: R[], row: R): void {
  const i = rowIndex(rows, row.key);
  if (rows[i] === row) rows.splice(i, 1);
}
