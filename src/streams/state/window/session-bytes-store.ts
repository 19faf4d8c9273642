/*
 * SessionBytesStore: the bytes-level session store — aggregates by (key, session start, session
 * end), segmented by session END, with retention — Kafka Streams' RocksDBSessionStore /
 * InMemorySessionStore. MeteredSessionStore puts serdes on top.
 *
 * Operations and order of results (both bounds of a session are inclusive):
 *   put(key, start, end, value | null)     null removes the session
 *   fetchSession(key, start, end)          the aggregate of exactly that session
 *   findSessions(key, earliestEnd, latestStart)
 *                                          sessions of `key` with end >= earliestEnd AND
 *                                          start <= latestStart — the sessions a record at ts
 *                                          merges with, for (ts - gap, ts + gap); ascending
 *                                          (end, start); `backward` reverses
 *   findSessionsByEnd(earliestEnd, latestEnd)
 *                                          every key's sessions with end in that range, ascending
 *                                          (end, key bytes, start) — emit-on-window-close walks these
 *   all()                                  every live session, same order
 * Retention: a session whose end <= observedStreamTime - retention is expired (not stored, not
 * returned); observedStreamTime is the max session end put.
 */
import type { BytesKeyValueStore } from '../bytes-store.ts';
import { SegmentedStoreBase, type SegmentedStoreOptions } from './segmented-store-base.ts';
import { SEGMENT_PREFIX_BYTES, decodeSessionKey, readInt64, segmentPrefix, sessionKey, withSegment } from './window-key-schema.ts';

export interface SessionEntryBytes {
  key: Buffer;
  start: number;
  end: number;
  value: Buffer;
}

const END_OF_TIME = Number.MAX_SAFE_INTEGER;

export class SessionBytesStore extends SegmentedStoreBase {
  constructor(inner: BytesKeyValueStore, options: SegmentedStoreOptions) {
    super(inner, options);
  }

  protected timeOfChangelogKey(changelogKey: Buffer): number {
    return decodeSessionKey(changelogKey).end;
  }

  /** Returns false when the session end is older than retention (nothing was stored). */
  put(key: Buffer, start: number, end: number, value: Buffer | null): boolean {
    if (!(start <= end)) throw new RangeError(`session store "${this.name}": session start ${start} is after its end ${end}`);
    return this.write(sessionKey(key, start, end), end, value, true);
  }

  remove(key: Buffer, start: number, end: number): void {
    this.put(key, start, end, null);
  }

  fetchSession(key: Buffer, start: number, end: number): Buffer | undefined {
    if (end < this.segments.minLiveTime()) return undefined;
    return this.inner.get(withSegment(this.segments.segmentId(end), sessionKey(key, start, end)));
  }

  findSessions(key: Buffer, earliestEnd: number, latestStart: number, backward: boolean): SessionEntryBytes[] {
    const lo = Math.max(earliestEnd, this.segments.minLiveTime(), 0);
    const out: SessionEntryBytes[] = [];
    for (const id of this.segments.idsBetween(lo, END_OF_TIME)) {
      const from = withSegment(id, sessionKey(key, 0, lo));
      const to = withSegment(id, sessionKey(key, END_OF_TIME, END_OF_TIME));
      for (const { key: backing, value } of this.inner.range(from, to)) {
        const d = decodeSessionKey(backing.subarray(SEGMENT_PREFIX_BYTES));
        if (d.end < lo || d.start > latestStart || !d.key.equals(key)) continue;
        out.push({ key: d.key, start: d.start, end: d.end, value });
      }
    }
    out.sort(compareEndKeyStart);
    return backward ? out.reverse() : out;
  }

  findSessionsByEnd(earliestEnd: number, latestEnd: number, backward: boolean): SessionEntryBytes[] {
    const lo = Math.max(earliestEnd, this.segments.minLiveTime(), 0);
    if (lo > latestEnd) return [];
    return this.#scan(this.segments.idsBetween(lo, latestEnd), lo, latestEnd, backward);
  }

  all(backward: boolean): SessionEntryBytes[] {
    return this.#scan(this.segments.allIds(), Math.max(0, this.segments.minLiveTime()), END_OF_TIME, backward);
  }

  #scan(ids: number[], lo: number, hi: number, backward: boolean): SessionEntryBytes[] {
    const out: SessionEntryBytes[] = [];
    for (const id of ids) {
      for (const { key: backing, value } of this.inner.prefixScanBytes(segmentPrefix(id))) {
        const end = readInt64(backing, backing.length - 16);
        if (end < lo || end > hi) continue;
        const d = decodeSessionKey(backing.subarray(SEGMENT_PREFIX_BYTES));
        out.push({ key: d.key, start: d.start, end: d.end, value });
      }
    }
    out.sort(compareEndKeyStart);
    return backward ? out.reverse() : out;
  }
}

function compareEndKeyStart(a: SessionEntryBytes, b: SessionEntryBytes): number {
  return a.end - b.end || Buffer.compare(a.key, b.key) || a.start - b.start;
}
