// AppendWaiters (wake-ups for parked fetches) and BrokerClock (timers cancelled on close).
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { AppendWaiters } from '../../src/broker/append-waiters.ts';
import { BrokerClock } from '../../src/broker/clock.ts';

describe('AppendWaiters', () => {
  it('wakes only the waiters of the appended partition, until cancelled', () => {
    const w = new AppendWaiters();
    const woke: string[] = [];
    const cancelA = w.watch([{ topic: 't', partition: 0 }, { topic: 't', partition: 1 }], () => woke.push('a'));
    w.watch([{ topic: 'u', partition: 0 }], () => woke.push('b'));
    w.notify('t', 1);
    w.notify('t', 2);
    expect(woke).toEqual(['a']);
    cancelA();
    cancelA();
    w.notify('t', 0);
    expect(woke).toEqual(['a']);
    w.notifyAll();
    expect(woke).toEqual(['a', 'b']);
  });

  it('never leaves entries behind once every waiter is cancelled (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.record({ topic: fc.constantFrom('a', 'b', 'c'), partition: fc.nat(3) }), { maxLength: 5 }), { maxLength: 20 }),
        (sets) => {
          const w = new AppendWaiters();
          const cancels = sets.map((s) => w.watch(s, () => undefined));
          const expected = new Set(sets.flat().map((p) => `${p.topic}/${p.partition}`)).size;
          expect(w.watchedPartitions).toBe(expected);
          for (const c of cancels) c();
          expect(w.watchedPartitions).toBe(0);
        },
      ),
    );
  });
});

describe('BrokerClock', () => {
  it('runs timers, and cancelAll stops pending and future ones', async () => {
    const clock = new BrokerClock();
    const fired: string[] = [];
    clock.setTimeout(() => fired.push('soon'), 1);
    const cancel = clock.setTimeout(() => fired.push('cancelled'), 1);
    cancel();
    clock.setTimeout(() => fired.push('never'), 10_000);
    await new Promise((r) => setTimeout(r, 20));
    expect(fired).toEqual(['soon']);
    expect(clock.pendingTimers).toBe(1);
    clock.cancelAll();
    expect(clock.pendingTimers).toBe(0);
    clock.setTimeout(() => fired.push('after close'), 1);
    await new Promise((r) => setTimeout(r, 10));
    expect(fired).toEqual(['soon']);
  });
});
