import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { CleanerPacer } from '../../../src/broker/log/cleaner-pacer.ts';

/** Occupies the event loop for `ms`, as a burst of requests would. */
function spin(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

describe('CleanerPacer', () => {
  it('yields the loop after at most batchesPerSlice batches, however fast they are', async () => {
    const pacer = new CleanerPacer({ batchesPerSlice: 5, sliceMs: 60_000 });
    let otherWorkRan = 0;
    const results: boolean[] = [];
    for (let i = 0; i < 20; i++) {
      setImmediate(() => otherWorkRan++);
      const due = pacer.step();
      results.push(due !== null);
      if (due !== null) await due;
    }
    expect(results.filter(Boolean).length).toBe(4);
    expect(pacer.yields).toBe(4);
    // Each yield let the work queued meanwhile run.
    expect(otherWorkRan).toBeGreaterThanOrEqual(4);
  });

  it('yields after sliceMs of work even within a slice of batches', async () => {
    const pacer = new CleanerPacer({ batchesPerSlice: 1_000_000, sliceMs: 2 });
    spin(3);
    const due = pacer.step();
    expect(due).not.toBeNull();
    await due;
    expect(pacer.yields).toBe(1);
  });

  it('on a busy loop, pauses after its slice instead of taking the loop back at once', async () => {
    const pacer = new CleanerPacer({ batchesPerSlice: 1, sliceMs: 60_000, maxShare: 0.5 });
    setImmediate(() => spin(5)); // requests waiting when the cleaner yields
    await pacer.step();
    expect(pacer.pauses).toBe(1);
  });

  it('never pauses with maxShare 1 (the cleaner may take the whole loop)', async () => {
    const pacer = new CleanerPacer({ batchesPerSlice: 1, maxShare: 1 });
    setImmediate(() => spin(5));
    await pacer.step();
    expect(pacer.yields).toBe(1);
    expect(pacer.pauses).toBe(0);
  });

  it('rejects pacing that could never make progress or never yield', () => {
    expect(() => new CleanerPacer({ maxShare: 0 })).toThrow(/maxShare/);
    expect(() => new CleanerPacer({ maxShare: 1.5 })).toThrow(/maxShare/);
    expect(() => new CleanerPacer({ batchesPerSlice: 0 })).toThrow(/batchesPerSlice/);
    expect(() => new CleanerPacer({ sliceMs: -1 })).toThrow(/sliceMs/);
  });
});
