/*
 * Reads decoded records of one partition log for the console (the message browser and the
 * application directory): from an offset, below the high watermark, at most `limit` records,
 * off the event loop (PartitionLog.readAsync, as Fetch reads).
 *
 * Invariants: records come in offset order, each at or after `from`; control batches
 * (transaction markers) are skipped but advance `next`; `next` is the offset after the last
 * record returned, or after the last batch read when fewer than `limit` records were found, and
 * never passes the high watermark.
 */
import type { PartitionLog } from '../broker/log/partition-log.ts';
import { decodeRecordBatch, iterateBatches, type DecodedRecord } from '../protocol/records/record-batch.ts';

const READ_CHUNK_BYTES = 1024 * 1024;

export async function readRecords(log: PartitionLog, from: number, limit: number): Promise<{ records: DecodedRecord[]; next: number; highWatermark: number }> {
  const hw = log.highWatermark;
  const records: DecodedRecord[] = [];
  let next = Math.min(Math.max(from, log.logStartOffset), hw);
  while (records.length < limit && next < hw) {
    const read = await log.readAsync(next, { maxBytes: READ_CHUNK_BYTES });
    let advanced = false;
    for (const chunk of read.chunks) {
      for (const slice of iterateBatches(chunk)) {
        const batch = decodeRecordBatch(slice.bytes);
        if (!batch.isControl) {
          for (const r of batch.records) {
            if (r.offset < next) continue;
            records.push(r);
            if (records.length === limit) return { records, next: r.offset + 1, highWatermark: hw };
          }
        }
        const after = slice.header.baseOffset + slice.header.lastOffsetDelta + 1;
        if (after > next) {
          next = Math.min(after, hw);
          advanced = true;
        }
      }
    }
    if (!advanced) break;
  }
  return { records, next, highWatermark: hw };
}
