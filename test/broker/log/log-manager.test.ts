import { afterEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { LogManager } from '../../../src/broker/log/log-manager.ts';
import type { Syncer } from '../../../src/broker/log/log-segment.ts';
import { buildBatch, simpleBatch, splitBatches, tempDir } from './batch-fixture.ts';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function manager(extra: Partial<ConstructorParameters<typeof LogManager>[0]> = {}): { mgr: LogManager; dir: string } {
  const t = tempDir();
  cleanups.push(t.remove);
  const mgr = new LogManager({ dataDir: t.dir, ...extra });
  cleanups.push(() => mgr.close());
  return { mgr, dir: t.dir };
}

describe('LogManager', () => {
  it('creates partition directories, reopens them cleanly, and lists what is on disk', async () => {
    const { mgr, dir } = manager({ fsync: 'never' });
    const a0 = mgr.getOrCreate('orders.v1', 0);
    const a1 = mgr.getOrCreate('orders.v1', 1, { segmentBytes: 1000 });
    expect(mgr.getOrCreate('orders.v1', 0)).toBe(a0);
    a0.append(simpleBatch(3));
    a1.append(simpleBatch(2));
    fs.writeFileSync(path.join(dir, 'topics.json'), '{}'); // someone else's file is ignored
    await mgr.close();
    expect(fs.existsSync(path.join(dir, 'orders.v1-0', '.clean-shutdown'))).toBe(true);

    const again = new LogManager({ dataDir: dir, fsync: 'never' });
    cleanups.push(() => again.close());
    expect(again.partitionsOnDisk().sort((x, y) => x.partition - y.partition)).toEqual([
      { topic: 'orders.v1', partition: 0 },
      { topic: 'orders.v1', partition: 1 },
    ]);
    const r0 = again.getOrCreate('orders.v1', 0);
    expect(r0.recovery.clean).toBe(true);
    expect(r0.logEndOffset).toBe(3);
    expect(again.getOrCreate('orders.v1', 1).logEndOffset).toBe(2);
    await again.deletePartition('orders.v1', 1);
    expect(fs.existsSync(path.join(dir, 'orders.v1-1'))).toBe(false);
    expect(again.get('orders.v1', 1)).toBeUndefined();
  });

  it('shares one group commit across partitions', async () => {
    let calls = 0;
    const syncer: Syncer = {
      sync: () => {
        calls++;
        return new Promise((r) => setTimeout(r, 5));
      },
    };
    const { mgr } = manager({ syncer });
    const logs = Array.from({ length: 4 }, (_, p) => mgr.getOrCreate('t', p));
    const waits = [];
    for (let round = 0; round < 25; round++) {
      for (const log of logs) waits.push(log.waitDurable(log.append(simpleBatch(1)).lastOffset));
    }
    await Promise.all(waits);
    expect(mgr.flusher.passes).toBe(1);
    expect(calls).toBe(4); // one fdatasync per partition, covering 25 appends each
  });

  it('runs retention over all partitions on demand and from its timer', async () => {
    const clock = { now: 0 };
    const { mgr } = manager({ fsync: 'never', now: () => clock.now, retentionCheckIntervalMs: 10 });
    const logs = [0, 1].map((p) => mgr.getOrCreate('events', p, { segmentBytes: 500, retentionMs: 1000 }));
    for (const log of logs) for (let i = 0; i < 6; i++) log.append(buildBatch([{ value: Buffer.alloc(300), timestamp: 100 }]));
    expect(await mgr.runRetention()).toBe(0);
    clock.now = 5000;
    mgr.start();
    for (let i = 0; i < 100 && logs.some((l) => l.logStartOffset === 0); i++) await new Promise((r) => setTimeout(r, 10));
    for (const log of logs) {
      expect(log.logStartOffset).toBe(5);
      expect(splitBatches(log.read(5, { maxBytes: 10 }).chunks)[0]!.baseOffset).toBe(5);
    }
  });

  it('refuses to open partitions after close', async () => {
    const { mgr } = manager({ fsync: 'never' });
    await mgr.close();
    expect(() => mgr.getOrCreate('t', 0)).toThrow(/closed/);
  });
});
