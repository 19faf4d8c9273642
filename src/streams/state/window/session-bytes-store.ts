/*
 * SessionBytesStore: the bytes-level session store — aggregates by (key, session start, session
 * end), segmented by session END, with retention, over a SegmentBacking (heap layout or
 * LevelDB, segment-backing.ts; entries are (key, time = end, sub = start)) — Kafka Streams'
 * RocksDBSessionStore / InMemorySessionStore. MeteredSessionStore puts serdes on top.
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
import type { SegmentBacking, SegmentEntry } from './segment-backing.ts';
import { SegmentedStoreBase, type SegmentedStoreOptions } from './segmented-store-base.ts';
import { SESSION_SCHEMA } from './window-key-schema.ts';

export interface SessionEntryBytes {
  key: Buffer;
  start: number;
  end: number;
  value: Buffer;
}

const END_OF_TIME = Number.MAX_SAFE_INTEGER;

export class SessionBytesStore extends SegmentedStoreBase {
  constructor(inner: SegmentBacking, options: SegmentedStoreOptions) {
    super(inner, options, SESSION_SCHEMA);
  }

  /** Returns false when the session end is older than retention (nothing was stored). */
  put(key: Buffer, start: number, end: number, value: Buffer | null): boolean {
    if (!(start <= end)) throw new RangeError(`session store "${this.name}": session start ${start} is after its end ${end}`);
    return this.write(key, end, start, value, true);
  }

  remove(key: Buffer, start: number, end: number): void {
    this.put(key, start, end, null);
  }

  fetchSession(key: Buffer, start: number, end: number): Buffer | undefined {
    if (end < this.segments.minLiveTime() || end < 0) return undefined;
    return this.inner.get(this.segments.segmentId(end), key, end, start);
  }

  findSessions(key: Buffer, earliestEnd: number, latestStart: number, backward: boolean): SessionEntryBytes[] {
    const lo = Math.max(earliestEnd, this.segments.minLiveTime(), 0);
    const found: SegmentEntry[] = [];
    for (const id of this.segments.idsBetween(lo, END_OF_TIME)) this.inner.collect(id, key, key, lo, END_OF_TIME, found);
    // One key, segments ascending, (end, start) within each: already in (end, start) order.
    const out: SessionEntryBytes[] = [];
    for (const e of found) if (e.sub <= latestStart) out.push(toSessionEntry(e));
    return backward ? out.reverse() : out;
  }

  findSessionsByEnd(earliestEnd: number, latestEnd: number, backward: boolean): SessionEntryBytes[] {
    return this.#byEndThenKey(earliestEnd, latestEnd, backward);
  }

  all(backward: boolean): SessionEntryBytes[] {
    return this.#byEndThenKey(0, END_OF_TIME, backward);
  }

  #byEndThenKey(earliestEnd: number, latestEnd: number, backward: boolean): SessionEntryBytes[] {
    const lo = Math.max(earliestEnd, this.segments.minLiveTime(), 0);
    if (lo > latestEnd) return [];
    const found: SegmentEntry[] = [];
    for (const id of this.segments.idsBetween(lo, latestEnd)) this.inner.collect(id, undefined, undefined, lo, latestEnd, found);
    const out = found.map(toSessionEntry).sort(compareEndKeyStart);
    return backward ? out.reverse() : out;
  }
}

function toSessionEntry(e: SegmentEntry): SessionEntryBytes {
  return { key: e.key, start: e.sub, end: e.time, value: e.value };
}

function compareEndKeyStart(a: SessionEntryBytes, b: SessionEntryBytes): number {
  return a.end - b.end || Buffer.compare(a.key, b.key) || a.start - b.start;
}
