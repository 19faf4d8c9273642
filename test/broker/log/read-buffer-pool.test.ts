import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ReadBufferPool } from '../../../src/broker/log/read-buffer-pool.ts';
import { startTestBroker } from '../../../src/testing/broker-harness.ts';
import { RawClient, makeBatch } from '../raw-client.ts';

const KiB = 1024;
const MiB = 1024 * KiB;

describe('ReadBufferPool', () => {
  it('hands out exactly the size asked for, and reuses a released buffer of the same class', () => {
    const pool = new ReadBufferPool();
    const a = pool.acquire(100 * KiB);
    expect(a.length).toBe(100 * KiB);
    expect(a.buffer.byteLength).toBe(128 * KiB);
    pool.release([a.subarray(0, 10)]); // a view of it, as a fetch response holds
    expect(pool.retainedBytes).toBe(128 * KiB);
    const b = pool.acquire(70 * KiB);
    expect(b.buffer).toBe(a.buffer);
    expect(b.length).toBe(70 * KiB);
    expect(pool.retainedBytes).toBe(0);
  });

  it('never lends the same memory to two readers at once, whatever the order of acquires and releases', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.record({ acquire: fc.integer({ min: 1, max: 3 * MiB }) }), fc.record({ release: fc.nat() })), { maxLength: 40 }),
        (steps) => {
          const pool = new ReadBufferPool(8 * MiB);
          const held: Buffer[] = [];
          for (const s of steps) {
            if ('acquire' in s) {
              const b = pool.acquire(s.acquire);
              expect(b.length).toBe(s.acquire);
              const overlaps = (h: Buffer) => h.buffer === b.buffer && h.byteOffset < b.byteOffset + b.length && b.byteOffset < h.byteOffset + h.length;
              expect(held.some(overlaps)).toBe(false);
              held.push(b);
            } else if (held.length > 0) {
              const [b] = held.splice(s.release % held.length, 1);
              pool.release([b!]);
            }
            expect(pool.retainedBytes).toBeLessThanOrEqual(8 * MiB);
          }
        },
      ),
    );
  });

  it('takes a buffer back once: a second release of it does not put it in the pool twice', () => {
    const pool = new ReadBufferPool();
    const a = pool.acquire(64 * KiB);
    pool.release([a]);
    pool.release([a]);
    expect(pool.retainedBytes).toBe(64 * KiB);
    const b = pool.acquire(64 * KiB);
    const c = pool.acquire(64 * KiB);
    expect(b.buffer).toBe(a.buffer);
    expect(c.buffer).not.toBe(a.buffer);
  });

  it('ignores buffers it did not lend, and does not pool small or huge reads', () => {
    const pool = new ReadBufferPool();
    pool.release([Buffer.alloc(128 * KiB), Buffer.from('header')]);
    expect(pool.retainedBytes).toBe(0);
    const small = pool.acquire(1000);
    const huge = pool.acquire(17 * MiB);
    pool.release([small, huge]);
    expect(pool.retainedBytes).toBe(0);
  });

  it('keeps at most its retention limit of free buffers', () => {
    const pool = new ReadBufferPool(256 * KiB);
    const bufs = [pool.acquire(128 * KiB), pool.acquire(128 * KiB), pool.acquire(128 * KiB)];
    pool.release(bufs);
    expect(pool.retainedBytes).toBe(256 * KiB);
  });

  it('serves every fetch the bytes of its own batches while the broker recycles its read buffers', async () => {
    const tb = await startTestBroker();
    const c = await RawClient.connect(tb.port);
    try {
      const topic = 'pooled-reads';
      const created = await c.request(19, 3, { topics: [{ name: topic, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 1000 });
      expect(created.topics[0]!.errorCode).toBe(0);
      // 60 batches of 4 records of 2 KiB, each batch filled with its own byte.
      const batches: Buffer[] = [];
      for (let i = 0; i < 60; i++) {
        const batch = makeBatch(Array.from({ length: 4 }, () => ({ value: Buffer.alloc(2048, i) })));
        const res = await c.request(0, 7, { transactionalId: null, acks: 1, timeoutMs: 1000, topicData: [{ name: topic, partitionData: [{ index: 0, records: batch }] }] });
        expect(res.responses[0]!.partitionResponses[0]!.errorCode).toBe(0);
        batches.push(batch);
      }
      const batchBytes = batches[0]!.length;
      // Fetches of 100 KiB from offsets that jump around: each read is pooled (≥ 64 KiB) and
      // lands in a buffer the previous response left behind.
      for (const start of [0, 160, 40, 200, 4, 120, 236, 80, 0, 180]) {
        const res = await c.request(1, 11, {
          replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
          topics: [{ topic, partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: BigInt(start), logStartOffset: -1n, partitionMaxBytes: 100 * KiB }] }],
          forgottenTopicsData: [], rackId: '',
        });
        const records = res.responses[0]!.partitions[0]!.records as Buffer;
        const first = start / 4;
        const count = Math.min(Math.floor((100 * KiB) / batchBytes), 60 - first);
        // The budget's rest is the start of the next batch (a partial batch, as Kafka sends).
        const partial = first + count < 60 ? 100 * KiB - count * batchBytes : 0;
        expect(records.length).toBe(count * batchBytes + partial);
        for (let i = 0; i < count + (partial > 0 ? 1 : 0); i++) {
          const got = records.subarray(i * batchBytes, Math.min((i + 1) * batchBytes, records.length));
          expect(Number(got.readBigInt64BE(0))).toBe((first + i) * 4);
          // From the magic byte on, the stored batch is what was produced (only baseOffset and
          // partitionLeaderEpoch are rewritten on append).
          expect(got.subarray(16).equals(batches[first + i]!.subarray(16, got.length))).toBe(true);
        }
      }
    } finally {
      c.close();
      await tb.stop();
    }
  });
});
