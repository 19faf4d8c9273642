/*
 * Shared pieces of the streams integration tests: topic setup, producing input and reading
 * output over TCP with the project's client (src/client, outside the app under test: its own
 * connections and objects), and polling for a condition.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { WireCluster } from '../../src/client/cluster.ts';
import { KafkaStreams } from '../../src/streams/runtime/kafka-streams.ts';
import type { StreamsConfigInput } from '../../src/streams/runtime/streams-config.ts';
import type { Topology } from '../../src/streams/topology/topology.ts';
import { startTestBroker, type TestBroker, type TestBrokerOptions } from '../../src/testing/broker-harness.ts';
import { createTopics } from '../../src/client/admin.ts';
import { createClientFactory } from '../../src/client/client-factory.ts';
import type { Admin, ClientFactory } from '../../src/client/types.ts';
import { produce } from '../client/helpers/produce.ts';

export interface InputRecord {
  key: string | Buffer | null;
  value: string | Buffer | null;
  partition?: number;
  timestamp: number;
}

export interface OutputRecord {
  partition: number;
  offset: number;
  key: Buffer | null;
  value: Buffer | null;
  timestamp: number;
  headers?: Readonly<Record<string, Buffer>>;
}

export class StreamsIo {
  readonly #cluster: WireCluster;
  readonly #clients: ClientFactory;
  readonly #admin: Admin;

  constructor(bootstrap: string) {
    this.#cluster = new WireCluster({ bootstrap, clientId: 'streams-it' });
    this.#clients = createClientFactory({ bootstrapServers: [bootstrap], clientId: 'streams-it', logLevel: 'nothing' });
    this.#admin = this.#clients.admin();
  }

  async createTopic(name: string, numPartitions: number): Promise<void> {
    await createTopics(this.#cluster, [{ name, numPartitions, replicationFactor: 1 }]);
  }

  async produce(topic: string, records: readonly InputRecord[]): Promise<void> {
    for (let i = 0; i < records.length; i += 500) {
      await produce(this.#cluster, topic, records.slice(i, i + 500));
    }
  }

  /**
   * Every record of `topic` from the start up to its current end; with `readCommitted`, only
   * committed transactional records, up to the last stable offset.
   */
  async readAll(topic: string, opts: { readCommitted?: boolean } = {}): Promise<OutputRecord[]> {
    const [info] = await this.#admin.describeTopics([topic]);
    if (info === undefined) return []; // not created yet: nothing written
    const tps = Array.from({ length: info.partitions }, (_, partition) => ({ topic, partition }));
    const isolation = opts.readCommitted === true ? 'read_committed' : 'read_uncommitted';
    const consumer = this.#clients.assignedConsumer({ maxWaitMs: 50, isolationLevel: isolation });
    try {
      await consumer.assign(tps);
      // Under read_committed the end is the last stable offset: a read_committed position stops
      // there while a transaction is open, so the high watermark would never be reached.
      const ends = await this.#admin.listOffsets(tps, 'latest', { isolation });
      const out: OutputRecord[] = [];
      while (!ends.every((e) => consumer.position(e) >= e.offset)) {
        for (const b of await consumer.poll(10_000, 50)) {
          for (const r of b.records) out.push({ partition: r.partition, offset: r.offset, key: r.key, value: r.value, timestamp: r.timestamp, headers: r.headers });
        }
      }
      return out;
    } finally {
      await consumer.disconnect();
    }
  }

  /** Sum of the high watermarks of every partition of `topic` (written, committed or not). */
  async endOffsetSum(topic: string, partitions: number): Promise<number> {
    const ends = await this.#admin.listOffsets(Array.from({ length: partitions }, (_, partition) => ({ topic, partition })), 'latest');
    return ends.reduce((n, o) => n + o.offset, 0);
  }

  /** Sum of the offsets group `groupId` has committed for the partitions of `topic`. */
  async committedSum(groupId: string, topic: string): Promise<number> {
    const offsets = await this.#admin.groupOffsets(groupId);
    return offsets.filter((o) => o.topic === topic).reduce((n, o) => n + o.offset, 0);
  }

  close(): void {
    this.#cluster.close();
    void this.#admin.disconnect();
  }
}

/** The last value per key (a table view of a changelog-like output topic). */
export function lastValues<V>(records: readonly OutputRecord[], decode: (b: Buffer) => V): Map<string, V> {
  const m = new Map<string, V>();
  for (const r of [...records].sort((a, b) => a.partition - b.partition || a.offset - b.offset)) {
    if (r.key === null) continue;
    if (r.value === null) m.delete(r.key.toString());
    else m.set(r.key.toString(), decode(r.value));
  }
  return m;
}

/** Polls `cond` every 50 ms; `what` (or what it returns at the timeout) explains the failure. */
export async function waitFor(cond: () => boolean | Promise<boolean>, what: string | (() => string), timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${typeof what === 'string' ? what : what()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A TCP port free on 127.0.0.1 right now (for a server whose address must be known before it starts). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

export const int64 = (b: Buffer): bigint => b.readBigInt64BE(0);

/**
 * The usual bed of a streams integration test, registered as vitest hooks: a fresh broker, a
 * StreamsIo on it and a temp state directory per test; `app()` builds a KafkaStreams with fast
 * test settings (commit every 100 ms, no cache, short session) that is closed after the test.
 */
export function useStreamsTestBed(applicationId: string, brokerOptions: TestBrokerOptions = {}): StreamsTestBed {
  const bed = { apps: [] as KafkaStreams[] } as unknown as StreamsTestBed & { apps: KafkaStreams[] };
  beforeEach(async () => {
    bed.broker = await startTestBroker(brokerOptions);
    bed.io = new StreamsIo(bed.broker.bootstrap);
    bed.dir = mkdtempSync(join(tmpdir(), 'tributary-streams-it-'));
  });
  afterEach(async () => {
    for (const a of bed.apps.splice(0)) await a.close();
    bed.io.close();
    await bed.broker.stop();
    rmSync(bed.dir, { recursive: true, force: true });
  });
  bed.app = (topology, extra = {}) => {
    const a = new KafkaStreams(topology, {
      applicationId,
      bootstrapServers: bed.broker.bootstrap,
      stateDir: bed.dir,
      commitIntervalMs: 100,
      cacheMaxBytes: 0,
      sessionTimeoutMs: 6000,
      heartbeatIntervalMs: 500,
      logger: { warn: () => {}, error: () => {} },
      ...extra,
    });
    bed.apps.push(a);
    return a;
  };
  return bed;
}

export interface StreamsTestBed {
  broker: TestBroker;
  io: StreamsIo;
  dir: string;
  app(topology: Topology, extra?: Partial<StreamsConfigInput>): KafkaStreams;
}
