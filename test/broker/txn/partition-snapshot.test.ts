/*
 * What a producer-state snapshot keeps (partition-snapshot.ts), against the live state it was
 * taken from, as Kafka does it: the last batch per producer only. After a restore:
 *   - a retry of a producer's last batch is a duplicate answered with its original offsets;
 *   - a retry of an older batch of the idempotence window is OUT_OF_ORDER_SEQUENCE_NUMBER (Kafka's
 *     checkSequence: not the next sequence, and not the cached last batch);
 *   - the next batch in sequence is appended; epochs, open transactions and marker coordinator
 *     epochs come back unchanged.
 * The property compares a restored state with the live one over random histories.
 */
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { decodeSnapshot, encodeSnapshot } from '../../../src/broker/log/producer-snapshot.ts';
import { firstSequenceOf, fromSnapshot, toSnapshot } from '../../../src/broker/txn/partition-snapshot.ts';
import { PartitionProducerState, lastSequenceOf, type IdempotenceHeader } from '../../../src/broker/txn/producer-state.ts';
import { PartitionTxnState } from '../../../src/broker/txn/partition-txn-state.ts';
import { ErrorCode } from '../../../src/protocol/error-codes.ts';

const batch = (producerId: bigint, producerEpoch: number, baseSequence: number, count: number): IdempotenceHeader => ({
  producerId,
  producerEpoch,
  baseSequence,
  lastOffsetDelta: count - 1,
  maxTimestamp: 1_000 + baseSequence,
});

/** Through the file bytes, as a restart reads it. */
function restore(producers: PartitionProducerState, txns: PartitionTxnState) {
  return fromSnapshot(decodeSnapshot(encodeSnapshot(toSnapshot(producers, txns))));
}

describe('producer-state snapshot contents', () => {
  it('after a restore only the last batch is a duplicate; an older retry is OUT_OF_ORDER_SEQUENCE_NUMBER', () => {
    const live = new PartitionProducerState();
    const sizes = [3, 5, 2, 4];
    let seq = 0;
    let offset = 100;
    for (const n of sizes) {
      live.record(batch(9n, 2, seq, n), offset);
      seq += n;
      offset += n + 1; // a marker or another producer's batch between them
    }
    const restored = restore(live, new PartitionTxnState()).producers;
    const lastRetry = batch(9n, 2, 10, 4);
    expect(live.check(lastRetry)).toEqual({ kind: 'duplicate', baseOffset: 113, lastOffset: 116 });
    expect(restored.check(lastRetry)).toEqual({ kind: 'duplicate', baseOffset: 113, lastOffset: 116 });
    const olderRetry = batch(9n, 2, 3, 5);
    expect(live.check(olderRetry)).toEqual({ kind: 'duplicate', baseOffset: 104, lastOffset: 108 });
    expect(restored.check(olderRetry)).toMatchObject({ kind: 'error', errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER });
    expect(restored.check(batch(9n, 2, 14, 1))).toEqual({ kind: 'append' });
    expect(restored.check(batch(9n, 1, 14, 1))).toMatchObject({ kind: 'error', errorCode: ErrorCode.INVALID_PRODUCER_EPOCH });
  });

  it('keeps open transactions and marker coordinator epochs, also of producers without idempotence state', () => {
    const producers = new PartitionProducerState();
    producers.record(batch(1n, 0, 0, 2), 10);
    const txns = new PartitionTxnState(new Map([[1n, 10], [2n, 12]]), new Map([[1n, 4], [3n, 7]]));
    const back = restore(producers, txns);
    expect([...back.open]).toEqual([[1n, 10], [2n, 12]]);
    expect([...back.coordinatorEpochs]).toEqual([[1n, 4], [3n, 7]]);
    expect([...back.producers.producers.keys()]).toEqual([1n]);
    expect(toSnapshot(producers, txns).map((e) => [e.producerId, e.epoch])).toEqual([[1n, 0], [2n, -1], [3n, -1]]);
  });

  it('a batch whose sequence wrapped past Int32.MAX restores its first sequence', () => {
    expect(firstSequenceOf(lastSequenceOf(2_147_483_646, 3), 3)).toBe(2_147_483_646);
    expect(firstSequenceOf(10, 3)).toBe(7);
    const live = new PartitionProducerState();
    live.record(batch(5n, 0, 2_147_483_646, 4), 50);
    const restored = restore(live, new PartitionTxnState()).producers;
    expect(restored.producers.get(5n)!.batches).toEqual(live.producers.get(5n)!.batches);
    expect(restored.check(batch(5n, 0, 2, 1))).toEqual({ kind: 'append' });
  });

  it('any history: a restored state decides the last batch, the next batch and other epochs as the live one', () => {
    const step = fc.record({ pid: fc.constantFrom(1n, 2n, 3n), bump: fc.boolean(), count: fc.integer({ min: 1, max: 4 }) });
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 40 }), (steps) => {
        const live = new PartitionProducerState();
        const next = new Map<bigint, { epoch: number; seq: number }>();
        let offset = 0;
        for (const s of steps) {
          const cur = next.get(s.pid) ?? { epoch: 0, seq: 0 };
          const epoch = s.bump ? cur.epoch + 1 : cur.epoch;
          const seq = s.bump ? 0 : cur.seq;
          live.record(batch(s.pid, epoch, seq, s.count), offset);
          offset += s.count;
          next.set(s.pid, { epoch, seq: seq + s.count });
        }
        const restored = restore(live, new PartitionTxnState()).producers;
        for (const [pid, e] of live.producers) {
          const last = e.batches.at(-1)!;
          const probes = [
            batch(pid, e.epoch, last.firstSeq, last.lastSeq - last.firstSeq + 1),
            batch(pid, e.epoch, last.lastSeq + 1, 2),
            batch(pid, e.epoch + 1, 0, 1),
            batch(pid, e.epoch + 1, 3, 1),
            batch(pid, e.epoch - 1, last.lastSeq + 1, 1),
          ];
          for (const h of probes) expect(restored.check(h)).toEqual(live.check(h));
          expect(restored.producers.get(pid)!.batches).toEqual([last]);
        }
      }),
    );
  });
});
