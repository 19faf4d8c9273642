/*
 * Validation of the records a producer (or a coordinator) hands to `PartitionLog.append`, done in
 * full before a single byte is written, so a rejected append leaves the log untouched.
 *
 * The input is one or more v2 batches back to back. Checks, in order, with the Kafka code each
 * failure carries:
 *   no bytes / trailing bytes / bad length / magic ≠ 2 / codec > 4 / bad CRC   CORRUPT_MESSAGE 2
 *   a batch larger than max.message.bytes                                   MESSAGE_TOO_LARGE 10
 *   a control batch sent by a client                                        INVALID_RECORD 87
 *   recordCount < 1 or lastOffsetDelta ≠ recordCount − 1 (client batches)    INVALID_RECORD 87
 *   then every record of a client batch (record-validation.ts)              2 / 87 with record errors
 * The client-sent baseOffset is ignored (clients send 0); the log assigns offsets.
 */
import { LOG_OVERHEAD, Offsets, isControlBatch } from '../../protocol/records/batch-header.ts';
import { batchProblem } from './batch-scan.ts';
import { corruptMessage, invalidRecord, messageTooLarge } from './log-errors.ts';
import { validateBatchRecords } from './record-validation.ts';

/** Who is appending: clients may not write control batches; the coordinators may. */
export type AppendOrigin = 'client' | 'coordinator';

export interface ValidBatch {
  /** Position of the batch in the input buffer. */
  position: number;
  size: number;
  lastOffsetDelta: number;
  maxTimestamp: number;
  attributes: number;
}

export function validateRecords(
  topicPartition: string,
  records: Buffer,
  maxMessageBytes: number,
  origin: AppendOrigin,
  requireKeys = false,
): ValidBatch[] {
  if (records.length === 0) throw corruptMessage(topicPartition, 'the records field holds no batch');
  const out: ValidBatch[] = [];
  let pos = 0;
  while (pos < records.length) {
    const problem = batchProblem(records, pos, true);
    if (problem !== null) throw corruptMessage(topicPartition, `batch ${out.length} at byte ${pos}: ${problem}`);
    const size = LOG_OVERHEAD + records.readInt32BE(pos + Offsets.batchLength);
    if (size > maxMessageBytes) throw messageTooLarge(topicPartition, size, maxMessageBytes);
    const attributes = records.readInt16BE(pos + Offsets.attributes);
    const lastOffsetDelta = records.readInt32BE(pos + Offsets.lastOffsetDelta);
    if (origin === 'client') {
      if (isControlBatch(attributes)) throw invalidRecord(topicPartition, 'clients may not write control batches');
      const count = records.readInt32BE(pos + Offsets.recordCount);
      if (count < 1 || lastOffsetDelta !== count - 1) {
        throw invalidRecord(topicPartition, `recordCount ${count} does not match lastOffsetDelta ${lastOffsetDelta}`);
      }
      // Coordinators write records they built themselves; only client bytes need walking.
      validateBatchRecords(topicPartition, records.subarray(pos, pos + size), out.length, requireKeys);
    }
    out.push({
      position: pos,
      size,
      lastOffsetDelta,
      maxTimestamp: Number(records.readBigInt64BE(pos + Offsets.maxTimestamp)),
      attributes,
    });
    pos += size;
  }
  return out;
}
