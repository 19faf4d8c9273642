// The TopologyTestDriver's own API: input/output topics, time, stores, lifecycle.
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { StreamsBuilder } from '../../src/streams/dsl/streams-builder.ts';
import { Consumed } from '../../src/streams/dsl/options/consumed.ts';
import { Materialized, StoreType } from '../../src/streams/dsl/options/materialized.ts';
import { Produced } from '../../src/streams/dsl/options/produced.ts';
import { Serdes } from '../../src/streams/serde/serdes.ts';
import { Topology } from '../../src/streams/topology/topology.ts';
import { PunctuationType, type ProcessorContext } from '../../src/streams/processor/processor-context.ts';
import { TopologyTestDriver } from '../../src/testing/topology-test-driver.ts';

const S = Serdes.string();
const L = Serdes.int64();
let driver: TopologyTestDriver | undefined;

afterEach(async () => {
  await driver?.close();
  driver = undefined;
});

async function passThrough() {
  const b = new StreamsBuilder();
  b.stream('in', Consumed.with(S, S)).to('out', Produced.with(S, S));
  driver = await TopologyTestDriver.create(b.build(), { initialWallClockTimeMs: 5000 });
  return driver;
}

describe('TopologyTestDriver', () => {
  it('stamps records with the input topic time, auto-advanced or explicit', async () => {
    const d = await passThrough();
    const input = d.createInputTopic('in', S, S, { startTimestampMs: 100, autoAdvanceMs: 10 });
    input.pipeInput('a', '1');
    input.pipeInput('b', '2');
    input.pipeInput('c', '3', 7);
    input.advanceTime(1000);
    input.pipeInput('d', '4');
    const defaultTime = d.createInputTopic('in', S, S);
    defaultTime.pipeInput('e', '5');
    expect(d.createOutputTopic('out', S, S).readRecordsToList().map((r) => [r.key, r.timestamp])).toEqual([
      ['a', 100],
      ['b', 110],
      ['c', 7],
      ['d', 1120],
      ['e', 5000],
    ]);
  });

  it('reads records with headers, values, key-value pairs and maps', async () => {
    const d = await passThrough();
    const input = d.createInputTopic('in', S, S);
    input.pipeInput('k', 'v', 1, { h: Buffer.from('x') });
    input.pipeKeyValueList([['a', '1'], { key: 'b', value: '2' }], 50, 5);
    input.pipeRecordList([{ key: 'a', value: '3', timestamp: 70 }]);
    input.pipeValueList(['no-key']);
    const out = d.createOutputTopic('out', S, S);
    expect(out.queueSize).toBe(5);
    const first = out.readRecord();
    expect(first).toEqual({ key: 'k', value: 'v', timestamp: 1, headers: { h: Buffer.from('x') } });
    expect(out.readKeyValue()).toEqual({ key: 'a', value: '1' });
    expect(out.readRecord().timestamp).toBe(55);
    expect(out.readValue()).toBe('3');
    expect(out.readKeyValue()).toEqual({ key: null, value: 'no-key' });
    expect(out.isEmpty()).toBe(true);
    expect(() => out.readRecord()).toThrow('Empty topic: out');
    input.pipeKeyValueList([['x', '1'], ['y', '2'], ['x', '3']]);
    expect(out.readKeyValuesToMap()).toEqual(new Map([['x', '3'], ['y', '2']]));
  });

  it('rejects input topics the topology does not read', async () => {
    const d = await passThrough();
    expect(() => d.createInputTopic('nope', S, S)).toThrow(/Unknown topic: nope.*\[in\]/);
  });

  it('fires wall-clock punctuations when the test advances the clock', async () => {
    const t = new Topology()
      .addSource('src', 'in', { keyDeserializer: S, valueDeserializer: S })
      .addProcessor('ticker', () => {
        let ctx: ProcessorContext<string, string>;
        return {
          init(c: ProcessorContext<string, string>) {
            ctx = c;
            c.schedule(1000, PunctuationType.WALL_CLOCK_TIME, (ts) => ctx.forward({ key: 'tick', value: String(ts), timestamp: ts, headers: {} }));
          },
          process() {},
        };
      }, 'src')
      .addSink('sink', 'ticks', { keySerializer: S, valueSerializer: S }, 'ticker');
    driver = await TopologyTestDriver.create(t, { initialWallClockTimeMs: 0 });
    driver.advanceWallClockTime(999);
    const ticks = driver.createOutputTopic('ticks', S, S);
    expect(ticks.isEmpty()).toBe(true);
    driver.advanceWallClockTime(1);
    driver.advanceWallClockTime(2500);
    expect(ticks.readValuesToList()).toEqual(['1000', '3500']);
    expect(driver.wallClockTimeMs).toBe(3500);
  });

  it('gives plain-value views of DSL stores and undefined for unknown stores', async () => {
    const b = new StreamsBuilder();
    b.stream('in', Consumed.with(S, S)).groupByKey().count(Materialized.as('counts')).toStream().to('out', Produced.with(S, L));
    driver = await TopologyTestDriver.create(b.build());
    const input = driver.createInputTopic('in', S, S);
    input.pipeKeyValueList([['b', 'x'], ['a', 'x'], ['b', 'y']]);
    const store = driver.getKeyValueStore<string, number>('counts')!;
    expect([...store.all()].map((kv) => [kv.key, kv.value])).toEqual([['a', 1], ['b', 2]]);
    expect(store.approximateNumEntries()).toBe(2);
    expect(driver.getKeyValueStore('missing')).toBeUndefined();
  });

  it('uses LevelDB stores on request, in a temp directory it removes on close', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'ttd-test-'));
    try {
      const b = new StreamsBuilder();
      b.stream('in', Consumed.with(S, S)).groupByKey().count(Materialized.as<string, number>('counts').withStoreType(StoreType.LEVELDB)).toStream().to('out', Produced.with(S, L));
      driver = await TopologyTestDriver.create(b.build(), { stateDir, applicationId: 'ldb' });
      const input = driver.createInputTopic('in', S, S);
      input.pipeKeyValueList([['k', '1'], ['k', '2']]);
      expect(driver.getKeyValueStore<string, number>('counts')!.get('k')).toBe(2);
      expect(driver.getKeyValueStore('counts')!.persistent).toBe(true);
      await driver.close();
      driver = undefined;
      expect(readdirSync(join(stateDir, 'ldb'))).toEqual(['0_0']);
    } finally {
      rmSync(stateDir, { recursive: true, force: true });
    }
  });

  it('defaultStoreType leveldb applies to DSL stores that do not choose', async () => {
    const b = new StreamsBuilder();
    b.stream('in', Consumed.with(S, S)).groupByKey().count(Materialized.as('c')).toStream().to('out', Produced.with(S, L));
    driver = await TopologyTestDriver.create(b.build(), { defaultStoreType: 'leveldb' });
    driver.createInputTopic('in', S, S).pipeInput('k', 'v');
    expect(driver.getKeyValueStore('c')!.persistent).toBe(true);
    expect(driver.createOutputTopic('out', S, L).readValue()).toBe(1);
  });

  it('close() is idempotent and the driver refuses work afterwards', async () => {
    const d = await passThrough();
    const input = d.createInputTopic('in', S, S);
    await d.close();
    await d.close();
    expect(() => input.pipeInput('k', 'v')).toThrow(/closed/);
    driver = undefined;
  });

  it('removes the temp state directory it created, but not one it was given', async () => {
    const d = await passThrough();
    expect(existsSync(d.stateDir)).toBe(true);
    await d.close();
    driver = undefined;
    expect(existsSync(d.stateDir)).toBe(false);
    const given = mkdtempSync(join(tmpdir(), 'ttd-given-'));
    try {
      const b = new StreamsBuilder();
      b.stream('in', Consumed.with(S, S)).to('out', Produced.with(S, S));
      const d2 = await TopologyTestDriver.create(b.build(), { stateDir: given });
      await d2.close();
      expect(existsSync(given)).toBe(true);
    } finally {
      rmSync(given, { recursive: true, force: true });
    }
  });
});
