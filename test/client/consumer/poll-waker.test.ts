/*
 * PollWaker: poll()'s wait ends at its deadline or at the first wake(), and a wake() with nobody
 * waiting does not cut short a later wait. Fake timers: no real time passes.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PollWaker } from '../../../src/client/consumer/poll-waker.ts';

describe('PollWaker', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  const settled = async (p: Promise<void>): Promise<boolean> => {
    let done = false;
    void p.then(() => (done = true));
    await vi.advanceTimersByTimeAsync(0);
    return done;
  };

  it('ends the wait at the deadline', async () => {
    const w = new PollWaker();
    const p = w.wait(1000);
    expect(await settled(p)).toBe(false);
    await vi.advanceTimersByTimeAsync(999);
    expect(await settled(p)).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(await settled(p)).toBe(true);
  });

  it('ends the wait at once on wake(), and leaves no timer behind', async () => {
    const w = new PollWaker();
    const p = w.wait(60_000);
    w.wake();
    expect(await settled(p)).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('ignores a wake() that comes when nobody waits', async () => {
    const w = new PollWaker();
    w.wake();
    const p = w.wait(1000);
    expect(await settled(p)).toBe(false);
    w.wake();
    expect(await settled(p)).toBe(true);
  });
});
