/*
 * TransactionManager's sequence bookkeeping against a reference model, with InitProducerId
 * answered by a fake cluster: per-partition sequences advance by record count and wrap from
 * Int32.MAX to 0; restart() moves only the broken partition to a new epoch at sequence 0 (bumping
 * the producer's epoch only when that partition already used the newest one), and at epoch 32767
 * fetches a new producer id instead; without idempotence every stamp is -1/-1/-1.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { WireCluster } from '../../../src/client/cluster.ts';
import { NO_STAMP, TransactionManager } from '../../../src/client/producer/transaction-manager.ts';

/** A cluster whose InitProducerId hands out ids 1000, 1001, … at `epoch`. */
function fakeCluster(epoch = 0): { cluster: WireCluster; calls: () => number } {
  let next = 1000n;
  let calls = 0;
  const conn = {
    request: async () => {
      calls++;
      return { version: 4, body: { throttleTimeMs: 0, errorCode: 0, producerId: next++, producerEpoch: epoch } };
    },
  };
  return { cluster: { any: async () => conn } as unknown as WireCluster, calls: () => calls };
}

const INT32_MAX = 2_147_483_647;

describe('TransactionManager', () => {
  it('stamps contiguous sequences per partition, wrapping at Int32.MAX', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 1, max: 500 })), { maxLength: 60 }), fc.integer({ min: 0, max: INT32_MAX }), async (ops, start) => {
        const tm = new TransactionManager(fakeCluster().cluster, { idempotent: true });
        await tm.init();
        const model = new Map<number, number>();
        // Move partition 0 close to the wrap point through its own stamps.
        if (start > 0) tm.stamp('t', 0, start);
        if (start > 0) model.set(0, start > INT32_MAX ? 0 : start);
        for (const [p, count] of ops) {
          const s = tm.stamp('t', p, count);
          expect(s.producerId).toBe(1000n);
          expect(s.epoch).toBe(0);
          const base = model.get(p) ?? 0;
          expect(s.baseSequence).toBe(base);
          const next = base + count;
          model.set(p, next > INT32_MAX ? next - INT32_MAX - 1 : next);
        }
      }),
      { numRuns: 50 },
    );
  });

  it('restarts only the broken partition under a bumped epoch; a partition on an older epoch moves without another bump', async () => {
    const tm = new TransactionManager(fakeCluster().cluster, { idempotent: true });
    await tm.init();
    tm.stamp('t', 0, 10);
    tm.stamp('t', 1, 10);
    await tm.restart('t', 0);
    expect(tm.stamp('t', 0, 5)).toEqual({ producerId: 1000n, epoch: 1, baseSequence: 0 });
    expect(tm.stamp('t', 1, 5)).toEqual({ producerId: 1000n, epoch: 0, baseSequence: 10 });
    await tm.restart('t', 1); // epoch 0 < current 1: moves to epoch 1 without bumping again
    expect(tm.epoch).toBe(1);
    expect(tm.stamp('t', 1, 1)).toEqual({ producerId: 1000n, epoch: 1, baseSequence: 0 });
    expect(tm.stamp('u', 0, 1)).toEqual({ producerId: 1000n, epoch: 1, baseSequence: 0 });
  });

  it('gets a new producer id instead of bumping past epoch 32767', async () => {
    const fake = fakeCluster(32_767);
    const tm = new TransactionManager(fake.cluster, { idempotent: true });
    await tm.init();
    tm.stamp('t', 0, 3);
    await tm.restart('t', 0);
    expect(fake.calls()).toBe(2);
    expect(tm.stamp('t', 0, 1)).toEqual({ producerId: 1001n, epoch: 32_767, baseSequence: 0 });
  });

  it('stamps nothing and asks nothing when not idempotent', async () => {
    const fake = fakeCluster();
    const tm = new TransactionManager(fake.cluster, { idempotent: false });
    await tm.init();
    expect(tm.stamp('t', 0, 10)).toBe(NO_STAMP);
    expect(fake.calls()).toBe(0);
  });
});
