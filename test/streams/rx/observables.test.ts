/*
 * The rxjs views: a stream point observed from outside the topology (through the driver), and a
 * running application's state changes with its input fed from an Observable (on the broker).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { filter, from, map, Observable, take, throwError, toArray } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { INPUT_TOPIC, OUTPUT_TOPIC, buildTopology } from '../../../examples/word-count/topology.ts';
import { createClientFactory } from '../../../src/client/client-factory.ts';
import type { Producer } from '../../../src/client/types.ts';
import { Consumed } from '../../../src/streams/dsl/options/consumed.ts';
import { StreamsBuilder } from '../../../src/streams/dsl/streams-builder.ts';
import { KafkaStreams } from '../../../src/streams/runtime/kafka-streams.ts';
import { metrics$, observeStream, observeTable, produceFrom, stateChanges, type MetricsSource, type ObservedRecord, type StateChange } from '../../../src/streams/rx/observables.ts';
import type { KafkaMetric } from '../../../src/metrics/metric-registry.ts';
import { Materialized } from '../../../src/streams/dsl/options/materialized.ts';
import type { StateListener, StreamsState } from '../../../src/streams/runtime/streams-state.ts';
import { Serdes } from '../../../src/streams/serde/serdes.ts';
import { startTestBroker, type TestBroker } from '../../../src/testing/broker-harness.ts';
import { TopologyTestDriver } from '../../../src/testing/topology-test-driver.ts';
import { StreamsIo, int64, lastValues, waitFor } from '../../integration/streams-helpers.ts';

describe('observeStream', () => {
  it('every subscriber sees each record reaching that point, typed, until it unsubscribes', async () => {
    const b = new StreamsBuilder();
    const alerts = b
      .stream('heart-rate', Consumed.with(Serdes.string(), Serdes.int32()))
      .filter((_device, bpm) => bpm > 120);
    const observed = observeStream(alerts);
    alerts.to('alerts');
    const first: ObservedRecord<string, number>[] = [];
    const second: number[] = [];
    const s1 = observed.subscribe((r) => first.push(r));
    const s2 = observed.pipe(map((r) => r.value)).subscribe((v) => second.push(v));
    const driver = await TopologyTestDriver.create(b.build());
    try {
      const input = driver.createInputTopic('heart-rate', Serdes.string(), Serdes.int32());
      input.pipeInput('watch-1', 130, 0);
      input.pipeInput('watch-2', 80, 1);
      s2.unsubscribe();
      input.pipeInput('watch-2', 150, 2);
    } finally {
      await driver.close();
    }
    s1.unsubscribe();
    expect(first).toEqual([
      { key: 'watch-1', value: 130 },
      { key: 'watch-2', value: 150 },
    ]);
    expect(second).toEqual([130]);
  });
});

describe('observeTable', () => {
  it('sees each update of a table, and null for a delete', async () => {
    const b = new StreamsBuilder();
    const totals = b
      .stream('payments', Consumed.with(Serdes.string(), Serdes.int32()))
      .groupByKey()
      .reduce((a, v) => a + v, Materialized.with(Serdes.string(), Serdes.int32()));
    const updates: Array<ObservedRecord<string, number | null>> = [];
    observeTable(totals).subscribe((u) => updates.push(u));
    const deleted = b.table('accounts', Consumed.with(Serdes.string(), Serdes.string()));
    const accountChanges: Array<string | null> = [];
    observeTable(deleted).subscribe((u) => accountChanges.push(u.value));
    const driver = await TopologyTestDriver.create(b.build());
    try {
      const pay = driver.createInputTopic('payments', Serdes.string(), Serdes.int32());
      pay.pipeInput('ann', 5, 0);
      pay.pipeInput('bob', 1, 1);
      pay.pipeInput('ann', 7, 2);
      const acc = driver.createInputTopic('accounts', Serdes.string(), Serdes.string());
      acc.pipeInput('ann', 'open', 3);
      acc.pipeInput('ann', null, 4);
    } finally {
      await driver.close();
    }
    expect(updates).toEqual([
      { key: 'ann', value: 5 },
      { key: 'bob', value: 1 },
      { key: 'ann', value: 12 },
    ]);
    expect(accountChanges).toEqual(['open', null]);
  });
});

/** A KafkaStreams stand-in: metrics() counts its calls; setState drives the listeners. */
function fakeStreams(): MetricsSource & { setState(s: StreamsState): void; calls: number } {
  const listeners = new Set<StateListener>();
  const fake = {
    state: 'RUNNING' as StreamsState,
    calls: 0,
    metrics(): KafkaMetric[] {
      fake.calls++;
      return [{ name: 'process-total', group: 'stream-thread-metrics', tags: {}, description: '', value: fake.calls * 10, type: 'counter' }];
    },
    onStateChange(l: StateListener) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    setState(s: StreamsState) {
      const prev = fake.state;
      fake.state = s;
      for (const l of listeners) l(s, prev);
    },
  };
  return fake;
}

describe('metrics$', () => {
  it('emits a snapshot at once and every period, and completes when the application stops', () => {
    const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    scheduler.run(({ expectObservable, cold }) => {
      const streams = fakeStreams();
      // The application closes at virtual time 25 ms.
      cold('25ms a').subscribe(() => streams.setState('NOT_RUNNING'));
      const values = metrics$(streams, 10, scheduler).pipe(map((s) => [s.timestamp, s.metrics[0]!.value]));
      expectObservable(values).toBe('a 9ms b 9ms c 4ms (d|)', { a: [0, 10], b: [10, 20], c: [20, 30], d: [25, 40] });
    });
  });

  it('works with operators: the rate of a counter between snapshots', () => {
    const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    scheduler.run(({ expectObservable }) => {
      const streams = fakeStreams();
      const processed = metrics$(streams, 1000, scheduler).pipe(
        map((s) => s.metrics.find((m) => m.name === 'process-total')!.value as number),
        filter((v) => v > 10),
        take(3),
        toArray(),
      );
      expectObservable(processed).toBe('3000ms (a|)', { a: [20, 30, 40] });
    });
  });

  it('completes at once with one snapshot for a stopped application, and rejects a bad period', () => {
    const streams = fakeStreams();
    streams.setState('NOT_RUNNING');
    const seen: number[] = [];
    let done = false;
    metrics$(streams, 50).subscribe({ next: (s) => seen.push(s.metrics.length), complete: () => (done = true) });
    expect(seen).toEqual([1]);
    expect(done).toBe(true);
    expect(() => metrics$(streams, 0)).toThrow(/periodMs must be a positive/);
  });
});

describe('produceFrom', () => {
  it('rejects with the source error, and with a mapping error', async () => {
    const sent: unknown[] = [];
    const producer = { send: async (records: readonly unknown[]) => (sent.push(...records), []) } as unknown as Producer;
    await expect(produceFrom(throwError(() => new Error('source broke')), producer, () => ({ topic: 't', key: null, value: null, timestamp: 0, headers: {} }))).rejects.toThrow(
      'source broke',
    );
    await expect(
      produceFrom(from([1, 2]), producer, (n) => {
        if (n === 2) throw new Error('cannot map 2');
        return { topic: 't', key: null, value: Buffer.from(String(n)), timestamp: 0, headers: {} };
      }),
    ).rejects.toThrow('cannot map 2');
    expect(sent).toHaveLength(1);
  });
});

describe('stateChanges and produceFrom on the broker', () => {
  let broker: TestBroker;
  let dir: string;
  beforeEach(async () => {
    broker = await startTestBroker();
    dir = mkdtempSync(join(tmpdir(), 'tributary-rx-'));
  });
  afterEach(async () => {
    await broker.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reports CREATED, then every transition to NOT_RUNNING, while an Observable feeds the input', async () => {
    const io = new StreamsIo(broker.bootstrap);
    await io.createTopic(INPUT_TOPIC, 2);
    await io.createTopic(OUTPUT_TOPIC, 2);
    const b = new StreamsBuilder();
    buildTopology(b);
    const streams = new KafkaStreams(b.build(), {
      applicationId: 'rx-app',
      bootstrapServers: broker.bootstrap,
      stateDir: dir,
      commitIntervalMs: 100,
      sessionTimeoutMs: 6000,
      heartbeatIntervalMs: 500,
      logger: { warn: () => {}, error: () => {} },
    });
    const states: StateChange[] = [];
    const subscription = stateChanges(streams).subscribe((s) => states.push(s));
    const producer = createClientFactory({ bootstrapServers: [broker.bootstrap], clientId: 'rx-feed' }).producer();
    try {
      await producer.connect();
      await streams.start();
      const lines: Observable<string> = from(['rx streams', 'rx kafka', 'rx']);
      await produceFrom(lines, producer, (line) => ({ topic: INPUT_TOPIC, key: null, value: Buffer.from(line), timestamp: Date.now(), headers: {} }));
      await waitFor(async () => lastValues(await io.readAll(OUTPUT_TOPIC), int64).get('rx') === 3n, 'the fed lines counted');
    } finally {
      await producer.disconnect();
      await streams.close();
      io.close();
    }
    subscription.unsubscribe();
    const seen = states.map((s) => s.state);
    expect(states[0]).toEqual({ state: 'CREATED', previous: undefined });
    expect(seen).toContain('RUNNING');
    expect(seen.slice(-2)).toEqual(['PENDING_SHUTDOWN', 'NOT_RUNNING']);
    for (let i = 1; i < states.length; i++) expect(states[i]!.previous).toBe(states[i - 1]!.state);
  }, 60_000);
});
