/*
 * One record inside a record batch v2 (Kafka's DefaultRecord). Every integer is a zigzag varint
 * (varlong for the timestamp delta):
 *
 *   length          varint   bytes after this field
 *   attributes      int8     unused, 0
 *   timestampDelta  varlong  record timestamp − batch baseTimestamp
 *   offsetDelta     varint   record offset − batch baseOffset
 *   keyLength       varint   -1 = null key; then key bytes
 *   valueLength     varint   -1 = null value; then value bytes
 *   headerCount     varint
 *     headerKeyLength varint, header key (UTF-8, never null)
 *     headerValueLength varint (-1 = null), header value
 *
 * Decoding returns key/value/header values as zero-copy subarrays of the (decompressed) records
 * buffer. Timestamp deltas use the number fast path (safe integers; epoch milliseconds are).
 */
import type { Reader } from '../reader.ts';
import type { Writer } from '../writer.ts';
import { sizeOfVarint, sizeOfVarlongNumber } from '../../util/varint.ts';
import { CorruptRecordError } from '../protocol-errors.ts';

export interface RecordHeader {
  key: string;
  value: Buffer | null;
}

export interface RecordEntry {
  attributes: number;
  timestampDelta: number;
  offsetDelta: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeader[];
}

function sizeOfNullableBytes(b: Buffer | null): number {
  return b === null ? 1 : sizeOfVarint(b.length) + b.length;
}

/** The body size (everything after the length varint) of a record. */
export function recordBodySize(rec: RecordEntry, headerKeyLengths: number[]): number {
  let size = 1 + sizeOfVarlongNumber(rec.timestampDelta) + sizeOfVarint(rec.offsetDelta);
  size += sizeOfNullableBytes(rec.key) + sizeOfNullableBytes(rec.value);
  size += sizeOfVarint(rec.headers.length);
  for (let i = 0; i < rec.headers.length; i++) {
    const h = rec.headers[i]!;
    const kl = Buffer.byteLength(h.key, 'utf8');
    headerKeyLengths.push(kl);
    size += sizeOfVarint(kl) + kl + sizeOfNullableBytes(h.value);
  }
  return size;
}

function writeNullableBytes(w: Writer, b: Buffer | null): void {
  if (b === null) w.varint(-1);
  else {
    w.varint(b.length);
    w.raw(b);
  }
}

const scratchLengths: number[] = [];

/** Writes one record (length prefix included). */
export function writeRecord(w: Writer, rec: RecordEntry): void {
  scratchLengths.length = 0;
  const size = recordBodySize(rec, scratchLengths);
  w.varint(size);
  w.int8(rec.attributes);
  w.varlongNumber(rec.timestampDelta);
  w.varint(rec.offsetDelta);
  writeNullableBytes(w, rec.key);
  writeNullableBytes(w, rec.value);
  w.varint(rec.headers.length);
  for (let i = 0; i < rec.headers.length; i++) {
    const h = rec.headers[i]!;
    w.varint(scratchLengths[i]!);
    w.utf8(h.key, scratchLengths[i]!);
    writeNullableBytes(w, h.value);
  }
}

function readNullableBytes(r: Reader, what: string): Buffer | null {
  const len = r.varint();
  if (len === -1) return null;
  if (len < -1) throw new CorruptRecordError(`record ${what} length ${len} is negative`);
  if (len > r.remaining()) throw new CorruptRecordError(`record ${what} length ${len} exceeds the ${r.remaining()} bytes left`);
  return r.raw(len);
}

/** Reads one record; checks that its fields use exactly the length it declares. */
export function readRecord(r: Reader): RecordEntry {
  const length = r.varint();
  if (length < 0 || length > r.remaining()) {
    throw new CorruptRecordError(`record length ${length} at byte ${r.pos} is invalid (${r.remaining()} bytes left)`);
  }
  const end = r.pos + length;
  const attributes = r.int8();
  const timestampDelta = r.varlongNumber();
  const offsetDelta = r.varint();
  const key = readNullableBytes(r, 'key');
  const value = readNullableBytes(r, 'value');
  const count = r.varint();
  if (count < 0) throw new CorruptRecordError(`record header count ${count} is negative`);
  const headers: RecordHeader[] = [];
  for (let i = 0; i < count; i++) {
    const kl = r.varint();
    if (kl < 0 || kl > r.remaining()) throw new CorruptRecordError(`record header key length ${kl} is invalid`);
    const hk = r.raw(kl).toString('utf8');
    headers.push({ key: hk, value: readNullableBytes(r, 'header value') });
  }
  if (r.pos !== end) {
    throw new CorruptRecordError(`record declares ${length} bytes but its fields use ${length + r.pos - end}`);
  }
  return { attributes, timestampDelta, offsetDelta, key, value, headers };
}
