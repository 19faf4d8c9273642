/*
 * Byte layouts of window and session store keys — Kafka Streams' WindowKeySchema and
 * SessionKeySchema for the changelog, plus the segment prefix we add inside the backing store.
 *
 *   window changelog key    [ key bytes ][ window start: int64 BE ][ seqnum: int32 BE ]
 *   session changelog key   [ key bytes ][ session end: int64 BE ][ session start: int64 BE ]
 *   backing-store key       [ segment id: int64 BE ][ changelog key as above ]
 *                           (LevelDB-backed stores only: kv-segment-backing.ts; the heap layout
 *                           of in-memory stores keeps no composite keys)
 *
 * WINDOW_SCHEMA / SESSION_SCHEMA map these suffixes to the (time, sub) pair of
 * segment-backing.ts: window (start, seqnum), session (end, start).
 *
 * The changelog layouts are exactly Kafka's, so a Java restore (or a reader of the changelog)
 * sees the same bytes. The segment prefix groups keys by time slice so a whole expired segment
 * can be dropped with one prefix scan (segments.ts); within a segment keys sort by key bytes,
 * then time (int64 BE of non-negative times sorts numerically), then seqnum — so fetch(key,
 * from, to) is one contiguous range per segment. Keys that extend another key ("a" and "ab")
 * can interleave inside such a range; decoders return the exact key (its length is the total
 * minus the fixed suffix) and callers filter on it.
 *
 * Times are epoch ms, non-negative safe integers (records with negative timestamps never reach
 * a store: the task drops them).
 */

import { readInt64BE as readInt64, writeInt64BE as writeInt64 } from '../../../util/int64.ts';
import type { EntryKeySchema } from './segment-backing.ts';

export const SEGMENT_PREFIX_BYTES = 8;
export const WINDOW_SUFFIX_BYTES = 12;
export const SESSION_SUFFIX_BYTES = 16;

/** Times in keys are int64 big-endian (src/util/int64.ts). */
export { readInt64, writeInt64 };

/** [key][start][seq] — Kafka's WindowKeySchema.toStoreKeyBinary. */
export function windowKey(key: Buffer, windowStart: number, seqnum: number): Buffer {
  const out = Buffer.allocUnsafe(key.length + WINDOW_SUFFIX_BYTES);
  key.copy(out, 0);
  writeInt64(out, key.length, windowStart);
  out.writeInt32BE(seqnum | 0, key.length + 8);
  return out;
}

export interface DecodedWindowKey {
  key: Buffer;
  windowStart: number;
  seqnum: number;
}

export function decodeWindowKey(bytes: Buffer): DecodedWindowKey {
  if (bytes.length < WINDOW_SUFFIX_BYTES) {
    throw new RangeError(`a window store key needs at least ${WINDOW_SUFFIX_BYTES} bytes (start + seqnum), got ${bytes.length}`);
  }
  const keyLength = bytes.length - WINDOW_SUFFIX_BYTES;
  return {
    key: bytes.subarray(0, keyLength),
    windowStart: readInt64(bytes, keyLength),
    seqnum: bytes.readInt32BE(keyLength + 8),
  };
}

/** [key][end][start] — Kafka's SessionKeySchema.toBinary. */
export function sessionKey(key: Buffer, start: number, end: number): Buffer {
  const out = Buffer.allocUnsafe(key.length + SESSION_SUFFIX_BYTES);
  key.copy(out, 0);
  writeInt64(out, key.length, end);
  writeInt64(out, key.length + 8, start);
  return out;
}

export interface DecodedSessionKey {
  key: Buffer;
  start: number;
  end: number;
}

export function decodeSessionKey(bytes: Buffer): DecodedSessionKey {
  if (bytes.length < SESSION_SUFFIX_BYTES) {
    throw new RangeError(`a session store key needs at least ${SESSION_SUFFIX_BYTES} bytes (end + start), got ${bytes.length}`);
  }
  const keyLength = bytes.length - SESSION_SUFFIX_BYTES;
  return { key: bytes.subarray(0, keyLength), end: readInt64(bytes, keyLength), start: readInt64(bytes, keyLength + 8) };
}

export function segmentPrefix(segmentId: number): Buffer {
  const out = Buffer.allocUnsafe(SEGMENT_PREFIX_BYTES);
  writeInt64(out, 0, segmentId);
  return out;
}

/** Window entries as (key, time = window start, sub = seqnum). */
export const WINDOW_SCHEMA: EntryKeySchema = {
  suffixBytes: WINDOW_SUFFIX_BYTES,
  encode: (key, time, sub) => windowKey(key, time, sub),
  writeSuffix(out, offset, time, sub) {
    writeInt64(out, offset, time);
    out.writeInt32BE(sub | 0, offset + 8);
  },
  writeMaxSuffix(out, offset, time) {
    writeInt64(out, offset, time);
    out.writeUInt32BE(0xffffffff, offset + 8);
  },
  timeAt: (bytes, offset) => readInt64(bytes, offset),
  subAt: (bytes, offset) => bytes.readInt32BE(offset + 8),
};

/** Session entries as (key, time = session end, sub = session start). */
export const SESSION_SCHEMA: EntryKeySchema = {
  suffixBytes: SESSION_SUFFIX_BYTES,
  encode: (key, time, sub) => sessionKey(key, sub, time),
  writeSuffix(out, offset, time, sub) {
    writeInt64(out, offset, time);
    writeInt64(out, offset + 8, sub);
  },
  writeMaxSuffix(out, offset, time) {
    writeInt64(out, offset, time);
    out.fill(0xff, offset + 8, offset + 16);
  },
  timeAt: (bytes, offset) => readInt64(bytes, offset),
  subAt: (bytes, offset) => readInt64(bytes, offset + 8),
};
