/*
 * A live broker with its web console and a running Tributary application, shared by the
 * console's API and browser tests: topic `orders` (2 partitions) with known records (one of
 * them JSON with a header), a count-by-key application `console-it` (its changelog and output
 * topic), status published every 200 ms, and a consumer group with committed offsets.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Consumed } from '../../src/streams/dsl/options/consumed.ts';
import { Grouped } from '../../src/streams/dsl/options/grouped.ts';
import { Materialized } from '../../src/streams/dsl/options/materialized.ts';
import { Produced } from '../../src/streams/dsl/options/produced.ts';
import { StreamsBuilder } from '../../src/streams/dsl/streams-builder.ts';
import { KafkaStreams } from '../../src/streams/runtime/kafka-streams.ts';
import { Serdes } from '../../src/streams/serde/serdes.ts';
import { startTestBroker, type TestBroker, type TestBrokerOptions } from '../../src/testing/broker-harness.ts';
import { StreamsIo, waitFor } from '../integration/streams-helpers.ts';

export const APP_ID = 'console-it';
export const RECORDS = 60;

export interface ConsoleFixture {
  broker: TestBroker;
  io: StreamsIo;
  streams: KafkaStreams;
  /** "http://127.0.0.1:PORT/" */
  url: string;
  get<T>(path: string): Promise<{ status: number; body: T }>;
  close(): Promise<void>;
}

function topology() {
  const b = new StreamsBuilder();
  b.stream('orders', Consumed.with(Serdes.string(), Serdes.string()))
    .groupByKey(Grouped.with(Serdes.string(), Serdes.string()))
    .count(Materialized.as('order-counts'))
    .toStream()
    .to('order-counts-out', Produced.with(Serdes.string(), Serdes.int64()));
  return b.build();
}

export async function startConsoleFixture(brokerOptions: TestBrokerOptions = {}): Promise<ConsoleFixture> {
  const broker = await startTestBroker({ consolePort: 0, ...brokerOptions });
  const io = new StreamsIo(broker.bootstrap);
  const dir = mkdtempSync(join(tmpdir(), 'tributary-console-it-'));
  await io.createTopic('orders', 2);
  await io.createTopic('order-counts-out', 2);
  // Partition 0 gets the first record as JSON; every record is "customer-<i % 6>" → "order-<i>".
  await io.produce('orders', [
    { key: 'customer-json', value: JSON.stringify({ id: 'order-json', amount: 42 }), partition: 0, timestamp: 1_700_000_000_000 },
    ...Array.from({ length: RECORDS - 1 }, (_, i) => ({ key: `customer-${i % 6}`, value: `order-${i}`, partition: (i + 1) % 2, timestamp: 1_700_000_000_001 + i })),
  ]);
  const streams = new KafkaStreams(topology(), {
    applicationId: APP_ID,
    bootstrapServers: broker.bootstrap,
    stateDir: dir,
    commitIntervalMs: 100,
    sessionTimeoutMs: 6000,
    heartbeatIntervalMs: 500,
    logger: { warn: () => {}, error: () => {} },
    appStatus: { intervalMs: 200 },
  });
  await streams.start();
  await waitFor(() => streams.processedRecords >= RECORDS && streams.state === 'RUNNING', 'the app processed every record');
  const url = broker.broker.consoleUrl!;
  const get = async <T>(path: string) => {
    const res = await fetch(new URL(path, url));
    return { status: res.status, body: (await res.json()) as T };
  };
  // The committed offsets reach the end and the app's status record shows its tasks.
  await waitFor(async () => (await io.committedSum(APP_ID, 'orders')) === RECORDS, 'offsets committed up to the end');
  await waitFor(async () => {
    const apps = (await get<{ instances: { tasks: { active: string[] } }[] }[]>('/api/apps')).body;
    return apps.length === 1 && apps[0]!.instances[0]!.tasks.active.length === 2;
  }, 'the app listed with its two tasks');
  return {
    broker,
    io,
    streams,
    url,
    get,
    async close() {
      await streams.close();
      io.close();
      await broker.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
