/*
 * Reading the suppress-buffer changelog layout that Tributary wrote before it adopted Kafka's
 * (suppress-changelog-codec.ts), so an application restarted after the upgrade restores the
 * windows it had buffered instead of losing them. Nothing writes this layout any more: an entry
 * restored from it is logged in Kafka's format at its next change, and compaction drops the old
 * record.
 *
 * Records in this layout have no "v" header, and their first byte is the format version 0x01.
 * Value layout (all integers big-endian):
 *   u8     format version (1)
 *   i64    buffer time
 *   i64    record timestamp
 *   u8     flags: bit 0 = the prior value is the old value (the key was buffered once)
 *   i32    topic length in bytes, -1 = unknown; then the UTF-8 topic
 *   i32    header count; per header: i32 name length + UTF-8 name, i32 value length + bytes
 *   3 ×    i32 length (-1 = null) + value bytes, for prior, old and new value (in that order;
 *          prior is omitted — length -2 — when flag bit 0 says it is the old value)
 * The layout kept no input offset or partition: they restore as -1 (unknown), as Kafka's own
 * record context for a record of no known origin.
 */
import { Reader } from '../../../protocol/reader.ts';
import { setHeader } from '../../../util/record-headers.ts';
import type { LoggedEntry } from './suppress-changelog-codec.ts';

export const LEGACY_FORMAT_BYTE = 1;
const SAME_AS_OLD = -2;

export function decodeLegacyEntry(data: Buffer): LoggedEntry {
  const r = new Reader(data, 1);
  const bufferTime = Number(r.int64());
  const timestamp = Number(r.int64());
  const priorIsOld = (r.int8() & 1) === 1;
  const topic = r.nullableBytes()?.toString('utf8');
  const count = r.int32();
  if (count < 0) throw new Error(`legacy layout: header count ${count}`);
  const headers: Record<string, Buffer> = {};
  for (let i = 0; i < count; i++) {
    const name = r.bytes().toString('utf8');
    setHeader(headers, name, r.bytes());
  }
  let prior: Buffer | null = null;
  if (priorIsOld) {
    if (r.int32() !== SAME_AS_OLD) throw new Error('legacy layout: prior value flag and length disagree');
  } else {
    prior = r.nullableBytes();
  }
  const old = r.nullableBytes();
  const newValue = r.nullableBytes();
  if (r.remaining() !== 0) throw new Error(`legacy layout: ${r.remaining()} bytes left over`);
  return {
    bufferTime,
    context: { timestamp, offset: -1, topic, partition: -1, headers },
    prior: priorIsOld ? old : prior,
    old,
    new: newValue,
  };
}
