/*
 * The one decoder of a Fetch response partition's `records` bytes, for both consumers: the
 * records at or after `position`, read_committed filtering, and the next position.
 *
 *   - the broker returns whole batches, so the first may start below the position (its records
 *     there are dropped) and the last may be cut off (iterateBatches stops before it);
 *   - a control batch (transaction marker, attribute bit 0x20) ends its producer's transaction,
 *     commit or abort, even below the position, so a later transaction is not dropped; it
 *     carries no records but the position moves past it;
 *   - read_committed: a transactional batch (bit 0x10) of a producer whose aborted transaction
 *     (AbortedTransactions: producer id, first offset) started at or before it is skipped;
 *   - the next position is one past the last batch seen.
 * A batch that cannot be decoded (CRC mismatch, bad lengths, an old magic 0/1 message set) fails
 * with a non-retriable KafkaClientError typed CORRUPT_MESSAGE naming topic, partition and the
 * batch's offset: refetching returns the same bytes, so it is not a connectivity problem.
 */
import { decodeRecordBatch, iterateBatches, type DecodedRecord } from '../../protocol/records/record-batch.ts';
import { KafkaClientError } from '../errors.ts';

export interface AbortedTransaction {
  readonly producerId: bigint;
  readonly firstOffset: bigint;
}

const CONTROL = 0x20;
const TRANSACTIONAL = 0x10;

/** Appends `make(record)` for each record at or after `position` to `out`; returns the next position. */
export function decodeFetchedRecords<R>(
  topic: string,
  partition: number,
  position: number,
  bytes: Buffer | null,
  aborted: readonly AbortedTransaction[] | null,
  readCommitted: boolean,
  make: (r: DecodedRecord) => R,
  out: R[],
): number {
  if (bytes === null || bytes.length === 0) return position;
  const abortStarts = !readCommitted || aborted === null || aborted.length === 0 ? [] : [...aborted].sort((a, b) => (a.firstOffset < b.firstOffset ? -1 : 1));
  const abortedNow = new Set<bigint>();
  let next = position;
  let at = position;
  try {
    for (const b of iterateBatches(bytes)) {
      const h = b.header;
      at = h.baseOffset;
      const last = h.baseOffset + h.lastOffsetDelta;
      while (abortStarts.length > 0 && Number(abortStarts[0]!.firstOffset) <= h.baseOffset) abortedNow.add(abortStarts.shift()!.producerId);
      if ((h.attributes & CONTROL) !== 0) {
        abortedNow.delete(h.producerId);
        if (last >= next) next = last + 1;
        continue;
      }
      if (last < position) continue;
      next = last + 1;
      if ((h.attributes & TRANSACTIONAL) !== 0 && abortedNow.has(h.producerId)) continue;
      for (const r of decodeRecordBatch(b.bytes).records) if (r.offset >= position) out.push(make(r));
    }
  } catch (err) {
    throw new KafkaClientError(`the record batch of ${topic}-${partition} at offset ${at} cannot be decoded (fetched at offset ${position}): ${(err as Error).message}`, {
      retriable: false,
      cause: err,
      kafkaType: 'CORRUPT_MESSAGE',
    });
  }
  return next;
}
