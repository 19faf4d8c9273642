// TTL for key-value stores (beyond Kafka Streams): an entry not updated for ttl ms of STREAM
// time reads as absent, aggregations restart from the initializer, and a sweep at commit deletes
// expired entries through the stack (changelog tombstone, coherent cache). Driven through the
// TopologyTestDriver with memory and LevelDB stores, caching on and off.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Consumed } from '../../../../src/streams/dsl/options/consumed.ts';
import { Grouped } from '../../../../src/streams/dsl/options/grouped.ts';
import { Materialized, StoreType } from '../../../../src/streams/dsl/options/materialized.ts';
import { Produced } from '../../../../src/streams/dsl/options/produced.ts';
import { StreamsBuilder } from '../../../../src/streams/dsl/streams-builder.ts';
import type { KeyValueStore } from '../../../../src/streams/state/store-types.ts';
import { Stores } from '../../../../src/streams/state/stores.ts';
import type { ValueAndTimestamp } from '../../../../src/streams/state/value-and-timestamp.ts';
import { Serdes } from '../../../../src/streams/serde/serdes.ts';
import { TopologyTestDriver } from '../../../../src/testing/topology-test-driver.ts';

const S = Serdes.string();
const L = Serdes.int64();
const APP = 'ttl-app';
const TTL = 10_000;

async function countWithTtl(storeType: StoreType, caching: boolean, extra: { idleWatermarkMs?: number } = {}) {
  const builder = new StreamsBuilder();
  let m = Materialized.as<string, number>('counts').withStoreType(storeType).withTtl(TTL);
  if (!caching) m = m.withCachingDisabled();
  builder
    .stream('in', Consumed.with(S, S))
    .groupByKey(Grouped.with(S, S))
    .count(m)
    .toStream()
    .to('out', Produced.with(S, L));
  const driver = await TopologyTestDriver.create(builder.build(), { applicationId: APP, initialWallClockTimeMs: 0, ...extra });
  const input = driver.createInputTopic('in', S, S);
  const out = driver.createOutputTopic('out', S, L);
  const changelog = driver.createOutputTopic(`${APP}-counts-changelog`, S, Serdes.bytes());
  const store = () => driver.getKeyValueStore<string, number>('counts')!;
  return { driver, input, out, changelog, store };
}

const variants = [
  { storeType: StoreType.MEMORY, caching: true },
  { storeType: StoreType.MEMORY, caching: false },
  { storeType: StoreType.LEVELDB, caching: true },
  { storeType: StoreType.LEVELDB, caching: false },
] as const;

describe.each(variants)('Materialized.withTtl — $storeType store, caching $caching', ({ storeType, caching }) => {
  it('expires by stream time: the aggregate restarts from the initializer', async () => {
    const { driver, input, out, store } = await countWithTtl(storeType, caching);
    try {
      input.pipeInput('a', 'x', 1_000);
      input.pipeInput('a', 'x', 2_000);
      expect(store().get('a')).toBe(2);
      input.pipeInput('b', 'x', 11_999); // a updated at 2 s: 9.999 s old, still live
      expect(store().get('a')).toBe(2);
      input.pipeInput('b', 'x', 12_000); // 10 s old: expired
      expect(store().get('a')).toBeUndefined();
      expect([...store().all()].map((kv) => kv.key)).toEqual(['b']);
      input.pipeInput('a', 'x', 12_500);
      expect(store().get('a')).toBe(1);
      const last = new Map(out.readKeyValuesToList().map((kv) => [kv.key, kv.value]));
      expect(last.get('a')).toBe(1);
      expect(last.get('b')).toBe(2);
    } finally {
      await driver.close();
    }
  });

  it('sweeps expired entries at commit: a changelog tombstone, and no tombstone downstream', async () => {
    const { driver, input, out, changelog } = await countWithTtl(storeType, caching);
    try {
      input.pipeInput('a', 'x', 0);
      input.pipeInput('b', 'x', 5_000);
      changelog.readKeyValuesToList();
      out.readKeyValuesToList();
      input.pipeInput('b', 'x', 10_000); // stream time 10 s: a expired; sweep due (10 s after the first)
      const logged = changelog.readKeyValuesToList();
      expect(logged.filter((kv) => kv.key === 'a').map((kv) => kv.value)).toEqual([null]);
      expect(logged.filter((kv) => kv.key === 'b').map((kv) => kv.value === null)).toEqual([false]);
      expect(out.readKeyValuesToList()).toEqual([{ key: 'b', value: 2 }]);
    } finally {
      await driver.close();
    }
  });
});

describe('TTL with the idle watermark', () => {
  it('entries expire as the idle watermark moves stream time, without new records', async () => {
    const { driver, input, store, changelog } = await countWithTtl(StoreType.MEMORY, true, { idleWatermarkMs: 1_000 });
    try {
      input.pipeInput('a', 'x', 1_000);
      changelog.readKeyValuesToList();
      driver.advanceWallClockTime(9_999); // stream time 10.999 s: 9.999 s old
      expect(store().get('a')).toBe(1);
      driver.advanceWallClockTime(1); // 11 s: expired, and swept at the commit after the advance
      expect(store().get('a')).toBeUndefined();
      expect(changelog.readKeyValuesToList()).toEqual([{ key: 'a', value: null }]);
    } finally {
      await driver.close();
    }
  });
});

describe('Stores builder withTtl', () => {
  it('expires entries of a timestamped store used from the Processor API', async () => {
    const builder = new StreamsBuilder();
    builder.addStateStore(Stores.timestampedKeyValueStoreBuilder(Stores.inMemoryKeyValueStore('seen'), S, S).withTtl(TTL).withLoggingDisabled());
    builder
      .stream('in', Consumed.with(S, S))
      .process<string, string>(
        () => {
          let store: KeyValueStore<string, ValueAndTimestamp<string>>;
          let forward: (k: string, v: string, ts: number) => void;
          return {
            init(ctx) {
              store = ctx.getStateStore('seen');
              forward = (k, v, ts) => ctx.forward({ key: k, value: v, timestamp: ts, headers: {} });
            },
            process(r) {
              const previous = store.get(r.key);
              forward(r.key, previous === undefined ? 'new' : `seen ${previous.value}`, r.timestamp);
              store.put(r.key, { value: r.value, timestamp: r.timestamp });
            },
          };
        },
        undefined,
        'seen',
      )
      .to('out', Produced.with(S, S));
    const driver = await TopologyTestDriver.create(builder.build(), { initialWallClockTimeMs: 0 });
    try {
      const input = driver.createInputTopic('in', S, S);
      const out = driver.createOutputTopic('out', S, S);
      input.pipeInput('k', 'v1', 0);
      input.pipeInput('k', 'v2', 9_999);
      input.pipeInput('k', 'v3', 19_999); // v2 written at 9.999 s: exactly ttl old
      expect(out.readValuesToList()).toEqual(['new', 'seen v1', 'new']);
    } finally {
      await driver.close();
    }
  });

  it('rejects a TTL on a store without timestamps, and a TTL that is not a positive whole number', () => {
    expect(() => Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore('plain'), S, S).withTtl(1_000)).toThrow(/timestampedKeyValueStoreBuilder/);
    expect(() => Materialized.as('x').withTtl(0)).toThrow(/positive whole number/);
    expect(() => Materialized.as('x').withTtl(1.5)).toThrow(/positive whole number/);
  });
});

describe('TTL across a restart on a reused LevelDB state directory', () => {
  it('entries written before the restart expire by the stream time seen after it, and the sweep logs their tombstones', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'tributary-ttl-restart-'));
    const open = async () => {
      const builder = new StreamsBuilder();
      builder
        .stream('in', Consumed.with(S, S))
        .groupByKey(Grouped.with(S, S))
        .count(Materialized.as<string, number>('counts').withStoreType(StoreType.LEVELDB).withTtl(TTL))
        .toStream()
        .to('out', Produced.with(S, L));
      const driver = await TopologyTestDriver.create(builder.build(), { applicationId: APP, stateDir, initialWallClockTimeMs: 0 });
      return { driver, input: driver.createInputTopic('in', S, S), out: driver.createOutputTopic('out', S, L), changelog: driver.createOutputTopic(`${APP}-counts-changelog`, S, Serdes.bytes()) };
    };
    try {
      const first = await open();
      first.input.pipeInput('a', 'x', 1_000);
      first.input.pipeInput('a', 'x', 2_000);
      first.input.pipeInput('b', 'x', 6_000);
      await first.driver.close();

      const second = await open();
      try {
        const store = () => second.driver.getKeyValueStore<string, number>('counts')!;
        // Read back from LevelDB, timestamps included: both still live (no stream time yet).
        expect([store().get('a'), store().get('b')]).toEqual([2, 1]);
        second.input.pipeInput('c', 'x', 12_000); // a (2 s) is 10 s old: expired; b (6 s) is not
        expect([store().get('a'), store().get('b'), store().get('c')]).toEqual([undefined, 1, 1]);
        // The first sweep after the restart runs at once and logs a's tombstone.
        const tombstonesOf = () => second.changelog.readKeyValuesToList().filter((kv) => kv.value === null).map((kv) => kv.key).sort();
        expect(tombstonesOf()).toEqual(['a']);
        second.input.pipeInput('a', 'x', 12_500);
        second.input.pipeInput('b', 'x', 12_600);
        expect(second.out.readKeyValuesToList()).toEqual([
          { key: 'c', value: 1 },
          { key: 'a', value: 1 }, // restarted from the initializer
          { key: 'b', value: 2 },
        ]);
        second.input.pipeInput('d', 'x', 30_000); // everything else expired: the sweep tombstones them
        expect(tombstonesOf()).toEqual(['a', 'b', 'c']);
        expect([...store().all()].map((kv) => kv.key)).toEqual(['d']);
      } finally {
        await second.driver.close();
      }
    } finally {
      rmSync(stateDir, { recursive: true, force: true });
    }
  });
});
