// One thread's share of the record cache, as Kafka's KafkaStreams.getCacheSizePerThread.
import { describe, expect, it } from 'vitest';
import { cacheSharePerThread } from '../../../../src/streams/runtime/threads/task-config.ts';

describe('cacheSharePerThread', () => {
  it('splits the budget over the live threads, counting the global thread when there is one', () => {
    expect(cacheSharePerThread(12_000, 1, false)).toBe(12_000);
    expect(cacheSharePerThread(12_000, 3, false)).toBe(4_000);
    expect(cacheSharePerThread(12_000, 2, true)).toBe(4_000);
    expect(cacheSharePerThread(10, 3, false)).toBe(3);
  });

  it('the whole budget with no live thread; 0 stays 0 (caching off); never 0 while caching is on', () => {
    expect(cacheSharePerThread(12_000, 0, true)).toBe(12_000);
    expect(cacheSharePerThread(0, 4, true)).toBe(0);
    expect(cacheSharePerThread(2, 4, false)).toBe(1);
  });
});
