/*
 * SegmentedVersionedStore: the bytes-level versioned store (versioned-record.ts gives the
 * semantics) over one backing bytes store — LevelDB for Stores.persistentVersionedKeyValueStore,
 * the heap for Stores.inMemoryVersionedKeyValueStore — laid out as versioned-layout.ts says.
 * It is Kafka Streams' RocksDBVersionedStore re-derived for a synchronous store contract: every
 * read is a point lookup in the backing store, every write a pending put that the backing store
 * writes in its one batch at commit (with the changelog offset and the observed stream time).
 *
 * Segments: a history version lives in the segment of its validTo (segmentId = floor(validTo /
 * segmentInterval)). Every validTo is ≤ observed stream time, and a version whose validTo ≤
 * observed − historyRetention can never answer a query (asOf ≥ observed − retention > validTo) nor
 * be split by an accepted put (its timestamp ≥ observed − retention). So once observed stream time
 * passes, the segments below segmentId(observed − retention) are dropped whole (`#dropExpired`),
 * as Kafka drops its expired segments. `#segments` lists the segment ids that may hold rows.
 *
 * put, in two paths:
 *   fast   the key has a latest row with timestamp ≤ t (in-order update): the old latest moves
 *          to the segment of t (validTo = t), appended to that row; then the latest row is
 *          replaced, or — for a tombstone — removed and the tombstone appended as degenerate.
 *   other  load the key's live versions (its rows in live segments + latest row, oldest first),
 *          insert or replace the version at t, and write back each row that changed.
 * Both leave exactly the rows a fresh placement of the version list would produce.
 */
import type { BytesKeyValueStore, RestoreRecord } from '../bytes-store.ts';
import { requireKey } from '../bytes-store.ts';
import type { RuntimeStore } from '../delegating-state-store.ts';
import type { StoreContext } from '../store-types.ts';
import {
  OBSERVED_TIME_KEY, SEGMENT_PREFIX, decodeHistory, decodeLatest, decodeTime, encodeHistory, encodeLatest, encodeTime,
  latestKey, segmentKey, segmentStart, type StoredVersion,
} from './versioned-layout.ts';
import { ResultOrder, checkVersionsRange, type VersionsRange } from './versioned-queries.ts';
import { PUT_RETURN_CODE_NOT_PUT, PUT_RETURN_CODE_VALID_TO_UNDEFINED, checkVersionTimestamp, type VersionedRecord } from './versioned-record.ts';

/** The bytes-level versioned store every versioned stack is built on. */
export interface VersionedBytesStore extends RuntimeStore {
  readonly historyRetentionMs: number;
  put(key: Buffer, value: Buffer | null, timestamp: number): number;
  delete(key: Buffer, timestamp: number): VersionedRecord<Buffer> | null;
  get(key: Buffer, asOfTimestamp?: number): VersionedRecord<Buffer> | null;
  /** The versions valid at some time in the range, by validFrom (MultiVersionedKeyQuery). */
  getVersions(key: Buffer, range?: VersionsRange): Array<VersionedRecord<Buffer>>;
  /** True when a put or delete at `timestamp` would be rejected (older than the grace period). */
  outOfGrace(timestamp: number): boolean;
}

/** No timestamp observed yet (Kafka's ConsumerRecord.NO_TIMESTAMP). */
const NO_TIMESTAMP = -1;

export class SegmentedVersionedStore implements VersionedBytesStore {
  #observed = NO_TIMESTAMP;
  /** Ascending ids of the segments that may hold rows. */
  #segments: number[] = [];

  constructor(
    readonly name: string,
    private readonly backing: BytesKeyValueStore,
    readonly historyRetentionMs: number,
    readonly segmentIntervalMs: number,
  ) {}

  get persistent(): boolean {
    return this.backing.persistent;
  }

  async init(context: StoreContext): Promise<void> {
    await this.backing.init({ ...context, changelogTopic: undefined });
    const observed = this.backing.get(OBSERVED_TIME_KEY);
    this.#observed = observed === undefined ? NO_TIMESTAMP : decodeTime(observed);
    this.#segments = this.#discoverSegments();
  }

  isOpen(): boolean {
    return this.backing.isOpen();
  }

  outOfGrace(timestamp: number): boolean {
    return timestamp < this.#observed - this.historyRetentionMs;
  }

  put(key: Buffer, value: Buffer | null, timestamp: number): number {
    requireKey(this.name, key);
    checkVersionTimestamp(this.name, 'put', timestamp);
    if (this.outOfGrace(timestamp)) return PUT_RETURN_CODE_NOT_PUT;
    this.#advance(timestamp);
    return this.#doPut(key, value, timestamp);
  }

  delete(key: Buffer, timestamp: number): VersionedRecord<Buffer> | null {
    requireKey(this.name, key);
    checkVersionTimestamp(this.name, 'delete', timestamp);
    if (this.outOfGrace(timestamp)) return null;
    const existing = this.get(key, timestamp);
    this.#advance(timestamp);
    this.#doPut(key, null, timestamp);
    return existing;
  }

  get(key: Buffer, asOfTimestamp?: number): VersionedRecord<Buffer> | null {
    requireKey(this.name, key);
    const latestRaw = this.backing.get(latestKey(key));
    const latest = latestRaw === undefined ? undefined : decodeLatest(latestRaw);
    if (asOfTimestamp === undefined) return latest === undefined ? null : { value: latest.value!, timestamp: latest.timestamp };
    if (latest !== undefined && latest.timestamp <= asOfTimestamp) return { value: latest.value!, timestamp: latest.timestamp };
    if (asOfTimestamp < this.#observed - this.historyRetentionMs) return null;
    // The version valid at asOf has validTo > asOf: it is in a segment ≥ segmentId(asOf). Walk
    // them newest first; the first row that reaches back to asOf decides.
    const lowest = this.#segmentId(asOfTimestamp);
    for (let i = this.#segments.length - 1; i >= 0 && this.#segments[i]! >= lowest; i--) {
      const raw = this.backing.get(segmentKey(this.#segments[i]!, key));
      if (raw === undefined) continue;
      const row = decodeHistory(raw);
      // nothing here is valid after asOf (or this is the latest tombstone, at or before asOf)
      if (row.nextTimestamp <= asOfTimestamp) return null;
      const first = row.versions[0];
      if (first === undefined || first.timestamp > asOfTimestamp) continue;
      let j = 0;
      while (j + 1 < row.versions.length && row.versions[j + 1]!.timestamp <= asOfTimestamp) j++;
      const found = row.versions[j]!;
      if (found.value === null) return null;
      return { value: found.value, timestamp: found.timestamp, validTo: row.versions[j + 1]?.timestamp ?? row.nextTimestamp };
    }
    return null;
  }

  /**
   * The versions whose validity [validFrom, validTo) overlaps [fromTime, toTime], tombstones
   * left out, ordered by validFrom (descending unless asked ascending). The retention rule of
   * get(key, asOf) applies to every instant of the range: when toTime < observed − H only the
   * latest version may answer (Kafka's RocksDBVersionedStore does the same), and a history
   * version that ended at or before observed − H is gone (Kafka may still return it until its
   * segment is dropped; we answer what get(key, asOf) would for every asOf in the range).
   * History rows are read segment by segment, oldest first: every version of a row ends in that
   * segment, so ascending segment order is ascending validTo — and so ascending validFrom.
   */
  getVersions(key: Buffer, range: VersionsRange = {}): Array<VersionedRecord<Buffer>> {
    requireKey(this.name, key);
    checkVersionsRange(range, `versioned store "${this.name}"`);
    const from = range.fromTime ?? -Infinity;
    const to = range.toTime ?? Infinity;
    const floor = this.#observed - this.historyRetentionMs;
    const out: Array<VersionedRecord<Buffer>> = [];
    if (to >= floor) {
      const lowest = this.#segmentId(Math.max(from, floor));
      for (const id of this.#segments) {
        if (id < lowest) continue;
        const raw = this.backing.get(segmentKey(id, key));
        if (raw === undefined) continue;
        const row = decodeHistory(raw);
        row.versions.forEach((v, j) => {
          const validTo = row.versions[j + 1]?.timestamp ?? row.nextTimestamp;
          if (v.value !== null && v.timestamp <= to && validTo > from && validTo > floor) out.push({ value: v.value, timestamp: v.timestamp, validTo });
        });
      }
    }
    const latestRaw = this.backing.get(latestKey(key));
    if (latestRaw !== undefined) {
      const latest = decodeLatest(latestRaw);
      if (latest.timestamp <= to) out.push({ value: latest.value!, timestamp: latest.timestamp });
    }
    return range.order === ResultOrder.ASCENDING ? out : out.reverse();
  }

  /** Observed stream time (-1 before any put): what history retention is measured from. */
  observedStreamTime(): number {
    return this.#observed;
  }

  flushCache(): void {
    this.backing.flushCache();
  }

  commit(changelogOffset?: number): Promise<void> {
    return this.backing.commit(changelogOffset);
  }

  committedChangelogOffset(): number | undefined {
    return this.backing.committedChangelogOffset();
  }

  async flush(): Promise<void> {
    this.flushCache();
    await this.commit();
  }

  /**
   * Replays changelog records (key, value or tombstone, record timestamp) as puts, in offset
   * order, with the same grace check as processing — so the store ends as it was when the
   * records were written — then commits their end offset with the data.
   */
  async restore(records: ReadonlyArray<RestoreRecord>): Promise<void> {
    const last = records[records.length - 1];
    if (last === undefined) return;
    for (const r of records) {
      if (r.timestamp === undefined) {
        throw new Error(`versioned store "${this.name}": changelog record at offset ${r.offset} has no timestamp; versions are restored at their record timestamps`);
      }
      this.put(r.key, r.value, r.timestamp);
    }
    this.backing.flushCache();
    await this.backing.commit(last.offset + 1);
  }

  async close(): Promise<void> {
    this.#segments = [];
    this.#observed = NO_TIMESTAMP;
    await this.backing.close();
  }

  #segmentId(timestamp: number): number {
    return Math.floor(Math.max(0, timestamp) / this.segmentIntervalMs);
  }

  #minLiveSegment(): number {
    return this.#segmentId(this.#observed - this.historyRetentionMs);
  }

  #advance(timestamp: number): void {
    if (timestamp <= this.#observed) return;
    this.#observed = timestamp;
    this.backing.put(OBSERVED_TIME_KEY, encodeTime(timestamp));
    this.#dropExpired();
  }

  /** Drops every row of the segments below the oldest live one. */
  #dropExpired(): void {
    const min = this.#minLiveSegment();
    while (this.#segments.length > 0 && this.#segments[0]! < min) {
      const keys: Buffer[] = [];
      const it = this.backing.prefixScanBytes(segmentStart(this.#segments.shift()!));
      try {
        for (const { key } of it) keys.push(key);
      } finally {
        it.close();
      }
      for (const k of keys) this.backing.delete(k);
    }
  }

  /** The segment ids present in the backing store, found by seeking from one segment to the next. */
  #discoverSegments(): number[] {
    const found: number[] = [];
    for (let next = 0; ; ) {
      const it = this.backing.range(segmentStart(next), undefined);
      const first = it.next();
      it.close();
      if (first.done === true || first.value.key[0] !== SEGMENT_PREFIX) return found;
      const id = Number(first.value.key.readBigUInt64BE(1));
      found.push(id);
      next = id + 1;
    }
  }

  #noteSegment(id: number): void {
    const s = this.#segments;
    if (s.length === 0 || s[s.length - 1]! < id) {
      s.push(id);
      return;
    }
    let lo = 0;
    while (s[lo]! < id) lo++;
    if (s[lo] !== id) s.splice(lo, 0, id);
  }

  #doPut(key: Buffer, value: Buffer | null, timestamp: number): number {
    const lk = latestKey(key);
    const latestRaw = this.backing.get(lk);
    if (latestRaw !== undefined) {
      const latest = decodeLatest(latestRaw);
      if (timestamp >= latest.timestamp) {
        // fast path (file comment)
        const moved: StoredVersion[] = timestamp > latest.timestamp ? [latest] : [];
        if (value === null) moved.push({ timestamp, value: null });
        if (moved.length > 0) this.#appendToRow(key, this.#segmentId(timestamp), moved, timestamp);
        if (value === null) this.backing.delete(lk);
        else this.backing.put(lk, encodeLatest(timestamp, value));
        return PUT_RETURN_CODE_VALID_TO_UNDEFINED;
      }
    }
    return this.#putAnywhere(key, value, timestamp, latestRaw);
  }

  #appendToRow(key: Buffer, segment: number, versions: StoredVersion[], nextTimestamp: number): void {
    const sk = segmentKey(segment, key);
    const raw = this.backing.get(sk);
    const existing = raw === undefined ? [] : decodeHistory(raw).versions;
    this.backing.put(sk, encodeHistory({ nextTimestamp, versions: [...existing, ...versions] }));
    this.#noteSegment(segment);
  }

  #putAnywhere(key: Buffer, value: Buffer | null, timestamp: number, latestRaw: Buffer | undefined): number {
    const min = this.#minLiveSegment();
    const oldRows = new Map<number, Buffer>();
    const versions: StoredVersion[] = [];
    for (const id of this.#segments) {
      if (id < min) continue;
      const raw = this.backing.get(segmentKey(id, key));
      if (raw === undefined) continue;
      oldRows.set(id, raw);
      versions.push(...decodeHistory(raw).versions);
    }
    if (latestRaw !== undefined) versions.push(decodeLatest(latestRaw));
    // insert or replace the version at `timestamp`
    let i = 0;
    while (i < versions.length && versions[i]!.timestamp < timestamp) i++;
    if (versions[i]?.timestamp === timestamp) versions[i] = { timestamp, value };
    else versions.splice(i, 0, { timestamp, value });
    const validTo = versions[i + 1]?.timestamp;
    // place every version: the newest with a value in the latest row, the rest by validTo
    const rows = new Map<number, { nextTimestamp: number; versions: StoredVersion[] }>();
    let newLatest: StoredVersion | undefined;
    versions.forEach((v, j) => {
      const next = versions[j + 1];
      if (next === undefined && v.value !== null) {
        newLatest = v;
        return;
      }
      const end = next === undefined ? v.timestamp : next.timestamp;
      const id = this.#segmentId(end);
      if (id < min) return;
      const row = rows.get(id) ?? { nextTimestamp: end, versions: [] };
      row.versions.push(v);
      row.nextTimestamp = end;
      rows.set(id, row);
    });
    for (const id of new Set([...oldRows.keys(), ...rows.keys()])) {
      const row = rows.get(id);
      const bytes = row === undefined ? null : encodeHistory(row);
      const before = oldRows.get(id);
      if (bytes === null ? before === undefined : before !== undefined && before.equals(bytes)) continue;
      this.backing.put(segmentKey(id, key), bytes);
      if (bytes !== null) this.#noteSegment(id);
    }
    const lk = latestKey(key);
    if (newLatest !== undefined) this.backing.put(lk, encodeLatest(newLatest.timestamp, newLatest.value!));
    else if (latestRaw !== undefined) this.backing.delete(lk);
    return validTo ?? PUT_RETURN_CODE_VALID_TO_UNDEFINED;
  }
}
