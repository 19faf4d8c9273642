import { describe, it, expect, expectTypeOf } from 'vitest';
import { Serdes } from '../../../src/streams/serde/serdes.ts';
import { Stores } from '../../../src/streams/state/stores.ts';
import type { KeyValueStore, CollectedRecord } from '../../../src/streams/state/store-types.ts';
import { makeContext } from './store-suite.ts';

describe('Stores builders', () => {
  it('defaults follow Kafka Streams: logging on with compaction, caching off', () => {
    const builder = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore('counts'), Serdes.string(), Serdes.int64());
    expect(builder.name).toBe('counts');
    expect(builder.persistent).toBe(false);
    expect(builder.loggingEnabled()).toBe(true);
    expect(builder.cachingEnabled()).toBe(false);
    expect(builder.logConfig()).toEqual({ 'cleanup.policy': 'compact' });
    builder.withLoggingEnabled({ 'min.compaction.lag.ms': '100' }).withCachingEnabled();
    expect(builder.logConfig()).toEqual({ 'cleanup.policy': 'compact', 'min.compaction.lag.ms': '100' });
    expect(builder.cachingEnabled()).toBe(true);
    expect(builder.withLoggingDisabled().loggingEnabled()).toBe(false);
    expect(Stores.persistentKeyValueStore('counts').persistent).toBe(true);
  });

  it('build() returns typed, independent stacks', async () => {
    const builder = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore('counts'), Serdes.string(), Serdes.int64());
    const one = builder.build();
    const two = builder.build();
    expectTypeOf(one).toMatchTypeOf<KeyValueStore<string, number>>();
    const ctx = makeContext('/unused', [], new Map(), { now: 0 });
    await one.init(ctx);
    await two.init(ctx);
    one.put('a', 1);
    expect(two.get('a')).toBeUndefined();
    expect(one.get('a')).toBe(1);
  });

  it('a logged store without a changelog topic in its context uses <applicationId>-<store>-changelog', async () => {
    const sent: CollectedRecord[] = [];
    const store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore('counts'), Serdes.string(), Serdes.int64()).build();
    await store.init({ ...makeContext('/unused', sent, new Map(), { now: 7 }), changelogTopic: undefined });
    store.put('a', 1);
    expect(sent).toEqual([
      { topic: 'app-counts-changelog', partition: 1, key: Buffer.from('a'), value: Buffer.from([0, 0, 0, 0, 0, 0, 0, 1]), timestamp: 7 },
    ]);
  });

  it('serdes see the changelog topic name', async () => {
    const topics: string[] = [];
    const spy = { ...Serdes.string(), serialize: (topic: string, data: string) => (topics.push(topic), Buffer.from(data)) };
    const store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore('s'), spy, Serdes.string()).withLoggingDisabled().build();
    await store.init(makeContext('/unused', [], new Map(), { now: 0 }));
    store.put('a', 'x');
    expect(topics).toEqual(['app-s-changelog']);
  });

  it('counts operations but takes no latencies when the metrics sink says latency: false', async () => {
    const metrics = new Map<string, number>();
    const ctx = makeContext('/unused', [], metrics, { now: 0 });
    const store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore('s'), Serdes.string(), Serdes.string()).withCachingEnabled().build();
    await store.init({ ...ctx, metrics: { record: ctx.metrics.record, latency: false } });
    store.put('a', 'x');
    expect(store.get('a')).toBe('x');
    expect(store.delete('a')).toBe('x');
    // get and delete's old-value lookup both find 'a' in the cache (the hit-ratio metric).
    expect(metrics).toEqual(new Map([['s:put', 1], ['s:get', 1], ['s:delete', 1], ['s:cache-hit', 2]]));
  });

  it('rejects store names that cannot name a topic or a directory', () => {
    expect(() => Stores.inMemoryKeyValueStore('a/b')).toThrow(/store name "a\/b" is not valid/);
    expect(() => Stores.persistentKeyValueStore('')).toThrow(/not valid/);
    expect(() =>
      Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore('s'), Serdes.string(), Serdes.string()).withCachingEnabled(0),
    ).toThrow(RangeError);
  });
});
