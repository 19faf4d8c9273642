/*
 * The cleaner's per-batch decision (rewrite phase): which records of a batch survive, whether
 * the batch goes, and the KIP-534 delete horizon.
 *
 * Per batch, in offset order:
 *   control (transaction marker)   goes when its transaction has no data left (MarkerTracker) and
 *                                  the batch's delete horizon has passed; a marker of an empty
 *                                  transaction without a horizon gets one (now + delete.retention.ms)
 *   transactional data, aborted    all records go
 *   transactional data, unknown    kept whole (its outcome is not known here)
 *   plain or committed data        a keyed record stays when it is the latest for its key; a
 *                                  tombstone (null value) that stays goes once the batch's delete
 *                                  horizon has passed; a batch keeping a tombstone without a
 *                                  horizon gets one; records without a key stay
 * A batch left without records is dropped, except the batch that holds an active producer's last
 * data offset, kept empty (no payload, no compression) so producer state can still be rebuilt from
 * the log. "Active" is Kafka's rule (LogCleaner's isBatchLastRecordOfProducer, apache/kafka
 * core/src/main/scala/kafka/log/LogCleaner.scala): the producer is still in the partition's
 * producer state, i.e. not expired (producer.id.expiration.ms). An active producer whose state has
 * no data offset (only a marker) keeps its marker of that epoch instead. An expired producer keeps
 * nothing: its last batch goes once empty, and its last marker then goes like any other.
 *
 * Delete horizon (KIP-534; Kafka's DefaultRecordBatch): attribute bit 6 set and baseTimestamp
 * holding the horizon; each record's timestampDelta is re-based so that baseTimestamp + delta is
 * still the record's own timestamp (deltas may go negative). Everything else of the header stays:
 * baseOffset, lastOffsetDelta (producer sequences still line up), maxTimestamp (retention by time
 * is unaffected), producer fields, codec; recordCount, batchLength and the CRC follow the records.
 */
import { Attributes, BATCH_HEADER_SIZE, Offsets, compressionOf, isControlBatch, isTransactionalBatch, readBatchHeader, updateCrc, type BatchHeader } from '../../protocol/records/batch-header.ts';
import { compress } from '../../protocol/records/compression.ts';
import { writeRecord, type RecordEntry } from '../../protocol/records/record.ts';
import { Writer } from '../../protocol/writer.ts';
import { decodeEntries, MarkerTracker, TxnOutcome, type KeyMap, type TxnOutcomes } from './cleaner-txn.ts';

export interface FilterStats {
  recordsRemoved: number;
  tombstonesRemoved: number;
  markersRemoved: number;
}

/** An active producer as the cleaner needs it (see the header). */
export interface ActiveProducer {
  /** Offset of the last record of its last data batch; null when its state holds none. */
  lastDataOffset: number | null;
  epoch: number;
}

/** Whether `h` is the batch an active producer's state rebuilds from (Kafka's rule, see the header). */
export function keepsProducerState(active: ReadonlyMap<bigint, ActiveProducer>, h: BatchHeader): boolean {
  const p = h.producerId >= 0n ? active.get(h.producerId) : undefined;
  if (p === undefined) return false;
  if (p.lastDataOffset !== null) return h.baseOffset + h.lastOffsetDelta === p.lastDataOffset;
  return isControlBatch(h.attributes) && h.producerEpoch === p.epoch;
}

export interface FilterContext {
  keys: KeyMap;
  outcomes: TxnOutcomes;
  /** True for a batch kept (emptied if need be) for its producer's state. */
  keepsProducerState: (h: BatchHeader) => boolean;
  now: number;
  deleteRetentionMs: number;
  stats: FilterStats;
}

/** The delete horizon stamped in a batch, or null when it has none. */
export function deleteHorizonOf(h: BatchHeader): number | null {
  return (h.attributes & Attributes.hasDeleteHorizon) !== 0 ? h.baseTimestamp : null;
}

export class BatchFilter {
  private readonly markers = new MarkerTracker();
  /** Earliest delete horizon left in the cleaned range (null: none); when the next cleaning is due. */
  earliestHorizon: number | null = null;
  /** Offsets of the markers kept because their transaction still had data (cleaner-txn-index.ts). */
  readonly markersKeptWithData = new Set<number>();

  constructor(private readonly ctx: FilterContext) {}

  /** The batch to write: the same bytes when nothing changes, a rewritten one, or null to drop it. */
  filter(batch: Buffer): Buffer | null {
    const h = readBatchHeader(batch);
    const horizon = deleteHorizonOf(h);
    const horizonPassed = horizon !== null && horizon <= this.ctx.now;
    if (isControlBatch(h.attributes)) {
      if (!isTransactionalBatch(h.attributes)) return batch;
      if (!this.markers.onMarker(h.producerId)) {
        this.markersKeptWithData.add(h.baseOffset);
        return batch;
      }
      if (this.ctx.keepsProducerState(h)) return batch;
      if (horizonPassed) {
        this.ctx.stats.markersRemoved++;
        return null;
      }
      if (horizon !== null) return this.keep(batch, horizon);
      return this.rebuild(batch, h, decodeEntries(batch), this.stampHorizon());
    }
    const transactional = isTransactionalBatch(h.attributes) && h.producerId >= 0n;
    if (transactional) this.markers.onData(h.producerId);
    const outcome = transactional ? this.ctx.outcomes.outcome(h.baseOffset) : TxnOutcome.Committed;
    if (outcome === TxnOutcome.Unknown) return batch;
    const entries = decodeEntries(batch);
    let tombstoneKept = false;
    const keep =
      outcome === TxnOutcome.Aborted
        ? []
        : entries.filter((rec) => {
            if (rec.key === null) return true;
            if (this.ctx.keys.get(rec.key.toString('latin1')) !== h.baseOffset + rec.offsetDelta) return false;
            if (rec.value !== null) return true;
            if (horizonPassed) {
              this.ctx.stats.tombstonesRemoved++;
              return false;
            }
            tombstoneKept = true;
            return true;
          });
    this.ctx.stats.recordsRemoved += entries.length - keep.length;
    const newHorizon = tombstoneKept && horizon === null ? this.stampHorizon() : null;
    // An empty batch (emptied by an earlier cleaning) goes too once its producer is no longer active.
    if (keep.length === 0 && !this.ctx.keepsProducerState(h)) return null;
    if (keep.length === entries.length && newHorizon === null) return horizon === null ? batch : this.keep(batch, horizon);
    if (horizon !== null && tombstoneKept) this.noteHorizon(horizon);
    return this.rebuild(batch, h, keep, newHorizon);
  }

  private stampHorizon(): number {
    const horizon = this.ctx.now + this.ctx.deleteRetentionMs;
    this.noteHorizon(horizon);
    return horizon;
  }

  private noteHorizon(horizon: number): void {
    if (horizon <= this.ctx.now) return; // a passed horizon left in a batch asks for nothing more
    if (this.earliestHorizon === null || horizon < this.earliestHorizon) this.earliestHorizon = horizon;
  }

  private keep(batch: Buffer, horizon: number): Buffer {
    this.noteHorizon(horizon);
    return batch;
  }

  /** Re-encodes `batch` with `records`; `horizon` non-null stamps it (re-basing timestamps). */
  private rebuild(batch: Buffer, h: BatchHeader, records: RecordEntry[], horizon: number | null): Buffer {
    const codec = records.length === 0 ? 0 : compressionOf(h.attributes);
    const shift = horizon === null ? 0 : h.baseTimestamp - horizon;
    let payload: Buffer = Buffer.alloc(0);
    if (records.length > 0) {
      const w = new Writer(batch.length);
      for (const rec of records) writeRecord(w, shift === 0 ? rec : { ...rec, timestampDelta: rec.timestampDelta + shift });
      payload = compress(codec, w.finish());
    }
    const out = Buffer.allocUnsafe(BATCH_HEADER_SIZE + payload.length);
    batch.copy(out, 0, 0, BATCH_HEADER_SIZE);
    out.writeInt32BE(out.length - 12, Offsets.batchLength);
    let attributes = (h.attributes & ~Attributes.compressionMask) | codec;
    if (horizon !== null) {
      attributes |= Attributes.hasDeleteHorizon;
      out.writeBigInt64BE(BigInt(horizon), Offsets.baseTimestamp);
    }
    out.writeInt16BE(attributes, Offsets.attributes);
    out.writeInt32BE(records.length, Offsets.recordCount);
    payload.copy(out, BATCH_HEADER_SIZE);
    updateCrc(out);
    return out;
  }
}
