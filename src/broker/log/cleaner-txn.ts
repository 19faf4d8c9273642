/*
 * Transactions as the log cleaner sees them (the ideas of Kafka's CleanedTransactionMetadata in
 * core/src/main/scala/kafka/log/LogCleaner.scala, built here from the log itself).
 *
 * Map phase (TxnOutcomes), in offset order over the cleanable range:
 *   - a producer's transactional data batches since its last marker are pending, with the keys
 *     (and offsets) of their records;
 *   - its next marker settles them: COMMIT → the keys join the key map like any other record
 *     (so a committed value shadows earlier ones), ABORT → the batches are aborted (all their
 *     records go);
 *   - transactions still pending at the end of the range are settled by the marker found beyond
 *     it (settleBeyond: headers scanned up to the log end). The range ends at or below the last
 *     stable offset, so every transaction in it has a marker; one that has none (it cannot happen
 *     unless the log was changed underneath) is Unknown: kept whole, never shadowing anything.
 * The key map keeps, per key, the highest offset seen (KeyMap.put), because committed keys join
 * at their marker, after plain records of higher offsets may already have been seen.
 *
 * Rewrite phase (MarkerTracker), in offset order over the same range: a marker can go only when
 * no data batch of its transaction is left in the log, i.e. none was read between the producer's
 * previous marker and this one. That is why removal takes two cleanings (Kafka's two passes): the
 * one that removes the last data of a transaction sees the data and keeps the marker; a later one
 * finds the transaction empty, stamps the delete horizon into the marker's batch (KIP-534), and a
 * cleaning after the horizon removes it. Until then read_committed consumers still learn the
 * outcome of any data they read. Empty batches kept for producer state count as data.
 */
import { BATCH_HEADER_SIZE, compressionOf, isControlBatch, isTransactionalBatch, readBatchHeader } from '../../protocol/records/batch-header.ts';
import { decompress } from '../../protocol/records/compression.ts';
import { ControlType, decodeControlRecord } from '../../protocol/records/control.ts';
import { readRecord, type RecordEntry } from '../../protocol/records/record.ts';
import { Reader } from '../../protocol/reader.ts';
import { readMarkerIsCommit } from './marker-read.ts';
import type { PartitionLog } from './partition-log.ts';

export const TxnOutcome = { Committed: 'committed', Aborted: 'aborted', Unknown: 'unknown' } as const;
export type TxnOutcomeValue = (typeof TxnOutcome)[keyof typeof TxnOutcome];

/** The records of a batch, decompressed and decoded. */
export function decodeEntries(batch: Buffer): RecordEntry[] {
  const h = readBatchHeader(batch);
  const r = new Reader(decompress(compressionOf(h.attributes), batch.subarray(BATCH_HEADER_SIZE)));
  const out: RecordEntry[] = [];
  for (let i = 0; i < h.recordCount; i++) out.push(readRecord(r));
  return out;
}

/** COMMIT → true, ABORT → false, null when the batch holds no readable transaction marker. */
export function markerIsCommit(batch: Buffer): boolean | null {
  const rec = decodeEntries(batch)[0];
  if (rec === undefined) return null;
  try {
    return decodeControlRecord(rec.key, rec.value).type === ControlType.Commit;
  } catch {
    return null;
  }
}

/** key (latin1 of its bytes) → offset of its latest record; put keeps the higher offset. */
export class KeyMap {
  private readonly latest = new Map<string, number>();

  put(key: string, offset: number): void {
    const cur = this.latest.get(key);
    if (cur === undefined || cur < offset) this.latest.set(key, offset);
  }

  get(key: string): number | undefined {
    return this.latest.get(key);
  }
}

interface Pending {
  batches: number[];
  keys: Array<[string, number]>;
}

export class TxnOutcomes {
  private readonly outcomeOf = new Map<number, TxnOutcomeValue>();
  private readonly pending = new Map<bigint, Pending>();

  constructor(private readonly keys: KeyMap) {}

  /** A transactional data batch at `baseOffset` whose keyed records are `keys` ([key, offset]). */
  onData(producerId: bigint, baseOffset: number, keys: Array<[string, number]>): void {
    let p = this.pending.get(producerId);
    if (p === undefined) this.pending.set(producerId, (p = { batches: [], keys: [] }));
    p.batches.push(baseOffset);
    for (const k of keys) p.keys.push(k);
  }

  /** A marker of the producer; `commit` null when it could not be read (then: Unknown, kept). */
  onMarker(producerId: bigint, commit: boolean | null): void {
    const p = this.pending.get(producerId);
    if (p === undefined) return;
    this.pending.delete(producerId);
    const outcome = commit === null ? TxnOutcome.Unknown : commit ? TxnOutcome.Committed : TxnOutcome.Aborted;
    for (const b of p.batches) this.outcomeOf.set(b, outcome);
    if (outcome === TxnOutcome.Committed) for (const [k, o] of p.keys) this.keys.put(k, o);
  }

  /** Outcome of the transactional data batch at `baseOffset` (Unknown when never settled). */
  outcome(baseOffset: number): TxnOutcomeValue {
    return this.outcomeOf.get(baseOffset) ?? TxnOutcome.Unknown;
  }

  /** Producers whose transaction is still pending (no marker read yet), in no particular order. */
  pendingProducers(): bigint[] {
    return [...this.pending.keys()];
  }

  /**
   * Settles the transactions still pending at the end of the range from their markers beyond it
   * (`markers`, read by markersBeyond on the thread that owns the log); one without a marker
   * there is Unknown.
   */
  settle(markers: ReadonlyMap<bigint, boolean | null>): void {
    for (const [pid, commit] of markers) this.onMarker(pid, commit);
    for (const pid of [...this.pending.keys()]) this.onMarker(pid, null);
  }

  /** settle(markersBeyond(...)) in one step, for a cleaning on the log's own thread. */
  settleBeyond(log: PartitionLog, fromOffset: number): void {
    if (this.pending.size > 0) this.settle(markersBeyond(log, fromOffset, this.pendingProducers()));
  }
}

/**
 * The outcome of the first marker at/after `fromOffset` of each producer in `producers` (COMMIT →
 * true, ABORT → false, null when unreadable); producers without one are left out. Scans batch
 * headers, stopping once every producer's marker is found.
 */
export function markersBeyond(log: PartitionLog, fromOffset: number, producers: readonly bigint[]): Map<bigint, boolean | null> {
  const wanted = new Set(producers);
  const at = new Map<bigint, number>();
  if (wanted.size === 0) return new Map();
  log.scanBatchHeaders(fromOffset, (h) => {
    if (h.baseOffset < fromOffset || !isControlBatch(h.attributes) || !isTransactionalBatch(h.attributes)) return;
    if (wanted.has(h.producerId) && !at.has(h.producerId)) at.set(h.producerId, h.baseOffset);
    return at.size < wanted.size;
  });
  const out = new Map<bigint, boolean | null>();
  for (const [pid, offset] of at) {
    try {
      out.set(pid, readMarkerIsCommit(log, offset));
    } catch {
      out.set(pid, null);
    }
  }
  return out;
}

/** Rewrite phase: which markers close a transaction with no data left (see the header). */
export class MarkerTracker {
  private readonly withData = new Set<bigint>();

  onData(producerId: bigint): void {
    this.withData.add(producerId);
  }

  /** True when the transaction this marker closes has no data batch left in the log. */
  onMarker(producerId: bigint): boolean {
    return !this.withData.delete(producerId);
  }
}
