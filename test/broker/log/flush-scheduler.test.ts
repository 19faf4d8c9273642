import { afterEach, describe, expect, it } from 'vitest';
import { PartitionLog } from '../../../src/broker/log/partition-log.ts';
import { FlushScheduler } from '../../../src/broker/log/flush-scheduler.ts';
import { readCheckpoint } from '../../../src/broker/log/log-checkpoint.ts';
import type { Syncer } from '../../../src/broker/log/log-segment.ts';
import { simpleBatch, tempDir } from './batch-fixture.ts';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A syncer whose fsyncs complete only when the test says so. */
class ManualSyncer implements Syncer {
  calls = 0;
  completed = 0;
  private pending: Array<() => void> = [];
  sync(): Promise<void> {
    this.calls++;
    return new Promise((resolve) => this.pending.push(() => { this.completed++; resolve(); }));
  }
  get inFlight(): number {
    return this.pending.length;
  }
  completeAll(): void {
    for (const r of this.pending.splice(0)) r();
  }
}

const turn = (): Promise<void> => new Promise((r) => setImmediate(r));

function openWith(syncer: Syncer, config = {}): { log: PartitionLog; dir: string; flusher: FlushScheduler } {
  const t = tempDir();
  cleanups.push(t.remove);
  const flusher = new FlushScheduler(syncer);
  const log = PartitionLog.open({ dir: t.dir, config, fsync: 'acks-all', flusher });
  cleanups.push(async () => {
    if (syncer instanceof ManualSyncer) {
      const closing = log.close();
      for (let i = 0; i < 10 && syncer.inFlight >= 0; i++) {
        syncer.completeAll();
        await turn();
      }
      await closing;
    } else {
      await log.close();
    }
  });
  return { log, dir: t.dir, flusher };
}

describe('group commit', () => {
  it('100 concurrent durable appends share a few fsyncs and none resolves before its fsync', async () => {
    const syncer = new ManualSyncer();
    const { log } = openWith(syncer);
    const resolved: number[] = [];
    const waits: Array<Promise<void>> = [];
    for (let i = 0; i < 100; i++) {
      const info = log.append(simpleBatch(1));
      waits.push(log.waitDurable(info.lastOffset).then(() => void resolved.push(info.lastOffset)));
      if (i === 49) await turn(); // the first pass starts covering offsets 0..49
    }
    await turn();
    expect(syncer.calls).toBe(1);
    expect(resolved).toEqual([]); // the fsync has not completed: nobody is acknowledged
    syncer.completeAll();
    await turn();
    await turn();
    // exactly the appends written before the first fsync started are acknowledged
    expect(resolved).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(syncer.calls).toBe(2); // one more pass for the 50 that arrived meanwhile
    syncer.completeAll();
    await Promise.all(waits);
    expect(resolved.length).toBe(100);
    expect(syncer.calls).toBe(2);
    expect(log.durableOffset).toBe(100);
  });

  it('resolves at once for offsets already durable, and with fsync never', async () => {
    const syncer = new ManualSyncer();
    const { log } = openWith(syncer);
    log.append(simpleBatch(2));
    const w = log.waitDurable(1);
    await turn();
    syncer.completeAll();
    await w;
    const calls = syncer.calls;
    await log.waitDurable(0);
    expect(syncer.calls).toBe(calls);
    const t = tempDir();
    cleanups.push(t.remove);
    const never = PartitionLog.open({ dir: t.dir, fsync: 'never', flusher: new FlushScheduler(syncer) });
    cleanups.push(() => never.close());
    never.append(simpleBatch(1));
    await never.waitDurable(0);
    expect(syncer.calls).toBe(calls);
  });

  it('rejects waiters when fsync fails, and a later pass succeeds', async () => {
    let fail = true;
    let calls = 0;
    const syncer: Syncer = {
      sync: async () => {
        calls++;
        if (fail) throw new Error('EIO: simulated disk error');
      },
    };
    const { log } = openWith(syncer);
    log.append(simpleBatch(1));
    await expect(log.waitDurable(0)).rejects.toMatchObject({ code: 56, message: expect.stringMatching(/fsync failed.*EIO/) });
    fail = false;
    await log.waitDurable(0);
    expect(calls).toBe(2);
  });

  it('one pass covers several partitions, with real fdatasync', async () => {
    const flusher = new FlushScheduler();
    const logs = [0, 1, 2].map(() => {
      const t = tempDir();
      cleanups.push(t.remove);
      const log = PartitionLog.open({ dir: t.dir, fsync: 'acks-all', flusher });
      cleanups.push(() => log.close());
      return log;
    });
    const waits = logs.map((log) => log.waitDurable(log.append(simpleBatch(3)).lastOffset));
    await Promise.all(waits);
    expect(flusher.passes).toBe(1);
  });

  it('fsyncs rolled segments in the background and advances the recovery point', async () => {
    const syncer = new ManualSyncer();
    const { log, dir } = openWith(syncer, { segmentBytes: 300 });
    for (let i = 0; i < 6; i++) log.append(simpleBatch(1, 150));
    expect(log.segmentCount).toBe(6);
    await turn();
    expect(syncer.calls).toBeGreaterThan(0);
    syncer.completeAll();
    // The index and checkpoint fsyncs that follow run on the thread pool, inside the pass.
    await log.flusher.idle();
    expect(readCheckpoint(dir)?.recoveryPoint).toBe(5);
  });
});
