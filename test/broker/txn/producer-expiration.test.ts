/*
 * Producer-id expiration on one partition's state, with explicit times (no clock, no waiting):
 * Kafka's rule (no open transaction here and now − last timestamp ≥ producer.id.expiration.ms),
 * markers refreshing the timestamp, what an expired producer's next batch gets, and a property
 * test against a reference model of random batches, markers and checks.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { PartitionProducerState, ProducerStateManager } from '../../../src/broker/txn/producer-state.ts';
import { PartitionTxnState } from '../../../src/broker/txn/partition-txn-state.ts';
import { activeProducersOf, isProducerExpired, removeExpiredProducers } from '../../../src/broker/txn/producer-expiration.ts';
import { ErrorCode } from '../../../src/protocol/error-codes.ts';
import type { IdempotenceHeader } from '../../../src/broker/txn/producer-state.ts';

const DAY = 86_400_000;

const hdr = (pid: bigint, seq: number, maxTimestamp: number, count = 1): IdempotenceHeader => ({
  producerId: pid,
  producerEpoch: 0,
  baseSequence: seq,
  lastOffsetDelta: count - 1,
  maxTimestamp,
});

describe('isProducerExpired', () => {
  it('expires at exactly the expiration, never with an open transaction', () => {
    const entry = { producerId: 1n, epoch: 0, lastTimestamp: 1000, batches: [] };
    expect(isProducerExpired(entry, 1000 + DAY - 1, DAY, false)).toBe(false);
    expect(isProducerExpired(entry, 1000 + DAY, DAY, false)).toBe(true);
    expect(isProducerExpired(entry, 1000 + 10 * DAY, DAY, true)).toBe(false);
  });
});

describe('removeExpiredProducers', () => {
  it('removes idle producers without an open transaction; a marker counts as activity', () => {
    const s = new PartitionProducerState();
    const txns = new PartitionTxnState();
    s.record(hdr(1n, 0, 1_000), 0); // idle
    s.record(hdr(2n, 0, 1_000), 1); // idle, but its transaction is open here
    txns.onData(2n, 1);
    s.record(hdr(3n, 0, 1_000), 2); // idle data, then a recent marker
    s.onMarker(3n, 0, 1_000 + DAY - 10);
    s.record(hdr(4n, 0, 1_000 + DAY - 5), 3); // recent
    expect(removeExpiredProducers(s, txns, 1_000 + DAY, DAY)).toEqual([1n]);
    expect([...s.producers.keys()]).toEqual([2n, 3n, 4n]);
    // once its transaction is closed, producer 2 goes at the next check
    txns.onMarker(2n, 5, true);
    txns.onMarkerEpoch(2n, 0);
    expect(removeExpiredProducers(s, txns, 1_000 + DAY, DAY)).toEqual([2n]);
    expect(txns.coordinatorEpochs().has(2n)).toBe(false);
  });

  it("an expired producer's next batch is accepted at any sequence (Kafka: no state, no sequence check); before, it was out of order", () => {
    const s = new PartitionProducerState();
    s.record(hdr(7n, 0, 0, 3), 0);
    expect(s.check(hdr(7n, 9, 10))).toMatchObject({ kind: 'error', errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER });
    expect(s.check(hdr(7n, 0, 10, 3))).toEqual({ kind: 'duplicate', baseOffset: 0, lastOffset: 2 });
    removeExpiredProducers(s, undefined, DAY, DAY);
    expect(s.check(hdr(7n, 9, DAY))).toEqual({ kind: 'append' });
    // and a retry of the old batch is no longer known as a duplicate: Kafka's trade-off too
    expect(s.check(hdr(7n, 0, DAY, 3))).toEqual({ kind: 'append' });
    s.record(hdr(7n, 9, DAY), 3);
    expect(s.producers.get(7n)).toMatchObject({ lastTimestamp: DAY, batches: [{ firstSeq: 9, baseOffset: 3 }] });
  });

  it('the manager drops a partition emptied by expiration, and DeleteTopics drops a topic', () => {
    const m = new ProducerStateManager();
    m.record('t', 0, hdr(1n, 0, 0), 0);
    m.record('t', 1, hdr(1n, 0, DAY), 0);
    m.record('u', 0, hdr(2n, 0, 0), 0);
    for (const { topic, partition, state } of [...m.all()]) {
      removeExpiredProducers(state, undefined, DAY, DAY);
      m.dropIfEmpty(topic, partition);
    }
    expect([...m.all()].map((p) => `${p.topic}-${p.partition}`)).toEqual(['t-1']);
    m.forgetTopic('t');
    expect(m.peek('t', 1)).toBeUndefined();
  });

  it("the cleaner's view: each producer's last data offset and epoch", () => {
    const s = new PartitionProducerState();
    s.record(hdr(1n, 0, 0, 4), 10);
    s.record(hdr(1n, 4, 0, 2), 20);
    expect(activeProducersOf(s)).toEqual(new Map([[1n, { lastDataOffset: 21, epoch: 0 }]]));
    expect(activeProducersOf(undefined).size).toBe(0);
  });
});

type Op = { kind: 'batch'; pid: number; at: number; txn: boolean } | { kind: 'marker'; pid: number; at: number } | { kind: 'check'; at: number };

describe('expiration against a reference model', () => {
  it('after any mix of batches, markers and checks, exactly the producers the model keeps are left', () => {
    const EXPIRY = 100;
    const opArb: fc.Arbitrary<Op> = fc.oneof(
      fc.record({ kind: fc.constant('batch' as const), pid: fc.integer({ min: 1, max: 4 }), at: fc.integer({ min: 0, max: 60 }), txn: fc.boolean() }),
      fc.record({ kind: fc.constant('marker' as const), pid: fc.integer({ min: 1, max: 4 }), at: fc.integer({ min: 0, max: 60 }) }),
      fc.record({ kind: fc.constant('check' as const), at: fc.integer({ min: 0, max: 60 }) }),
    );
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 40 }), (ops) => {
        const s = new PartitionProducerState();
        const txns = new PartitionTxnState();
        // model: pid → { last timestamp, next sequence, open transaction }
        const model = new Map<number, { last: number; seq: number }>();
        const open = new Set<number>();
        let now = 0;
        let offset = 0;
        for (const op of ops) {
          now += op.at; // time only moves forward; a record's timestamp is "now"
          if (op.kind === 'batch') {
            const pid = BigInt(op.pid);
            const seq = model.get(op.pid)?.seq ?? 0;
            expect(s.check(hdr(pid, seq, now))).toEqual({ kind: 'append' });
            s.record(hdr(pid, seq, now), offset);
            if (op.txn) {
              txns.onData(pid, offset);
              open.add(op.pid);
            }
            offset++;
            model.set(op.pid, { last: now, seq: seq + 1 });
          } else if (op.kind === 'marker') {
            s.onMarker(BigInt(op.pid), 0, now);
            txns.onMarker(BigInt(op.pid), offset++, true);
            open.delete(op.pid);
            // a marker creates the producer's entry (Kafka's appendEndTxnMarker)
            const m = model.get(op.pid);
            if (m !== undefined) m.last = now;
            else model.set(op.pid, { last: now, seq: 0 });
          } else {
            removeExpiredProducers(s, txns, now, EXPIRY);
            for (const [pid, m] of model) if (!open.has(pid) && now - m.last >= EXPIRY) model.delete(pid);
          }
        }
        expect([...s.producers.keys()].sort()).toEqual([...model.keys()].map(BigInt).sort());
        for (const [pid, m] of model) expect(s.producers.get(BigInt(pid))!.lastTimestamp).toBe(m.last);
      }),
      { numRuns: 300 },
    );
  });
});
