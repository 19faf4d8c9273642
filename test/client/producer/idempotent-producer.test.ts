/*
 * The idempotent producer (KafkaProducer with idempotent: true; sequence bookkeeping in
 * src/client/producer/transaction-manager.ts) against the bundled broker, as a user sees it:
 * batches carry a producer id and contiguous per-partition sequences; a broker SIGKILLed in the
 * middle of a stream of sends and restarted on the same data dir ends with every record in the log
 * exactly once, at the offset acknowledged, in send order per key; and a partition whose sequence
 * the broker no longer accepts (OUT_OF_ORDER_SEQUENCE_NUMBER with nothing earlier missing) moves
 * to a new epoch and still delivers each record once.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildRecordBatch } from '../../../src/protocol/records/record-batch.ts';
import type { ProducerRecord, RecordMetadata } from '../../../src/client/types.ts';
import { createTopics } from '../../../src/client/admin.ts';
import { WireCluster } from '../../../src/client/cluster.ts';
import { KafkaProducer } from '../../../src/client/producer/producer.ts';
import { startTestBroker } from '../../../src/testing/broker-harness.ts';
import { RawClient } from '../../broker/raw-client.ts';
import { fetchBatches, spawnBroker, stopAll } from '../../integration/broker-process.ts';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  stopAll();
});

// A current CreateTime: the broker forgets a producer whose last batch is older than
// producer.id.expiration.ms (1 day, as Kafka), also when it restarts.
function rec(topic: string, key: string, value: string): ProducerRecord {
  return { topic, key: Buffer.from(key), value: Buffer.from(value), timestamp: Date.now(), headers: {} };
}

async function createTopic(port: number, name: string, partitions: number): Promise<void> {
  const cluster = new WireCluster({ bootstrap: [`127.0.0.1:${port}`] });
  try {
    await createTopics(cluster, [{ name, numPartitions: partitions, replicationFactor: 1 }]);
  } finally {
    cluster.close();
  }
}

async function idempotentProducer(port: number): Promise<KafkaProducer> {
  const p = new KafkaProducer({ bootstrapServers: [`127.0.0.1:${port}`], clientId: 'idempotent-test' }, { idempotent: true }, { deliveryTimeoutMs: 60_000 });
  await p.connect();
  cleanups.push(() => p.disconnect());
  return p;
}

describe('idempotent producer', () => {
  it('stamps every batch with its producer id and contiguous sequences per partition', async () => {
    const b = await startTestBroker();
    cleanups.push(() => b.stop());
    await createTopic(b.port, 'stamped', 3);
    const p = await idempotentProducer(b.port);
    const calls = Array.from({ length: 30 }, (_, i) => p.send(Array.from({ length: 40 }, (_, j) => rec('stamped', `k${(i * 40 + j) % 11}`, `v${i * 40 + j}`))));
    await Promise.all(calls);
    let total = 0;
    for (let partition = 0; partition < 3; partition++) {
      const batches = await fetchBatches(b.port, 'stamped', partition);
      let next = 0;
      for (const batch of batches) {
        expect(batch.header.producerId).toBeGreaterThanOrEqual(0n);
        expect(batch.header.producerId).toBe(batches[0]!.header.producerId);
        expect(batch.header.producerEpoch).toBe(0);
        expect(batch.header.baseSequence).toBe(next);
        next += batch.records.length;
        total += batch.records.length;
      }
    }
    expect(total).toBe(1200);
  });

  it('restarts a partition\'s sequence under a new epoch when the broker reports a gap, delivering every record once', async () => {
    const b = await startTestBroker();
    cleanups.push(() => b.stop());
    await createTopic(b.port, 'gap', 1);
    const p = await idempotentProducer(b.port);
    const first = await p.send([rec('gap', 'k', 'a'), rec('gap', 'k', 'b')]);
    const [batch] = await fetchBatches(b.port, 'gap', 0);
    // Another writer under the same producer id takes sequences 2-4: the producer's next batch
    // (sequences 2-3) is then neither the next sequence nor a duplicate → OUT_OF_ORDER_SEQUENCE_NUMBER.
    const raw = await RawClient.connect(b.port);
    const intruder = buildRecordBatch([{ value: Buffer.from('x') }, { value: Buffer.from('y') }, { value: Buffer.from('z') }], {
      producerId: batch!.header.producerId, producerEpoch: batch!.header.producerEpoch, baseSequence: 2,
    });
    const res = await raw.request(0, 7, { transactionalId: null, acks: -1, timeoutMs: 1000, topicData: [{ name: 'gap', partitionData: [{ index: 0, records: intruder }] }] });
    raw.close();
    expect(res.responses[0]!.partitionResponses[0]!.errorCode).toBe(0);

    const second = await p.send([rec('gap', 'k', 'c'), rec('gap', 'k', 'd')]);
    const third = await p.send([rec('gap', 'k', 'e')]);
    const batches = await fetchBatches(b.port, 'gap', 0);
    const values = batches.flatMap((x) => x.records.map((r) => `${r.value!.toString()}@${r.offset}`));
    expect(values).toEqual(['a@0', 'b@1', 'x@2', 'y@3', 'z@4', 'c@5', 'd@6', 'e@7']);
    expect([...first, ...second, ...third].map((m) => m.offset)).toEqual([0, 1, 5, 6, 7]);
    const after = batches.slice(-2).map((x) => [x.header.producerEpoch, x.header.baseSequence]);
    expect(after).toEqual([[1, 0], [1, 2]]);
  });

  it('survives a broker SIGKILL mid-stream: zero duplicates, zero acknowledged losses, send order per key', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'idempotent-crash-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const first = await spawnBroker(dataDir);
    const port = first.port;
    await createTopic(port, 'crash', 3);
    const p = await idempotentProducer(port);

    const calls: { records: ProducerRecord[]; done: Promise<readonly RecordMetadata[]> }[] = [];
    let acked = 0;
    let n = 0;
    let stop = false;
    const writer = (async () => {
      while (!stop) {
        const records = Array.from({ length: 25 }, () => rec('crash', `key-${n % 13}`, `value-${n++}`));
        const done = p.send(records);
        void done.then(() => (acked += records.length), () => {});
        calls.push({ records, done });
        // At most ~100 calls outstanding, so the backlog built while the broker is down stays small.
        do await new Promise((r) => setTimeout(r, 1));
        while (n - acked > 2500 && !stop);
      }
    })();
    const until = async (cond: () => boolean): Promise<void> => {
      while (!cond()) await new Promise((r) => setTimeout(r, 10));
    };
    await until(() => acked >= 3000);
    await first.kill();
    const sentAtKill = n;
    await new Promise((r) => setTimeout(r, 200));
    const second = await spawnBroker(dataDir, port);
    await until(() => acked >= sentAtKill + 3000);
    stop = true;
    await writer;
    const metas = await Promise.all(calls.map((c) => c.done)); // every call acknowledged
    await p.flush();

    const logs = await Promise.all([0, 1, 2].map(async (partition) => (await fetchBatches(second.port, 'crash', partition)).flatMap((x) => x.records)));
    const seen = new Map<string, { partition: number; offset: number }>();
    logs.forEach((records, partition) => {
      for (const r of records) {
        const v = r.value!.toString();
        expect(seen.has(v), `${v} written twice`).toBe(false);
        seen.set(v, { partition, offset: r.offset });
      }
    });
    expect(seen.size).toBe(n);
    metas.forEach((meta, c) => meta.forEach((m, i) => expect(seen.get(calls[c]!.records[i]!.value!.toString())).toEqual({ partition: m.partition, offset: m.offset })));
    // Send order per key: values of one key appear in increasing n.
    for (const records of logs) {
      const lastByKey = new Map<string, number>();
      for (const r of records) {
        const k = r.key!.toString();
        const v = Number(r.value!.toString().slice('value-'.length));
        expect(v).toBeGreaterThan(lastByKey.get(k) ?? -1);
        lastByKey.set(k, v);
      }
    }
  }, 120_000);
});
