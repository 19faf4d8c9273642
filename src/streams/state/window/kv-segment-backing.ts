/*
 * KvSegmentBacking: window/session entries as segment-prefixed composite keys in one
 * BytesKeyValueStore — the layout persistent (LevelDB) window and session stores keep on disk:
 *
 *   backing key   [ segment id: int64 BE ][ key bytes ][ suffix: window (start, seqnum) or
 *                                                                session (end, start) ]
 *
 * (window-key-schema.ts). Within a segment, composite keys sort by key bytes and then suffix,
 * except where one key extends another ("a" vs "a\0\0"): their composites can interleave.
 * collect() therefore scans bounds wide enough to be exact and filters and sorts what it read:
 *
 *   one key k         [seg k suffix(lo, 0)] .. [seg k maxSuffix(hi)]      exact for k; longer
 *                                                                         keys inside are skipped
 *   keys [from, to]   [seg from] .. [seg to maxSuffix(hi)]                every key <= to except
 *                     plus, per proper prefix p >= from of `to`,          the proper prefixes of
 *                     [seg p suffix(lo, 0)] .. [seg p maxSuffix(hi)]      `to`, which the extra
 *                     keeping only keys past the first scan's end         scans add (<= len(to))
 *   open bounds       the segment's first / last key
 */
import type { BytesKeyValueStore, RestoreRecord } from '../bytes-store.ts';
import type { StoreContext } from '../store-types.ts';
import { compareKeyTimeSub, type EntryKeySchema, type SegmentBacking, type SegmentEntry } from './segment-backing.ts';
import { SEGMENT_PREFIX_BYTES, readInt64, segmentPrefix, writeInt64 } from './window-key-schema.ts';

export class KvSegmentBacking implements SegmentBacking {
  constructor(
    private readonly inner: BytesKeyValueStore,
    private readonly schema: EntryKeySchema,
  ) {}

  get name(): string {
    return this.inner.name;
  }
  get persistent(): boolean {
    return this.inner.persistent;
  }

  init(context: StoreContext): Promise<void> {
    return this.inner.init(context);
  }
  isOpen(): boolean {
    return this.inner.isOpen();
  }

  loadSegments(): { ids: number[]; maxTime: number } {
    const ids: number[] = [];
    let next = 0;
    for (;;) {
      const it = this.inner.range(segmentPrefix(next), undefined);
      const first = it.next();
      it.close();
      if (first.done === true) break;
      const id = readInt64(first.value.key, 0);
      ids.push(id);
      next = id + 1;
    }
    let maxTime = -1;
    const last = ids[ids.length - 1];
    if (last !== undefined) {
      for (const { key } of this.inner.prefixScanBytes(segmentPrefix(last))) {
        const t = this.schema.timeAt(key, key.length - this.schema.suffixBytes);
        if (t > maxTime) maxTime = t;
      }
    }
    return { ids, maxTime };
  }

  get(segment: number, key: Buffer, time: number, sub: number): Buffer | undefined {
    return this.inner.get(this.#backingKey(segment, key, time, sub));
  }

  put(segment: number, key: Buffer, time: number, sub: number, value: Buffer | null): void {
    this.inner.put(this.#backingKey(segment, key, time, sub), value);
  }

  collect(segment: number, keyFrom: Buffer | undefined, keyTo: Buffer | undefined, lo: number, hi: number, out: SegmentEntry[]): void {
    const first = out.length;
    if (keyFrom !== undefined && keyTo !== undefined && keyFrom.equals(keyTo)) {
      this.#scan(this.#bound(segment, keyFrom, lo, false), this.#bound(segment, keyFrom, hi, true), keyFrom, keyTo, lo, hi, undefined, out);
    } else {
      const from = keyFrom === undefined ? segmentPrefix(segment) : this.#keyOnly(segment, keyFrom);
      const to = keyTo === undefined ? segmentPrefix(segment + 1) : this.#bound(segment, keyTo, hi, true);
      this.#scan(from, to, keyFrom, keyTo, lo, hi, undefined, out);
      if (keyTo !== undefined) {
        for (let n = 0; n < keyTo.length; n++) {
          const p = keyTo.subarray(0, n);
          if (keyFrom !== undefined && Buffer.compare(p, keyFrom) < 0) continue;
          this.#scan(this.#bound(segment, p, lo, false), this.#bound(segment, p, hi, true), keyFrom, keyTo, lo, hi, to, out);
        }
      }
    }
    if (out.length - first > 1) {
      const mine = out.splice(first).sort(compareKeyTimeSub);
      for (const e of mine) out.push(e);
    }
  }

  dropSegment(segment: number): void {
    const doomed: Buffer[] = [];
    for (const { key } of this.inner.prefixScanBytes(segmentPrefix(segment))) doomed.push(key);
    for (const key of doomed) this.inner.put(key, null);
  }

  approximateNumEntries(): number {
    return this.inner.approximateNumEntries();
  }
  flushCache(): void {
    this.inner.flushCache();
  }
  commit(changelogOffset?: number): Promise<void> {
    return this.inner.commit(changelogOffset);
  }
  flush(): Promise<void> {
    return this.inner.flush();
  }
  committedChangelogOffset(): number | undefined {
    return this.inner.committedChangelogOffset();
  }
  async restored(records: ReadonlyArray<RestoreRecord>): Promise<void> {
    const last = records[records.length - 1];
    if (last === undefined) return;
    this.inner.flushCache();
    await this.inner.commit(last.offset + 1);
  }
  close(): Promise<void> {
    return this.inner.close();
  }

  /** Reads [from, to] and keeps entries in the key and time ranges (and past `after`, if given). */
  #scan(
    from: Buffer,
    to: Buffer,
    keyFrom: Buffer | undefined,
    keyTo: Buffer | undefined,
    lo: number,
    hi: number,
    after: Buffer | undefined,
    out: SegmentEntry[],
  ): void {
    const suffixAt = (b: Buffer): number => b.length - this.schema.suffixBytes;
    for (const { key: backing, value } of this.inner.range(from, to)) {
      if (after !== undefined && Buffer.compare(backing, after) <= 0) continue;
      const at = suffixAt(backing);
      const time = this.schema.timeAt(backing, at);
      if (time < lo || time > hi) continue;
      const key = backing.subarray(SEGMENT_PREFIX_BYTES, at);
      if ((keyFrom !== undefined && Buffer.compare(key, keyFrom) < 0) || (keyTo !== undefined && Buffer.compare(key, keyTo) > 0)) continue;
      out.push({ key, time, sub: this.schema.subAt(backing, at), value });
    }
  }

  #backingKey(segment: number, key: Buffer, time: number, sub: number): Buffer {
    const out = Buffer.allocUnsafe(SEGMENT_PREFIX_BYTES + key.length + this.schema.suffixBytes);
    writeInt64(out, 0, segment);
    key.copy(out, SEGMENT_PREFIX_BYTES);
    this.schema.writeSuffix(out, SEGMENT_PREFIX_BYTES + key.length, time, sub);
    return out;
  }

  /** [seg][key][suffix(time, min sub)] or, with `max`, [seg][key][max suffix(time)]. */
  #bound(segment: number, key: Buffer, time: number, max: boolean): Buffer {
    const out = Buffer.allocUnsafe(SEGMENT_PREFIX_BYTES + key.length + this.schema.suffixBytes);
    writeInt64(out, 0, segment);
    key.copy(out, SEGMENT_PREFIX_BYTES);
    if (max) this.schema.writeMaxSuffix(out, SEGMENT_PREFIX_BYTES + key.length, time);
    else this.schema.writeSuffix(out, SEGMENT_PREFIX_BYTES + key.length, time, 0);
    return out;
  }

  #keyOnly(segment: number, key: Buffer): Buffer {
    const out = Buffer.allocUnsafe(SEGMENT_PREFIX_BYTES + key.length);
    writeInt64(out, 0, segment);
    key.copy(out, SEGMENT_PREFIX_BYTES);
    return out;
  }
}
