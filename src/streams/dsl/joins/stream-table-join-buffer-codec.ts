/*
 * The rows and changelog records of a stream–table join's grace buffer, byte for byte as Kafka
 * Streams writes them (apache/kafka, streams/src/main/java/org/apache/kafka/streams/state/
 * internals/: RocksDBTimeOrderedKeyValueBuffer.put/logValue/logTombstone,
 * PrefixedWindowKeySchemas.TimeFirstWindowKeySchema.toStoreKeyBinary, BufferValue.serialize,
 * and processor/internals/ProcessorRecordContext.serialize), so a Java application's buffer
 * changelog restores here and Tributary's is the one a Java instance would write.
 *
 * Key — the store key and, unchanged, the changelog record key (all integers big-endian):
 *   u8    0x00 (TimeFirstWindowKeySchema's TIME_FIRST_PREFIX)
 *   i64   the record's timestamp (never negative: such records are joined at once, unbuffered)
 *   ...   the serialized record key
 *   i32   sequence number (Kafka: 1, 2, … per instance, masked to 31 bits), so equal keys at
 *         one timestamp do not overwrite each other
 * Unsigned byte order of keys is therefore (timestamp, key bytes, sequence): the eviction order.
 *
 * Value — the changelog record value (no record headers), and the stored row:
 *   record context  i64 timestamp ‖ i64 input offset (-1 unknown) ‖ i32 length + UTF-8 input
 *                   topic ("" unknown) ‖ i32 input partition (-1 unknown) ‖ i32 header count ‖
 *                   per header: i32 length + UTF-8 name, i32 length (-1 null) + value bytes
 *   i32 -1          prior value: null (a join buffer keeps none)
 *   i32 -1          old value: null
 *   i32 + bytes     the record's serialized value
 *   i64 0           buffer time (BufferKey(0L, …), appended by logValue)
 * An evicted entry is logged as a tombstone under its key. This is suppress-changelog-codec.ts's
 * version-3 value; decodeBufferValue there reads it strictly (every byte accounted for).
 *
 * Tributary's earlier layout (read, never written; docs/internal-formats.md):
 *   changelog key = i64 timestamp ‖ key bytes ‖ i32 sequence (no prefix byte); the store row
 *   key was 0x00 ‖ that, which is byte for byte the Kafka key of the same entry.
 *   value = i32 header count ‖ per header: i32 name length ‖ UTF-8 name ‖ i32 value length ‖
 *   bytes ‖ the value bytes (the rest). No input offset, topic or partition: restored as unknown.
 * A Kafka value cannot be mistaken for a legacy one by accident: it must parse exactly, with the
 * two null markers (eight 0xff bytes) right where the context ends and a final zero buffer time.
 */
import { setHeader } from '../../../util/record-headers.ts';
import { decodeBufferValue, encodeLoggedEntry, type BufferRecordContext } from '../windowed/suppress-changelog-codec.ts';

export const TIME_FIRST_PREFIX = 0x00;
/** prefix + timestamp + sequence: a key is at least this long. */
const KEY_OVERHEAD = 13;
const LEGACY_KEY_OVERHEAD = 12;

/** 0x00 ‖ i64 timestamp ‖ key bytes ‖ i32 sequence. */
export function bufferKey(keyBytes: Buffer, timestamp: number, seq: number): Buffer {
  const key = Buffer.allocUnsafe(KEY_OVERHEAD + keyBytes.length);
  key[0] = TIME_FIRST_PREFIX;
  key.writeBigInt64BE(BigInt(timestamp), 1);
  keyBytes.copy(key, 9);
  key.writeInt32BE(seq, 9 + keyBytes.length);
  return key;
}

export function isBufferKey(key: Buffer): boolean {
  return key.length >= KEY_OVERHEAD && key[0] === TIME_FIRST_PREFIX;
}

export const keyTimestamp = (key: Buffer): number => Number(key.readBigInt64BE(1));
export const keySequence = (key: Buffer): number => key.readInt32BE(key.length - 4);
export const keyBytesOf = (key: Buffer): Buffer => key.subarray(9, key.length - 4);

/** A buffered record: its context (timestamp, origin, headers) and its serialized value. */
export interface BufferEntry {
  context: BufferRecordContext;
  value: Buffer;
}

export function encodeBufferEntry(e: BufferEntry): Buffer {
  return encodeLoggedEntry({ bufferTime: 0, context: e.context, prior: null, old: null, new: e.value }).value;
}

/** The entry if `value` is exactly Kafka's layout, else undefined. */
export function decodeKafkaEntry(value: Buffer): BufferEntry | undefined {
  try {
    const e = decodeBufferValue(value);
    if (e.prior !== null || e.old !== null || e.new === null) return undefined;
    return { context: e.context, value: e.new };
  } catch {
    return undefined;
  }
}

/** Reads Tributary's earlier value layout; undefined when the bytes are not one. */
export function decodeLegacyEntry(timestamp: number, b: Buffer): BufferEntry | undefined {
  if (b.length < 4) return undefined;
  const headers: Record<string, Buffer> = {};
  let pos = 4;
  const count = b.readInt32BE(0);
  if (count < 0) return undefined;
  for (let i = 0; i < count; i++) {
    if (pos + 4 > b.length) return undefined;
    const nl = b.readInt32BE(pos);
    if (nl < 0 || pos + 4 + nl + 4 > b.length) return undefined;
    const name = b.toString('utf8', pos + 4, pos + 4 + nl);
    pos += 4 + nl;
    const vl = b.readInt32BE(pos);
    if (vl < 0 || pos + 4 + vl > b.length) return undefined;
    setHeader(headers, name, b.subarray(pos + 4, pos + 4 + vl));
    pos += 4 + vl;
  }
  return { context: { timestamp, offset: -1, topic: undefined, partition: -1, headers }, value: b.subarray(pos) };
}

/** What one non-tombstone changelog record (or stored row) turned out to be. */
export type DecodedRecord =
  | { layout: 'kafka'; key: Buffer; entry: BufferEntry }
  /** `key` is the Kafka key the entry now lives under; `legacyKey` the record's own key. */
  | { layout: 'legacy'; key: Buffer; legacyKey: Buffer; entry: BufferEntry };

/**
 * Classifies a changelog record: Kafka's layout, else Tributary's earlier one, else an error
 * that names the store and `where` ("changelog record at offset 41").
 */
export function decodeChangelogRecord(store: string, where: string, key: Buffer, value: Buffer): DecodedRecord {
  if (isBufferKey(key)) {
    const entry = decodeKafkaEntry(value);
    if (entry !== undefined) return { layout: 'kafka', key, entry };
  }
  if (key.length >= LEGACY_KEY_OVERHEAD) {
    const entry = decodeLegacyEntry(Number(key.readBigInt64BE(0)), value);
    if (entry !== undefined) return { layout: 'legacy', key: Buffer.concat([Buffer.from([TIME_FIRST_PREFIX]), key]), legacyKey: Buffer.from(key), entry };
  }
  throw new Error(
    `join buffer "${store}": ${where} (key ${key.length} bytes, value ${value.length} bytes) is neither Kafka's buffer layout nor Tributary's earlier one; was the changelog topic written by another application?`,
  );
}
