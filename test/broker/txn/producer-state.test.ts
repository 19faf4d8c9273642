import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { PartitionProducerState, ProducerStateManager, lastSequenceOf } from '../../../src/broker/txn/producer-state.ts';
import type { BatchHeader } from '../../../src/protocol/records/batch-header.ts';

const hdr = (pid: bigint, epoch: number, seq: number, count: number, baseOffset = 0): BatchHeader => ({
  baseOffset,
  sizeInBytes: 100,
  partitionLeaderEpoch: 0,
  magic: 2,
  crc: 0,
  attributes: 0,
  lastOffsetDelta: count - 1,
  baseTimestamp: 0,
  maxTimestamp: 0,
  producerId: pid,
  producerEpoch: epoch,
  baseSequence: seq,
  recordCount: count,
});

describe('PartitionProducerState', () => {
  it('accepts in-order batches and answers a retried batch with its original offset', () => {
    const s = new PartitionProducerState();
    expect(s.check(hdr(1n, 0, 0, 5))).toEqual({ kind: 'append' });
    s.record(hdr(1n, 0, 0, 5), 100);
    expect(s.check(hdr(1n, 0, 5, 5))).toEqual({ kind: 'append' });
    s.record(hdr(1n, 0, 5, 5), 105);
    expect(s.check(hdr(1n, 0, 0, 5))).toEqual({ kind: 'duplicate', baseOffset: 100, lastOffset: 104 });
    expect(s.check(hdr(1n, 0, 5, 5))).toEqual({ kind: 'duplicate', baseOffset: 105, lastOffset: 109 });
  });

  it('a gap is OUT_OF_ORDER_SEQUENCE_NUMBER, an old epoch INVALID_PRODUCER_EPOCH', () => {
    const s = new PartitionProducerState();
    s.record(hdr(1n, 2, 0, 5), 0);
    expect(s.check(hdr(1n, 2, 6, 1))).toMatchObject({ kind: 'error', errorCode: 45 });
    expect(s.check(hdr(1n, 1, 5, 1))).toMatchObject({ kind: 'error', errorCode: 47 });
    expect(s.check(hdr(1n, 3, 4, 1))).toMatchObject({ kind: 'error', errorCode: 45 });
    expect(s.check(hdr(1n, 3, 0, 1))).toEqual({ kind: 'append' });
  });

  it('remembers only the last 5 batches', () => {
    const s = new PartitionProducerState();
    for (let i = 0; i < 6; i++) s.record(hdr(7n, 0, i, 1), i);
    expect(s.check(hdr(7n, 0, 0, 1))).toMatchObject({ kind: 'error', errorCode: 45 });
    expect(s.check(hdr(7n, 0, 1, 1))).toEqual({ kind: 'duplicate', baseOffset: 1, lastOffset: 1 });
  });

  it('sequences wrap from Int32.MAX to 0', () => {
    expect(lastSequenceOf(2_147_483_646, 2)).toBe(0);
    const s = new PartitionProducerState();
    s.record(hdr(1n, 0, 2_147_483_646, 2), 0);
    expect(s.check(hdr(1n, 0, 0, 1))).toEqual({ kind: 'append' });
  });

  it('non-idempotent batches and unknown producers are always accepted', () => {
    const s = new PartitionProducerState();
    expect(s.check(hdr(-1n, -1, -1, 3))).toEqual({ kind: 'append' });
    expect(s.check(hdr(9n, 0, 1234, 3))).toEqual({ kind: 'append' });
  });

  it('property: against a reference model, a retry of any of the last 5 batches is a duplicate and nothing is written twice', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 1, max: 4 }), fc.nat(8)), { minLength: 1, maxLength: 30 }), (steps) => {
        const s = new PartitionProducerState();
        const written: { seq: number; count: number; offset: number }[] = [];
        let nextSeq = 0;
        let leo = 0;
        for (const [count, retryBack] of steps) {
          // Either send the next batch, or retry one sent earlier.
          const retry = retryBack > 0 && retryBack <= written.length ? written[written.length - retryBack]! : undefined;
          const h = retry ? hdr(5n, 0, retry.seq, retry.count) : hdr(5n, 0, nextSeq, count);
          const d = s.check(h);
          if (retry) {
            if (retryBack <= 5) expect(d).toEqual({ kind: 'duplicate', baseOffset: retry.offset, lastOffset: retry.offset + retry.count - 1 });
            else expect(d.kind).toBe('error');
          } else {
            expect(d.kind).toBe('append');
            s.record(h, leo);
            written.push({ seq: nextSeq, count, offset: leo });
            nextSeq += count;
            leo += count;
          }
        }
      }),
    );
  });
});

describe('ProducerStateManager', () => {
  it('a partition state restored at start (adopt) answers as the state it was built from', () => {
    const log = [hdr(3n, 0, 0, 2, 0), hdr(-1n, -1, -1, 1, 2), hdr(3n, 0, 2, 2, 3), hdr(11n, 1, 0, 1, 5)];
    const restored = new PartitionProducerState();
    for (const h of log) restored.record(h, h.baseOffset);
    const m = new ProducerStateManager();
    m.adopt('t', 0, restored);
    expect(m.peek('t', 0)).toBe(restored);
    expect(m.check('t', 0, hdr(3n, 0, 2, 2))).toEqual({ kind: 'duplicate', baseOffset: 3, lastOffset: 4 });
    expect(m.check('t', 0, hdr(3n, 0, 4, 1))).toEqual({ kind: 'append' });
    expect(m.check('t', 0, hdr(11n, 0, 1, 1))).toMatchObject({ kind: 'error', errorCode: 47 });
    expect(m.check('t', 1, hdr(3n, 0, 2, 2))).toEqual({ kind: 'append' });
    m.adopt('t', 0, new PartitionProducerState());
    expect(m.peek('t', 0)).toBeUndefined();
  });
});
