// WindowCloseClock's store floor: after a restart the restored store's observed time is the
// clock's starting point (replayed records older than it are behind the close time); afterwards
// the clock is the processor's own.
import { describe, expect, it } from 'vitest';
import { WindowCloseClock } from '../../../../src/streams/dsl/windowed/window-aggregate-support.ts';

describe('WindowCloseClock', () => {
  it('starts from the restored store time, minus the store lag', () => {
    const store = { observedStreamTime: 100 };
    const clock = new WindowCloseClock(10);
    clock.followStore(store, 1);
    expect(clock.observe(5)).toBe(99 - 10); // a replayed record: the store's time rules
    expect(clock.observe(120)).toBe(110);
  });

  it('ignores an empty store, and the store after the first record', () => {
    const store = { observedStreamTime: -1 };
    const clock = new WindowCloseClock(0);
    clock.followStore(store);
    expect(clock.observe(5)).toBe(5);
    store.observedStreamTime = 500; // another processor sharing the store moved it
    expect(clock.observe(6)).toBe(6);
  });
});
