// The streams runtime over TCP against the bundled broker: word count (two sub-topologies through
// a repartition topic) and a windowed aggregate run end to end, and their final tables equal what
// the TopologyTestDriver computes for the same input. Also: restart on the same state dir resumes
// without restoring from scratch, and keeps counting right.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { INPUT_TOPIC, OUTPUT_TOPIC, buildTopology } from '../../examples/word-count/topology.ts';
import { Consumed } from '../../src/streams/dsl/options/consumed.ts';
import { Grouped } from '../../src/streams/dsl/options/grouped.ts';
import { Materialized } from '../../src/streams/dsl/options/materialized.ts';
import { Produced } from '../../src/streams/dsl/options/produced.ts';
import { StreamsBuilder } from '../../src/streams/dsl/streams-builder.ts';
import { KafkaStreams } from '../../src/streams/runtime/kafka-streams.ts';
import { QueryableStoreTypes } from '../../src/streams/runtime/queryable-stores.ts';
import type { StreamsConfigInput } from '../../src/streams/runtime/streams-config.ts';
import { Serdes } from '../../src/streams/serde/serdes.ts';
import type { Topology } from '../../src/streams/topology/topology.ts';
import { TimeWindows } from '../../src/streams/windows/time-windows.ts';
import { startTestBroker, type TestBroker } from '../../src/testing/broker-harness.ts';
import { TopologyTestDriver } from '../../src/testing/topology-test-driver.ts';
import { StreamsIo, int64, lastValues, waitFor } from './streams-helpers.ts';

const WORDS = ['kafka', 'streams', 'tributary', 'broker', 'log', 'state', 'task', 'window', 'join', 'table'];
const silent = { warn: () => {}, error: () => {} };

function wordCount(): Topology {
  const b = new StreamsBuilder();
  buildTopology(b);
  return b.build();
}

function windowedCounts(): Topology {
  const b = new StreamsBuilder();
  b.stream('clicks', Consumed.with(Serdes.string(), Serdes.string()))
    .groupByKey(Grouped.with(Serdes.string(), Serdes.string()))
    .windowedBy(TimeWindows.ofSizeWithNoGrace(10_000))
    .count(Materialized.as('clicks-store'))
    .toStream()
    .map((k, v): [string, number] => [`${k.key}@${k.window.start}`, v])
    .to('clicks-per-window', Produced.with(Serdes.string(), Serdes.int64()));
  return b.build();
}

function lines(n: number, seed: number): string[] {
  let x = seed;
  const next = () => (x = (x * 1103515245 + 12345) % 2147483648);
  return Array.from({ length: n }, () => Array.from({ length: 1 + ((next() >>> 12) % 6) }, () => WORDS[(next() >>> 12) % WORDS.length]).join(' '));
}

async function driverTable(topology: Topology, input: string, output: string, records: Array<{ key: string | null; value: string; timestamp: number }>): Promise<Map<string, bigint>> {
  const driver = await TopologyTestDriver.create(topology, { cacheMaxBytes: 0 });
  try {
    const i = driver.createInputTopic(input, Serdes.string(), Serdes.string());
    for (const r of records) i.pipeInput(r.key, r.value, r.timestamp);
    const out = driver.createOutputTopic(output, Serdes.string(), Serdes.int64()).readKeyValuesToMap();
    return new Map([...out].map(([k, v]) => [k, BigInt(v as number | bigint)]));
  } finally {
    await driver.close();
  }
}

describe('streams runtime end to end (bundled broker over TCP)', () => {
  let broker: TestBroker;
  let io: StreamsIo;
  let dir: string;
  const apps: KafkaStreams[] = [];

  beforeEach(async () => {
    broker = await startTestBroker();
    io = new StreamsIo(broker.bootstrap);
    dir = mkdtempSync(join(tmpdir(), 'tributary-streams-it-'));
  });
  afterEach(async () => {
    for (const a of apps.splice(0)) await a.close();
    io.close();
    await broker.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  function app(topology: Topology, extra: Partial<StreamsConfigInput> = {}): KafkaStreams {
    const a = new KafkaStreams(topology, {
      applicationId: 'it-app',
      bootstrapServers: broker.bootstrap,
      stateDir: dir,
      commitIntervalMs: 100,
      cacheMaxBytes: 0,
      sessionTimeoutMs: 6000,
      heartbeatIntervalMs: 500,
      logger: silent,
      ...extra,
    });
    apps.push(a);
    return a;
  }

  it('word count: the output table equals the TopologyTestDriver result', async () => {
    await io.createTopic(INPUT_TOPIC, 2);
    await io.createTopic(OUTPUT_TOPIC, 2);
    const input = lines(300, 7).map((value, i) => ({ key: null, value, timestamp: 1000 + i, partition: i % 2 }));
    await io.produce(INPUT_TOPIC, input);
    const expected = await driverTable(wordCount(), INPUT_TOPIC, OUTPUT_TOPIC, input);
    const streams = app(wordCount());
    await streams.start();
    await waitFor(async () => {
      const got = lastValues(await io.readAll(OUTPUT_TOPIC), int64);
      return got.size === expected.size && [...expected].every(([k, v]) => got.get(k) === v);
    }, 'word counts equal to the driver');
    expect(streams.state).toBe('RUNNING');
  }, 60_000);

  it('windowed count: the output table equals the TopologyTestDriver result', async () => {
    await io.createTopic('clicks', 3);
    await io.createTopic('clicks-per-window', 3);
    const users = ['ann', 'bob', 'cy', 'dee', 'eve'];
    const input = Array.from({ length: 400 }, (_, i) => ({ key: users[(i * 7) % users.length]!, value: `page${i % 9}`, timestamp: 1_000 + i * 150 }));
    await io.produce('clicks', input);
    const expected = await driverTable(windowedCounts(), 'clicks', 'clicks-per-window', input);
    const streams = app(windowedCounts(), { applicationId: 'it-windows' });
    await streams.start();
    await waitFor(async () => {
      const got = lastValues(await io.readAll('clicks-per-window'), int64);
      return got.size === expected.size && [...expected].every(([k, v]) => got.get(k) === v);
    }, 'window counts equal to the driver');
    // Interactive query of the window store over this instance's tasks (windows still retained:
    // the store keeps size + grace = 10 s behind stream time).
    const windows = streams.store('clicks-store', QueryableStoreTypes.windowStore<string, number>());
    const lastTs = input[input.length - 1]!.timestamp;
    const recent = [...expected].filter(([k]) => Number(k.split('@')[1]) > lastTs - 10_000);
    expect(recent.length).toBeGreaterThan(0);
    for (const [k, v] of recent) {
      const [user, start] = k.split('@') as [string, string];
      expect(BigInt(windows.fetch(user, Number(start)) ?? -1)).toBe(v);
      expect([...windows.fetch(user, Number(start), Number(start))].map((e) => BigInt(e.value))).toEqual([v]);
    }
    expect(windows.fetch('nobody', 0)).toBeUndefined();
  }, 60_000);

  it('restart on the same state dir resumes from local stores without restoring, and stays right', async () => {
    await io.createTopic(INPUT_TOPIC, 2);
    await io.createTopic(OUTPUT_TOPIC, 2);
    const first = lines(200, 3).map((value, i) => ({ key: null, value, timestamp: 1000 + i }));
    await io.produce(INPUT_TOPIC, first);
    const a = app(wordCount());
    await a.start();
    const expected1 = await driverTable(wordCount(), INPUT_TOPIC, OUTPUT_TOPIC, first);
    await waitFor(async () => {
      const got = lastValues(await io.readAll(OUTPUT_TOPIC), int64);
      return [...expected1].every(([k, v]) => got.get(k) === v);
    }, 'first counts');
    await a.close();
    expect(a.state).toBe('NOT_RUNNING');

    const second = lines(100, 11).map((value, i) => ({ key: null, value, timestamp: 5000 + i }));
    await io.produce(INPUT_TOPIC, second);
    const b = app(wordCount());
    await b.start();
    const expected = await driverTable(wordCount(), INPUT_TOPIC, OUTPUT_TOPIC, [...first, ...second]);
    await waitFor(async () => {
      const got = lastValues(await io.readAll(OUTPUT_TOPIC), int64);
      return [...expected].every(([k, v]) => got.get(k) === v);
    }, 'counts after restart');
    // Clean close committed every store with its changelog offset: nothing to restore.
    expect(b.restoredRecords).toBe(0);
    await b.close();

    // Without local state the same restart must read the changelogs (so the measure above is real).
    b.cleanUp();
    await io.produce(INPUT_TOPIC, [{ key: null, value: 'kafka', timestamp: 9000 }]);
    const c = app(wordCount());
    await c.start();
    const expected3 = new Map(expected);
    expected3.set('kafka', (expected.get('kafka') ?? 0n) + 1n);
    await waitFor(async () => lastValues(await io.readAll(OUTPUT_TOPIC), int64).get('kafka') === expected3.get('kafka'), 'count after rebuild');
    expect(c.restoredRecords).toBeGreaterThan(0);
  }, 60_000);
});
