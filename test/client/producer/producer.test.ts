/*
 * KafkaProducer (types.ts Producer on the wire client) against the bundled broker: what a
 * caller can see — metadata per record in input order that points at the record in the log,
 * per-partition order across calls and ticks, the same partitions as the kafkajs producer for the
 * same records, headers and timestamps, requests cut at maxBatchRecords / maxRequestBytes, missing
 * topics auto-created or given up after maxBlockMs, errors naming topic/partition, and a broker restart in the middle of a
 * stream of sends (retried; the last copy of every record in send order).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { buildRecordBatch, decodeRecordBatch } from '../../../src/protocol/records/record-batch.ts';
import { KafkaClientError, isUnrecoverable } from '../../../src/client/errors.ts';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import type { ClientConfig, ProducerRecord, RecordMetadata } from '../../../src/client/types.ts';
import { createTopics } from '../../../src/client/admin.ts';
import { WireCluster } from '../../../src/client/cluster.ts';
import { createClientFactory } from '../../../src/client/client-factory.ts';
import type { ConsumedRecord } from '../../../src/client/types.ts';
import { readBack } from '../helpers/read-back.ts';
import { KafkaProducer } from '../../../src/client/producer/producer.ts';
import { startTestBroker, type TestBroker } from '../../../src/testing/broker-harness.ts';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function broker(opts: Parameters<typeof startTestBroker>[0] = {}): Promise<TestBroker> {
  const b = await startTestBroker(opts);
  cleanups.push(() => b.stop());
  return b;
}

function config(b: TestBroker): ClientConfig {
  return { bootstrapServers: [b.bootstrap], clientId: 'wire-producer-test', logLevel: 'nothing' };
}

async function topic(b: TestBroker, name: string, partitions: number): Promise<void> {
  const cluster = new WireCluster({ bootstrap: b.bootstrap });
  try {
    await createTopics(cluster, [{ name, numPartitions: partitions, replicationFactor: 1 }]);
  } finally {
    cluster.close();
  }
}

async function producer(b: TestBroker, ...rest: [ConstructorParameters<typeof KafkaProducer>[1]?, ConstructorParameters<typeof KafkaProducer>[2]?]): Promise<KafkaProducer> {
  const p = new KafkaProducer(config(b), ...rest);
  await p.connect();
  cleanups.push(() => p.disconnect());
  return p;
}

/** Every record of the topic, per partition, in offset order. */
async function readAll(b: TestBroker, name: string, expected: number): Promise<Map<number, ConsumedRecord[]>> {
  const out = new Map<number, ConsumedRecord[]>();
  for (const r of await readBack(b.bootstrap, name, expected)) {
    let list = out.get(r.partition);
    if (list === undefined) out.set(r.partition, (list = []));
    list.push(r);
  }
  return out;
}

function rec(t: string, key: string | null, value: string, extra: Partial<ProducerRecord> = {}): ProducerRecord {
  return { topic: t, key: key === null ? null : Buffer.from(key), value: Buffer.from(value), timestamp: 1_700_000_000_000, headers: {}, ...extra };
}

describe('KafkaProducer', () => {
  it('resolves each call with metadata in input order that points at the record, keeping partition order across calls and ticks', async () => {
    const b = await broker();
    await topic(b, 'orders', 3);
    const p = await producer(b);
    const sent: ProducerRecord[][] = [];
    const pending: Promise<readonly RecordMetadata[]>[] = [];
    for (let tick = 0; tick < 5; tick++) {
      for (let call = 0; call < 4; call++) {
        const records = Array.from({ length: 7 }, (_, i) => rec('orders', `k${(tick * 31 + call * 7 + i) % 11}`, `v-${tick}-${call}-${i}`));
        sent.push(records);
        pending.push(p.send(records));
      }
      await new Promise((r) => setImmediate(r));
    }
    const metas = await Promise.all(pending);
    const log = await readAll(b, 'orders', 140);
    const expectedOrder = new Map<number, string[]>();
    metas.forEach((meta, c) => {
      expect(meta).toHaveLength(sent[c]!.length);
      meta.forEach((m, i) => {
        const r = sent[c]![i]!;
        expect(m.topic).toBe('orders');
        const stored = log.get(m.partition)?.find((x) => x.offset === m.offset);
        expect(stored?.value?.toString()).toBe(r.value!.toString());
        expect(stored?.key?.toString()).toBe(r.key!.toString());
        expectedOrder.set(m.partition, [...(expectedOrder.get(m.partition) ?? []), r.value!.toString()]);
      });
    });
    for (const [partition, values] of expectedOrder) {
      expect(log.get(partition)!.map((r) => r.value!.toString())).toEqual(values);
    }
  });

  it('chooses the same partitions as the kafkajs producer for keys and explicit partitions, and one sticky partition for a few null keys', async () => {
    const b = await broker();
    await topic(b, 'same-a', 7);
    await topic(b, 'same-b', 7);
    const records = (t: string): ProducerRecord[] => [
      ...Array.from({ length: 40 }, (_, i) => rec(t, `user-${i * 13}`, 'x')),
      rec(t, 'pinned', 'x', { partition: 5 }),
      rec(t, null, 'x', { partition: 2 }),
      ...Array.from({ length: 10 }, () => rec(t, null, 'x')),
    ];
    const wire = await producer(b);
    // kafkajs' own producer as the reference (its DefaultPartitioner is Java's murmur2).
    const kjs = new Kafka({ clientId: 'kafkajs-peer', brokers: [b.bootstrap], logLevel: logLevel.NOTHING }).producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await kjs.connect();
    cleanups.push(() => kjs.disconnect());
    const w = await wire.send(records('same-a'));
    const k = (await Promise.all(records('same-b').slice(0, 42).map((r) => kjs.send({ topic: 'same-b', messages: [{ key: r.key, value: r.value, ...(r.partition === undefined ? {} : { partition: r.partition }) }] })))).map((x) => x[0]!);
    expect(w.slice(0, 42).map((m) => m.partition)).toEqual(k.map((m) => m.partition));
    expect(new Set(w.slice(42).map((m) => m.partition)).size).toBe(1);
  });

  it('writes headers and timestamps, null keys and null values', async () => {
    const b = await broker();
    await topic(b, 'headed', 1);
    const p = await producer(b, { acks: 1 });
    await p.send([
      rec('headed', 'a', 'one', { timestamp: 1_600_000_000_123, headers: { trace: Buffer.from('t-1'), empty: Buffer.alloc(0) } }),
      { topic: 'headed', key: null, value: null, timestamp: 1_600_000_000_001, headers: {} },
    ]);
    const [first, second] = (await readAll(b, 'headed', 2)).get(0)!;
    expect(first!.timestamp).toBe(1_600_000_000_123);
    expect(Object.fromEntries(Object.entries(first!.headers).map(([k, v]) => [k, v.toString()]))).toEqual({ trace: 't-1', empty: '' });
    expect(second!.key).toBeNull();
    expect(second!.value).toBeNull();
    expect(second!.timestamp).toBe(1_600_000_000_001);
  });

  it('compresses with gzip when asked, and the records read back unchanged', async () => {
    const b = await broker();
    await topic(b, 'zipped', 1);
    const p = await producer(b, { compression: 'gzip' });
    const meta = await p.send(Array.from({ length: 50 }, (_, i) => rec('zipped', `k${i}`, `value ${i} `.repeat(20), { headers: { n: Buffer.from(String(i)) } })));
    expect(meta.map((m) => m.offset)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    const stored = (await readAll(b, 'zipped', 50)).get(0)!;
    expect(stored.map((r) => r.value!.toString())).toEqual(Array.from({ length: 50 }, (_, i) => `value ${i} `.repeat(20)));
    expect(stored.map((r) => r.headers['n']?.toString())).toEqual(Array.from({ length: 50 }, (_, i) => String(i)));
  });

  it('cuts big sends at maxBatchRecords and maxRequestBytes and keeps offsets consecutive', async () => {
    const b = await broker();
    await topic(b, 'big', 2);
    const p = await producer(b, { maxBatchRecords: 100, maxRequestBytes: 20_000 });
    const value = Buffer.alloc(500, 7);
    const records = Array.from({ length: 1500 }, (_, i) => ({ ...rec('big', null, ''), partition: i % 2, value: Buffer.concat([Buffer.from(`${i}:`), value]) }));
    const meta = await p.send(records);
    for (const part of [0, 1]) {
      const offsets = meta.filter((m) => m.partition === part).map((m) => m.offset);
      expect(offsets).toEqual(offsets.map((_, i) => i));
    }
    const log = await readAll(b, 'big', 1500);
    expect(log.get(0)!.map((r) => r.value!.toString().split(':')[0])).toEqual(records.filter((_, i) => i % 2 === 0).map((r) => r.value.toString().split(':')[0]));
    // The broker accepts every request, so none exceeded its limits; 1500 records in ≥ 15 batches.
    expect(log.get(1)).toHaveLength(750);
  });

  it('gives up on a topic the broker does not create after maxBlockMs, not retriable, naming it; other calls go on', async () => {
    const b = await broker({ autoCreateTopics: false });
    await topic(b, 'exists', 2);
    const p = await producer(b, {}, { maxBlockMs: 300 });
    const missing = await p.send([rec('no-such-topic', 'k', 'v')]).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(KafkaClientError);
    expect((missing as Error).message).toMatch(/topic "no-such-topic" is not in the cluster's metadata/);
    expect((missing as KafkaClientError).retriable).toBe(false);
    expect(isUnrecoverable(missing)).toBe(true);
    const badPartition = await p.send([rec('exists', 'k', 'v', { partition: 9 })]).catch((e: unknown) => e);
    expect(badPartition).toBeInstanceOf(KafkaClientError);
    expect((badPartition as KafkaClientError).retriable).toBe(false);
    expect((badPartition as Error).message).toMatch(/exists-9/);
    // A failed call does not stop the others.
    expect((await p.send([rec('exists', 'k', 'v')]))[0]!.offset).toBe(0);
    const cluster = new WireCluster({ bootstrap: b.bootstrap });
    cleanups.push(() => cluster.close());
    const md = await cluster.refresh(null);
    expect(md.topics.map((t) => t.name)).not.toContain('no-such-topic');
  });

  it('has a missing topic created by a broker that auto-creates topics, as Kafka\'s producer does', async () => {
    const b = await broker({ autoCreateTopics: true });
    const p = await producer(b, {}, { maxBlockMs: 5000 });
    const [meta] = await p.send([rec('auto-made', 'k', 'v')]);
    expect(meta).toEqual({ topic: 'auto-made', partition: 0, offset: 0 });
  });

  it('sends to a partition added after it cached the topic (CreatePartitions), and still refuses one that does not exist', async () => {
    const b = await broker();
    await topic(b, 'grows', 1);
    const p = await producer(b);
    const rec = (partition: number, v: string): ProducerRecord => ({ topic: 'grows', partition, key: null, value: Buffer.from(v), timestamp: 1, headers: {} });
    await p.send([rec(0, 'before')]); // caches 'grows' with one partition
    const admin = createClientFactory(config(b)).admin();
    await admin.connect();
    try {
      await admin.createPartitions([{ topic: 'grows', count: 3 }]);
    } finally {
      await admin.disconnect();
    }
    const [meta] = await p.send([rec(2, 'after')]);
    expect(meta).toMatchObject({ partition: 2, offset: 0 });
    await expect(p.send([rec(3, 'nowhere')])).rejects.toThrow(/grows-3 failed: the topic has partitions 0-2/);
  });

  it('fails with a retriable error naming the partition when the broker stays away', async () => {
    const b = await broker();
    await topic(b, 'gone', 1);
    const p = await producer(b, {}, { deliveryTimeoutMs: 600 });
    await p.send([rec('gone', 'k', 'before')]);
    await b.stop();
    const err = await p.send([rec('gone', 'k', 'after')]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KafkaClientError);
    expect((err as KafkaClientError).retriable).toBe(true);
    expect((err as Error).message).toMatch(/gone-0/);
    await p.flush();
  });

  it('survives a broker restart in the middle of a stream of sends: all acknowledged, the last copy of every record in send order', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'wire-producer-restart-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    let b = await startTestBroker({ dataDir, fsync: 'acks-all' });
    const port = b.port;
    cleanups.push(() => b.stop());
    await topic(b, 'restart', 2);
    const p = await producer(b, { acks: -1 }, { deliveryTimeoutMs: 20_000 });
    const sent: ProducerRecord[] = [];
    const calls: { records: ProducerRecord[]; done: Promise<readonly RecordMetadata[]> }[] = [];
    let acked = 0;
    let stop = false;
    const writer = (async () => {
      for (let i = 0; !stop; i++) {
        const records = Array.from({ length: 20 }, (_, j) => rec('restart', `key-${(i * 20 + j) % 17}`, `value-${i * 20 + j}`));
        sent.push(...records);
        const done = p.send(records);
        void done.then(() => (acked += records.length), () => {});
        calls.push({ records, done });
        await new Promise((r) => setTimeout(r, 2));
      }
    })();
    const until = async (cond: () => boolean): Promise<void> => {
      for (let i = 0; i < 400 && !cond(); i++) await new Promise((r) => setTimeout(r, 25));
    };
    await until(() => acked >= 1000);
    await b.stop();
    await new Promise((r) => setTimeout(r, 300));
    b = await startTestBroker({ dataDir, port, fsync: 'acks-all' });
    const resumedAt = sent.length;
    await until(() => acked >= resumedAt + 1000);
    stop = true;
    await writer;
    const metas = await Promise.all(calls.map((c) => c.done));
    expect(acked).toBe(sent.length);
    const log = await readAll(b, 'restart', sent.length);
    // Per partition: the last copy of each value, ordered by position, is the send order, and the
    // metadata names that last copy.
    const sentOrder = new Map<number, string[]>();
    metas.forEach((meta, c) =>
      meta.forEach((m, i) => {
        let list = sentOrder.get(m.partition);
        if (list === undefined) sentOrder.set(m.partition, (list = []));
        list.push(calls[c]!.records[i]!.value!.toString() + '@' + m.offset);
      }),
    );
    for (const [partition, values] of sentOrder) {
      const last = new Map<string, number>();
      for (const r of log.get(partition)!) last.set(r.value!.toString(), r.offset);
      const lastCopies = [...last].sort((x, y) => x[1] - y[1]).map(([v, o]) => `${v}@${o}`);
      expect(lastCopies).toEqual(values);
    }
  }, 60_000);
});
