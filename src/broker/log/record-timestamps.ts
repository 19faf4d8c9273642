/*
 * ListOffsets by timestamp: the first offset ≥ the log start whose record timestamp ≥ target.
 *   1 skip segments whose largest timestamp < target
 *   2 in the first other segment, start at the time index's hint (every batch before it is older)
 *   3 scan batch headers to the first batch with maxTimestamp ≥ target
 *   4 inside that batch, the first record with timestamp ≥ target (none → keep scanning)
 *
 * Step 4 reads only the leading fields of each record v2, then skips the record by its length:
 *   length varint | attributes int8 | timestampDelta varlong | offsetDelta varint | …
 * timestamp = baseTimestamp + timestampDelta, offset = baseOffset + offsetDelta. With
 * LogAppendTime every record's timestamp is the batch maxTimestamp.
 *
 * Compressed batches hold the records as one compressed blob, decompressed with the shared
 * codecs (src/protocol/records/compression.ts) and then walked the same way. The log also looks
 * inside records in the cleaner and in append validation (record-validation.ts); fetch never does.
 */
import { BATCH_HEADER_SIZE, Attributes, compressionOf, readBatchHeader } from '../../protocol/records/batch-header.ts';
import { readVarint, readVarlongNumber, type VarintRead } from '../../util/varint.ts';
import { decompress } from '../../protocol/records/compression.ts';
import type { LogSegment } from './log-segment.ts';

export interface FoundRecord {
  offset: number;
  timestamp: number;
}

export function findOffsetByTimestamp(segments: readonly LogSegment[], target: number, logStartOffset: number): FoundRecord | null {
  for (const seg of segments) {
    if (seg.maxTimestamp < target || seg.nextOffset <= logStartOffset) continue;
    let result: FoundRecord | null = null;
    seg.scanFromPosition(seg.timestampScanStart(target), (h, pos) => {
      if (h.maxTimestamp < target || h.baseOffset + h.lastOffsetDelta < logStartOffset) return true;
      result = findRecordByTimestamp(seg.readBatchAt(pos), target, logStartOffset);
      return result === null;
    });
    if (result !== null) return result;
  }
  return null;
}

export function findRecordByTimestamp(batch: Buffer, target: number, minOffset: number): FoundRecord | null {
  const h = readBatchHeader(batch, 0);
  const lastOffset = h.baseOffset + h.lastOffsetDelta;
  if (h.maxTimestamp < target || lastOffset < minOffset) return null;
  const logAppendTime = (h.attributes & Attributes.timestampTypeLogAppend) !== 0;
  const codec = compressionOf(h.attributes);
  const records = codec === 0 ? batch : decompress(codec, batch.subarray(BATCH_HEADER_SIZE));
  const v: VarintRead = { value: 0, next: 0 };
  let pos = codec === 0 ? BATCH_HEADER_SIZE : 0;
  for (let i = 0; i < h.recordCount && pos < records.length; i++) {
    readVarint(records, pos, v);
    const length = v.value;
    const bodyStart = v.next;
    readVarlongNumber(records, bodyStart + 1, v); // skip attributes int8
    const timestamp = logAppendTime ? h.maxTimestamp : h.baseTimestamp + v.value;
    readVarint(records, v.next, v);
    const offset = h.baseOffset + v.value;
    if (offset >= minOffset && timestamp >= target) return { offset, timestamp };
    pos = bodyStart + length;
  }
  return null;
}
