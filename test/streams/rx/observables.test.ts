/*
 * The rxjs views: a stream point observed from outside the topology (through the driver), and a
 * running application's state changes with its input fed from an Observable (on the broker).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { from, map, Observable, throwError } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { INPUT_TOPIC, OUTPUT_TOPIC, buildTopology } from '../../../examples/word-count/topology.ts';
import { createClientFactory } from '../../../src/client/client-factory.ts';
import type { Producer } from '../../../src/client/types.ts';
import { Consumed } from '../../../src/streams/dsl/options/consumed.ts';
import { StreamsBuilder } from '../../../src/streams/dsl/streams-builder.ts';
import { KafkaStreams } from '../../../src/streams/runtime/kafka-streams.ts';
import { observeStream, produceFrom, stateChanges, type ObservedRecord, type StateChange } from '../../../src/streams/rx/observables.ts';
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
