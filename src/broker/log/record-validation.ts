/*
 * The record-level half of append validation (Kafka's LogValidator): every record of a client
 * batch is walked once, after the batch header and CRC were checked (append-validation.ts), so
 * that no batch a strict decoder would reject ever reaches the log. A CRC only proves the bytes
 * arrived as the producer wrote them, not that the producer wrote records.
 *
 * Records region: the bytes after the 61-byte header, decompressed first when the codec is not 0
 * (everything after recordCount is then one compressed blob). Each record v2 is
 *
 *   length varint | attributes int8 | timestampDelta varlong | offsetDelta varint |
 *   keyLength varint (-1 = null) key | valueLength varint (-1 = null) value |
 *   headerCount varint { headerKeyLength varint (≥ 0) key | headerValueLength varint (≥ -1) value }*
 *
 * Rules (failure → Kafka code; index = the record's position in its batch, reported per KIP-467):
 *   - the blob decompresses                                              CORRUPT_MESSAGE 2
 *   - exactly recordCount records, no trailing bytes                      CORRUPT_MESSAGE 2
 *   - every varint complete and ≤ its width; every length in −1..bytes left, a record's fields end
 *     exactly at its `length`                                            CORRUPT_MESSAGE 2 + index
 *   - offsetDelta of record i is i (so lastOffsetDelta = recordCount − 1 holds for the records,
 *     not only for the header)                                           INVALID_RECORD 87 + index
 *   - on a compacted topic every record has a key ("Compacted topic cannot accept message
 *     without key")                                                     INVALID_RECORD 87 + all indexes
 *
 * Cost: one pass over the bytes with one reused result slot — no allocation per record. The
 * decompression is the only allocation, and compressed batches are decompressed once.
 */
import { BATCH_HEADER_SIZE, Offsets, compressionOf } from '../../protocol/records/batch-header.ts';
import { decompress } from '../../protocol/records/compression.ts';
import { readVarlongNumber, type VarintRead } from '../../util/varint.ts';
import { LogError, LogErrorCodes, type RecordError } from './log-errors.ts';

/** The one result slot every walk reuses (the log is single-threaded). */
const slot: VarintRead = { value: 0, next: 0 };

/** Thrown inside the walk; carries the failing record's index. */
class RecordProblem {
  constructor(
    readonly code: typeof LogErrorCodes.CORRUPT_MESSAGE | typeof LogErrorCodes.INVALID_RECORD,
    readonly index: number,
    readonly message: string,
  ) {}
}

/**
 * Validates the records of the (CRC-checked) client batch `batch`; `batchNo` names it in messages.
 * Throws a LogError with record errors (KIP-467) when a rule above is broken.
 */
export function validateBatchRecords(topicPartition: string, batch: Buffer, batchNo: number, requireKeys: boolean): void {
  const count = batch.readInt32BE(Offsets.recordCount);
  const codec = compressionOf(batch.readInt16BE(Offsets.attributes));
  let records: Buffer;
  try {
    records = codec === 0 ? batch.subarray(BATCH_HEADER_SIZE) : decompress(codec, batch.subarray(BATCH_HEADER_SIZE));
  } catch (err) {
    throw recordsError(topicPartition, batchNo, new RecordProblem(LogErrorCodes.CORRUPT_MESSAGE, -1, (err as Error).message));
  }
  const keyless: number[] = [];
  try {
    walk(records, count, requireKeys ? keyless : null);
  } catch (err) {
    const problem = err instanceof RecordProblem ? err : new RecordProblem(LogErrorCodes.CORRUPT_MESSAGE, -1, (err as Error).message);
    throw recordsError(topicPartition, batchNo, problem);
  }
  if (keyless.length > 0) {
    const message = 'Compacted topic cannot accept message without key';
    throw new LogError(
      LogErrorCodes.INVALID_RECORD,
      `${topicPartition}: batch ${batchNo}: ${message} (${keyless.length} keyless record(s)); nothing was written`,
      keyless.map((i) => ({ batchIndex: i, message: `${message} in topic partition ${topicPartition}` })),
    );
  }
}

function recordsError(topicPartition: string, batchNo: number, p: RecordProblem): LogError {
  const where = p.index >= 0 ? `batch ${batchNo}, record ${p.index}` : `batch ${batchNo}`;
  const detail = `${where}: ${p.message}`;
  const recordErrors: RecordError[] = p.index >= 0 ? [{ batchIndex: p.index, message: p.message }] : [];
  const text =
    p.code === LogErrorCodes.CORRUPT_MESSAGE
      ? `${topicPartition}: rejected a corrupt record batch (${detail}); nothing was written — the producer should resend a well-formed v2 batch`
      : `${topicPartition}: invalid record batch (${detail}); nothing was written`;
  return new LogError(p.code, text, recordErrors);
}

/** Position after the last varint `zigzag` read (module state: the walk is synchronous). */
let next = 0;

/**
 * The zigzag int32 varint at `pos`, read no further than `end`; NaN when it is truncated there or
 * longer than 5 bytes / 32 bits (the same rules as util/varint.ts readVarint, without throwing).
 */
function zigzag(buf: Buffer, pos: number, end: number): number {
  let v = 0;
  for (let shift = 0; shift < 35; shift += 7) {
    if (pos >= end) return Number.NaN;
    const b = buf[pos++] as number;
    if (shift === 28 && b > 0x0f) return Number.NaN;
    v |= (b & 0x7f) << shift;
    if (b < 0x80) {
      next = pos;
      return (v >>> 1) ^ -(v & 1);
    }
  }
  return Number.NaN;
}

/** Walks `count` records filling `buf` exactly; collects keyless record indexes when asked. */
function walk(buf: Buffer, count: number, keyless: number[] | null): void {
  const end = buf.length;
  let pos = 0;
  for (let i = 0; i < count; i++) {
    if (pos >= end) throw corrupt(i, `recordCount is ${count} but the batch holds only ${i} record(s)`);
    const length = zigzag(buf, pos, end);
    if (Number.isNaN(length)) throw corrupt(i, 'record length is not a valid varint');
    const bodyStart = next;
    const bodyEnd = bodyStart + length;
    if (length < 6 || bodyEnd > end) {
      throw corrupt(i, `record length ${length} is outside 6..${end - bodyStart} (the bytes left in the batch)`);
    }
    // attributes int8 at bodyStart, then timestampDelta (1 byte in the common case).
    let p = bodyStart + 1;
    if ((buf[p] as number) < 0x80) p++;
    else p = timestampEnd(buf, p, bodyEnd, i);
    const offsetDelta = zigzag(buf, p, bodyEnd);
    if (Number.isNaN(offsetDelta)) throw corrupt(i, 'offsetDelta is not a valid varint inside the record');
    p = next;
    if (offsetDelta !== i) {
      throw new RecordProblem(LogErrorCodes.INVALID_RECORD, i, `offsetDelta ${offsetDelta} where ${i} was expected (offsets must be consecutive)`);
    }
    const keyLength = zigzag(buf, p, bodyEnd);
    p = field(keyLength, bodyEnd, i, 'key', true);
    if (keyLength < 0 && keyless !== null) keyless.push(i);
    p = field(zigzag(buf, p, bodyEnd), bodyEnd, i, 'value', true);
    const headers = zigzag(buf, p, bodyEnd);
    if (Number.isNaN(headers) || headers < 0) throw corrupt(i, `header count ${headers} is invalid`);
    p = next;
    for (let h = 0; h < headers; h++) {
      p = field(zigzag(buf, p, bodyEnd), bodyEnd, i, `header ${h} key`, false);
      p = field(zigzag(buf, p, bodyEnd), bodyEnd, i, `header ${h} value`, true);
    }
    if (p !== bodyEnd) throw corrupt(i, `record length says ${length} bytes but its fields take ${p - bodyStart}`);
    pos = bodyEnd;
  }
  if (pos !== end) throw corrupt(-1, `${end - pos} trailing byte(s) after the ${count} record(s) the header counts`);
}

/** Skips a multi-byte timestampDelta varlong; it must be a safe integer, as decoders read it. */
function timestampEnd(buf: Buffer, p: number, bodyEnd: number, index: number): number {
  try {
    readVarlongNumber(buf, p, slot);
  } catch (err) {
    throw corrupt(index, `timestampDelta: ${(err as Error).message}`);
  }
  if (slot.next > bodyEnd) throw corrupt(index, 'timestampDelta runs past the end of the record');
  return slot.next;
}

/**
 * A length-prefixed field whose length varint was just read (`length`, NaN when invalid; its
 * bytes start at `next`); returns the position after the field.
 */
function field(length: number, bodyEnd: number, index: number, what: string, nullable: boolean): number {
  if (Number.isNaN(length)) throw corrupt(index, `${what} length is not a valid varint inside the record`);
  if (length < (nullable ? -1 : 0)) throw corrupt(index, `${what} length ${length} is invalid`);
  const end = next + (length > 0 ? length : 0);
  if (end > bodyEnd) throw corrupt(index, `${what} of ${length} bytes runs past the end of the record`);
  return end;
}

function corrupt(index: number, message: string): RecordProblem {
  return new RecordProblem(LogErrorCodes.CORRUPT_MESSAGE, index, message);
}
