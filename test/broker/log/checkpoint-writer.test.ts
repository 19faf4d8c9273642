import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import fs from 'node:fs';
import path from 'node:path';
import { ASYNC_CHECKPOINT_TMP, CheckpointWriter } from '../../../src/broker/log/checkpoint-writer.ts';
import { readCheckpoint } from '../../../src/broker/log/log-checkpoint.ts';
import { tempDir } from './batch-fixture.ts';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function writer(fsync = true): { w: CheckpointWriter; dir: string } {
  const t = tempDir('tributary-cp-');
  cleanups.push(t.remove);
  return { w: new CheckpointWriter(t.dir, fsync), dir: t.dir };
}

describe('CheckpointWriter', () => {
  it('an asynchronous write becomes the checkpoint and leaves no temp file', async () => {
    const { w, dir } = writer();
    await expect(w.writeAsync({ logStartOffset: 3, recoveryPoint: 10 })).resolves.toBe(true);
    expect(readCheckpoint(dir)).toEqual({ logStartOffset: 3, recoveryPoint: 10 });
    expect(fs.existsSync(path.join(dir, ASYNC_CHECKPOINT_TMP))).toBe(false);
  });

  it('a synchronous write made while an asynchronous one is in flight is not overwritten by it', async () => {
    const { w, dir } = writer();
    const slow = w.writeAsync({ logStartOffset: 0, recoveryPoint: 50 });
    // DeleteRecords moved the log start meanwhile (its write carries the newer values).
    w.write({ logStartOffset: 40, recoveryPoint: 50 });
    await expect(slow).resolves.toBe(false);
    await w.idle();
    expect(readCheckpoint(dir)).toEqual({ logStartOffset: 40, recoveryPoint: 50 });
    expect(fs.existsSync(path.join(dir, ASYNC_CHECKPOINT_TMP))).toBe(false);
  });

  it('a failed asynchronous write rejects and keeps the previous checkpoint', async () => {
    const { w, dir } = writer();
    w.write({ logStartOffset: 1, recoveryPoint: 2 });
    fs.mkdirSync(path.join(dir, ASYNC_CHECKPOINT_TMP)); // opening the temp file for writing now fails
    await expect(w.writeAsync({ logStartOffset: 1, recoveryPoint: 9 })).rejects.toThrow();
    expect(readCheckpoint(dir)).toEqual({ logStartOffset: 1, recoveryPoint: 2 });
    fs.rmdirSync(path.join(dir, ASYNC_CHECKPOINT_TMP));
    await expect(w.writeAsync({ logStartOffset: 1, recoveryPoint: 9 })).resolves.toBe(true);
    expect(readCheckpoint(dir)).toEqual({ logStartOffset: 1, recoveryPoint: 9 });
  });

  it('property: whatever the interleaving, the file never goes back to an older write and ends with the newest', async () => {
    const op = fc.oneof(fc.constant('sync' as const), fc.constant('async' as const), fc.constant('turn' as const));
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 12 }), fc.boolean(), async (ops, fsync) => {
        const { w, dir } = writer(fsync);
        // Write number n carries logStartOffset n: the file's value is the write it came from.
        let n = 0;
        let seen = -1;
        const observe = () => {
          const cp = readCheckpoint(dir);
          if (cp === null) return;
          expect(cp.logStartOffset).toBeGreaterThanOrEqual(seen);
          seen = cp.logStartOffset;
        };
        const pending: Promise<boolean>[] = [];
        for (const o of ops) {
          if (o === 'sync') w.write({ logStartOffset: ++n, recoveryPoint: 0 });
          else if (o === 'async') pending.push(w.writeAsync({ logStartOffset: ++n, recoveryPoint: 0 }).finally(observe));
          else await new Promise((r) => setTimeout(r, 1));
          observe();
        }
        await Promise.all(pending);
        await w.idle();
        observe();
        if (n > 0) expect(readCheckpoint(dir)?.logStartOffset).toBe(n);
        expect(fs.existsSync(path.join(dir, ASYNC_CHECKPOINT_TMP))).toBe(false);
      }),
      { numRuns: 40 },
    );
  });
});
