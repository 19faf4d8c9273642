// KafkaStreams over an in-memory cluster (fake-cluster.ts): lifecycle, the commit procedure,
// restart without restore, corrupt state rebuilt from the changelog, broker outages, the
// uncaught-exception handler and interactive queries. The same runtime over the real broker is
// covered by test/integration/streams-*.test.ts.
import { mkdtempSync, rmSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { INPUT_TOPIC, OUTPUT_TOPIC, STORE_NAME, buildTopology } from '../../../examples/word-count/topology.ts';
import { StreamsBuilder } from '../../../src/streams/dsl/streams-builder.ts';
import { DeserializationHandlers } from '../../../src/streams/errors/deserialization-handler.ts';
import { KafkaStreams, StreamThreadExceptionResponse } from '../../../src/streams/runtime/kafka-streams.ts';
import { QueryableStoreTypes, InvalidStateStoreError } from '../../../src/streams/runtime/queryable-stores.ts';
import type { StreamsConfigInput } from '../../../src/streams/runtime/streams-config.ts';
import type { StreamsState } from '../../../src/streams/runtime/streams-state.ts';
import { Consumed } from '../../../src/streams/dsl/options/consumed.ts';
import { Produced } from '../../../src/streams/dsl/options/produced.ts';
import { Serdes } from '../../../src/streams/serde/serdes.ts';
import { FakeCluster } from './fake-cluster.ts';

const APP = 'wc';
const silent = process.env["RT_DEBUG"] ? { warn: (m: string) => console.log(m), error: (m: string) => console.log(m) } : { warn: () => {}, error: () => {} };

function wordCount(): ReturnType<StreamsBuilder['build']> {
  const b = new StreamsBuilder();
  buildTopology(b);
  return b.build();
}

async function until(cond: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

function finalCounts(cluster: FakeCluster): Map<string, bigint> {
  const m = new Map<string, bigint>();
  for (const r of cluster.read(OUTPUT_TOPIC)) m.set(r.key!.toString(), r.value!.readBigInt64BE(0));
  return m;
}

describe('KafkaStreams runtime (in-memory cluster)', () => {
  let dir = '';
  let cluster: FakeCluster;
  const started: KafkaStreams[] = [];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tributary-rt-'));
    cluster = new FakeCluster();
    cluster.createTopic(INPUT_TOPIC, 2);
  });
  afterEach(async () => {
    for (const s of started.splice(0)) await s.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function app(extra: Partial<StreamsConfigInput> = {}, topology = wordCount()): KafkaStreams {
    const s = new KafkaStreams(
      topology,
      { applicationId: APP, bootstrapServers: '127.0.0.1:1', stateDir: dir, commitIntervalMs: 0, pollMs: 5, retryBackoffMs: 10, retryBackoffMaxMs: 40, logger: silent, ...extra },
      { deps: ({ topology: t }) => cluster.deps(t, APP) },
    );
    started.push(s);
    return s;
  }

  function produceLines(lines: string[]): void {
    lines.forEach((l, i) => cluster.append(INPUT_TOPIC, i % 2, null, Buffer.from(l), 1000 + i));
  }

  it('goes CREATED → REBALANCING → RUNNING → PENDING_SHUTDOWN → NOT_RUNNING and counts words', async () => {
    const s = app();
    const states: string[] = [];
    s.onStateChange((next, prev) => states.push(`${prev}→${next}`));
    expect(s.state).toBe('CREATED');
    produceLines(['a b a', 'b c', 'a']);
    await s.start();
    await until(() => finalCounts(cluster).get('a') === 3n, 'a=3');
    expect(finalCounts(cluster)).toEqual(new Map([['a', 3n], ['b', 2n], ['c', 1n]]));
    expect(s.localTasks().active.sort()).toEqual(['0_0', '0_1', '1_0', '1_1']);
    expect(await s.close()).toBe(true);
    expect(s.state).toBe('NOT_RUNNING');
    expect(states[0]).toBe('CREATED→REBALANCING');
    expect(states).toContain('REBALANCING→RUNNING');
    expect(states.slice(-2)).toEqual(['RUNNING→PENDING_SHUTDOWN', 'PENDING_SHUTDOWN→NOT_RUNNING']);
    // the committed input positions are past every processed record
    expect(cluster.committed.get(`${APP}\u0000${INPUT_TOPIC}\u00000`)).toBe(2);
    expect(cluster.committed.get(`${APP}\u0000${INPUT_TOPIC}\u00001`)).toBe(1);
  });

  it('removes and re-adds its one stream thread at runtime; more threads need a topology module', async () => {
    const s = app();
    expect(await s.addStreamThread()).toBeUndefined(); // not started: as Kafka, nothing happens
    produceLines(['a b', 'a']);
    await s.start();
    await until(() => finalCounts(cluster).get('a') === 2n, 'a=2');
    // Thread 2 would be a worker: refused with the reason (this instance has no topology module).
    await expect(s.addStreamThread()).rejects.toThrow(/Cannot start stream thread 2: more than one stream thread needs the topology as a module/);
    const removed = await s.removeStreamThread();
    expect(removed).toMatch(/^wc-\d+-\d+-StreamThread-1$/);
    expect(s.localTasks().active).toEqual([]);
    expect(await s.removeStreamThread()).toBeUndefined(); // none left
    expect(s.state).toBe('RUNNING'); // no thread left to rebalance
    expect(s.metrics().find((m) => m.name === 'alive-stream-threads')?.value).toBe(0);
    produceLines(['a c']);
    expect(await s.addStreamThread()).toMatch(/-StreamThread-1$/);
    await until(() => finalCounts(cluster).get('a') === 3n && s.state === 'RUNNING', 'a=3 after the thread came back');
    expect(finalCounts(cluster).get('c')).toBe(1n);
    expect(s.processedRecords).toBeGreaterThanOrEqual(3);
  });

  it('purges consumed repartition records after commit', async () => {
    const s = app();
    produceLines(['x y z', 'x']);
    await s.start();
    await until(() => finalCounts(cluster).get('x') === 2n, 'x=2');
    await s.close();
    const rep = cluster.topics.get(`${APP}-counts-store-repartition`)!;
    expect(rep.reduce((n, p) => n + p.start, 0)).toBe(4);
    expect(rep.every((p) => p.records.length === 0)).toBe(true);
  });

  it('restarts on the same state dir without restoring, and keeps counting', async () => {
    produceLines(['a a b']);
    const first = app();
    await first.start();
    await until(() => finalCounts(cluster).get('a') === 2n, 'a=2');
    await first.close();
    const changelog = cluster.read(`${APP}-${STORE_NAME}-changelog`).length;
    expect(changelog).toBeGreaterThan(0);

    produceLines(['a c']);
    const second = app();
    await second.start();
    await until(() => finalCounts(cluster).get('a') === 3n, 'a=3');
    expect(second.restoredRecords).toBe(0);
    expect(finalCounts(cluster)).toEqual(new Map([['a', 3n], ['b', 1n], ['c', 1n]]));
  });

  it('rebuilds lost local state from the changelog', async () => {
    produceLines(['k k k']);
    const first = app();
    await first.start();
    await until(() => finalCounts(cluster).get('k') === 3n, 'k=3');
    await first.close();
    first.cleanUp();
    expect(readdirSync(dir)).toEqual([]);

    produceLines(['k']);
    const second = app();
    await second.start();
    await until(() => finalCounts(cluster).get('k') === 4n, 'k=4');
    expect(second.restoredRecords).toBeGreaterThan(0);
  });

  it('wipes and restores a store whose checkpoint is ahead of its changelog, and one that cannot open', async () => {
    produceLines(['m n']);
    const first = app();
    await first.start();
    await until(() => finalCounts(cluster).get('n') === 1n, 'n=1');
    await first.close();
    // The changelog is recreated empty except for one record: local checkpoints are now ahead of it.
    const changelog = `${APP}-${STORE_NAME}-changelog`;
    const saved = cluster.topics.get(changelog)!.map((p) => p.records.slice());
    cluster.topics.delete(changelog);
    cluster.createTopic(changelog, 2);
    saved.forEach((records, p) => records.forEach((r) => cluster.append(changelog, p, r.key, r.value, r.timestamp)));
    // …and one task's store directory is garbage.
    const taskDir = join(dir, APP, '1_0', STORE_NAME);
    rmSync(taskDir, { recursive: true, force: true });
    writeFileSync(taskDir, 'not a leveldb directory');

    produceLines(['m', 'n']);
    const second = app();
    await second.start();
    await until(() => finalCounts(cluster).get('m') === 2n && finalCounts(cluster).get('n') === 2n, 'm=2,n=2');
    expect(second.state).toBe('RUNNING');
  });

  it('retries with backoff while the broker is down, reporting REBALANCING, then runs', async () => {
    cluster.down = true;
    const s = app();
    const states: StreamsState[] = [];
    s.onStateChange((next) => states.push(next));
    produceLines(['up']);
    await s.start();
    await new Promise((r) => setTimeout(r, 100));
    expect(s.state).toBe('REBALANCING');
    cluster.down = false;
    await until(() => finalCounts(cluster).get('up') === 1n, 'up=1');
    expect(s.state).toBe('RUNNING');
    // the broker goes away mid-run, then comes back: back to REBALANCING, then RUNNING, no loss
    cluster.down = true;
    await until(() => s.state === 'REBALANCING', 'REBALANCING');
    cluster.down = false;
    produceLines(['up']);
    await until(() => finalCounts(cluster).get('up') === 2n, 'up=2');
    expect(states.filter((x) => x === 'ERROR')).toEqual([]);
  });

  it('shuts the client down on a processing error by default, or replaces the thread', async () => {
    const topology = (() => {
      const b = new StreamsBuilder();
      b.stream(INPUT_TOPIC, Consumed.with(Serdes.string(), Serdes.string()))
        .mapValues((v) => {
          if (v === 'boom') throw new Error('bad input');
          return v.toUpperCase();
        })
        .to(OUTPUT_TOPIC, Produced.with(Serdes.string(), Serdes.string()));
      return b.build();
    })();
    cluster.append(INPUT_TOPIC, 0, null, Buffer.from('boom'), 1);
    const s = app({}, topology);
    const errors: Error[] = [];
    s.setUncaughtExceptionHandler((e) => {
      errors.push(e);
      return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    });
    await s.start();
    await until(() => s.state === 'ERROR', 'ERROR');
    expect(errors[0]?.message).toMatch(/bad input/);
    expect(errors[0]?.message).toMatch(/partition=0 offset=0/);

    let calls = 0;
    const r = app({}, topology);
    r.setUncaughtExceptionHandler(() => (++calls >= 3 ? StreamThreadExceptionResponse.SHUTDOWN_CLIENT : StreamThreadExceptionResponse.REPLACE_THREAD));
    await s.close();
    await r.start();
    await until(() => r.state === 'ERROR', 'ERROR after replacements');
    expect(calls).toBe(3);
  });

  it('sends undeserializable records to the dead-letter topic and continues', async () => {
    const topology = (() => {
      const b = new StreamsBuilder();
      b.stream(INPUT_TOPIC, Consumed.with(Serdes.string(), Serdes.int32())).to(OUTPUT_TOPIC, Produced.with(Serdes.string(), Serdes.int32()));
      return b.build();
    })();
    const four = Buffer.alloc(4);
    four.writeInt32BE(7);
    cluster.append(INPUT_TOPIC, 0, null, Buffer.from('xy'), 1);
    cluster.append(INPUT_TOPIC, 0, null, four, 2);
    const s = app({ deserializationHandler: DeserializationHandlers.deadLetterQueue('dlq', silent) }, topology);
    await s.start();
    await until(() => cluster.read(OUTPUT_TOPIC).length === 1 && cluster.read('dlq').length === 1, 'output and dlq');
    const dead = cluster.read('dlq')[0]!;
    expect(dead.value).toEqual(Buffer.from('xy'));
    expect(dead.headers['__streams.errors.offset']?.toString()).toBe('0');
  });

  it('answers interactive queries from local tasks', async () => {
    const s = app();
    const kv = s.store(STORE_NAME, QueryableStoreTypes.keyValueStore<string, bigint | number>());
    expect(() => kv.get('a')).toThrow(InvalidStateStoreError);
    produceLines(['q r q']);
    await s.start();
    await until(() => finalCounts(cluster).get('q') === 2n, 'q=2');
    expect(Number(kv.get('q'))).toBe(2);
    expect(kv.get('absent')).toBeUndefined();
    expect([...kv.all()].map((e) => e.key).sort()).toEqual(['q', 'r']);
    expect(kv.approximateNumEntries()).toBe(2);
    expect(() => s.store('nope', QueryableStoreTypes.keyValueStore())).toThrow(/No state store named "nope"/);
  });

  it('rejects bad config naming the field', () => {
    expect(() => app({ commitIntervalMs: -5 })).toThrow(/commitIntervalMs: .*got -5/);
    expect(() => new KafkaStreams(wordCount(), { applicationId: 'bad id', bootstrapServers: 'x' })).toThrow(/applicationId: [\s\S]*bootstrapServers/);
    expect(() => app({ processingGuarantee: 'exactly_once' as 'at_least_once' })).toThrow(/processingGuarantee: must be "at_least_once" or "exactly_once_v2".*use "exactly_once_v2"/);
    expect(() => app({ applicationServer: 'nohost' })).toThrow(/applicationServer: must be "host:port"/);
  });

  it('keeps standby tasks caught up with their changelogs and tells which host owns a key', async () => {
    // This member is active for partition 0 only and standby for task 1_1; another host owns partition 1.
    const rep = `${APP}-counts-store-repartition`;
    cluster.assignment = (partitions) => ({
      partitions: partitions.filter((tp) => tp.partition === 0),
      standbyTasks: ['1_1'],
      hostMap: new Map([
        ['here:1', { active: [{ topic: INPUT_TOPIC, partition: 0 }, { topic: rep, partition: 0 }], standby: [{ topic: rep, partition: 1 }] }],
        ['there:2', { active: [{ topic: INPUT_TOPIC, partition: 1 }, { topic: rep, partition: 1 }], standby: [] }],
      ]),
    });
    const s = app({ applicationServer: 'here:1' });
    await s.start();
    await until(() => s.state === 'RUNNING', 'RUNNING');
    expect(s.localTasks()).toEqual({ active: ['0_0', '1_0'], standby: ['1_1'] });
    // The other host writes to changelog partition 1; our standby follows it at our next commit.
    const changelog = `${APP}-${STORE_NAME}-changelog`;
    const eight = Buffer.alloc(8);
    eight.writeBigInt64BE(5n);
    cluster.append(changelog, 1, Buffer.from('far'), eight, 10);
    cluster.append(INPUT_TOPIC, 0, null, Buffer.from('near'), 11);
    await until(() => s.restoredRecords >= 1 && finalCounts(cluster).get('near') !== undefined, 'standby restore');

    const { Serdes: S } = await import('../../../src/streams/serde/serdes.ts');
    const key = 'near';
    const meta = s.queryMetadataForKey(STORE_NAME, key, S.string())!;
    const { partitionForKey } = await import('../../../src/util/murmur2.ts');
    expect(meta.partition).toBe(partitionForKey(Buffer.from(key), 2));
    expect(meta.activeHost).toEqual(meta.partition === 0 ? { host: 'here', port: 1 } : { host: 'there', port: 2 });
    expect(meta.standbyHosts).toEqual(meta.partition === 1 ? [{ host: 'here', port: 1 }] : []);
  });

  it("starts the bundled broker for bootstrapServers 'embedded' and stops it on close", async () => {
    const s = app({ bootstrapServers: 'embedded', embedded: { dataDir: join(dir, 'broker') } });
    await s.start();
    const [address] = s.bootstrapServers;
    expect(address).toMatch(/^127\.0\.0\.1:\d+$/);
    const { createConnection } = await import('node:net');
    const connects = (addr: string) =>
      new Promise<boolean>((resolve) => {
        const [host, port] = addr.split(':');
        const sock = createConnection({ host: host!, port: Number(port) });
        sock.once('connect', () => (sock.destroy(), resolve(true)));
        sock.once('error', () => resolve(false));
      });
    expect(await connects(address!)).toBe(true);
    await s.close();
    expect(await connects(address!)).toBe(false);
    expect(readdirSync(join(dir, 'broker')).length).toBeGreaterThan(0);
  });
});
