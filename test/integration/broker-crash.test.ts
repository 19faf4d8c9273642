// Crash safety through the broker: (1) a broker child process killed with SIGKILL while a kafkajs
// producer sends with acks=-1 keeps every acknowledged record, exactly once, at its acknowledged
// offset after a restart on the same data dir; (2) a segment torn in the middle of its last batch
// is repaired at start and the partition keeps working.
import { describe, it, expect, afterEach } from 'vitest';
import { mkdtemp, rm, readdir, stat, truncate, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { startTestBroker } from '../../src/testing/broker-harness.ts';
import { RawClient, makeBatch } from '../broker/raw-client.ts';
import { fetchBatches, spawnBroker, stopAll } from './broker-process.ts';

const dirs: string[] = [];
afterEach(async () => {
  stopAll();
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

/** Every record of a partition as offset → value, read with Fetch from offset 0. */
async function readAll(port: number, topic: string, partition: number): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  for (const b of await fetchBatches(port, topic, partition)) {
    for (const r of b.records) {
      expect(out.has(r.offset)).toBe(false);
      out.set(r.offset, r.value!.toString());
    }
  }
  return out;
}

describe('broker crash safety', () => {
  it('keeps every acknowledged acks=-1 record at its offset after SIGKILL', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'tributary-crash-'));
    dirs.push(dataDir);
    const first = await spawnBroker(dataDir);
    const kafka = new Kafka({ brokers: [`127.0.0.1:${first.port}`], clientId: 'crash', logLevel: logLevel.NOTHING, retry: { retries: 0 } });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'crash', numPartitions: 2 }] });
    await admin.disconnect();
    const producer = kafka.producer({ retry: { retries: 0 }, allowAutoTopicCreation: false });
    await producer.connect();

    const acked = new Map<string, { partition: number; offset: number }>();
    let seq = 0;
    let stop = false;
    const sender = async (partition: number): Promise<void> => {
      while (!stop) {
        const values = Array.from({ length: 20 }, () => `m-${seq++}`);
        try {
          const [meta] = await producer.send({ topic: 'crash', acks: -1, messages: values.map((value) => ({ value, partition })) });
          const base = Number(meta!.baseOffset);
          values.forEach((v, i) => acked.set(v, { partition, offset: base + i }));
        } catch {
          return; // the broker died under this send: not acknowledged
        }
      }
    };
    const senders = [sender(0), sender(1), sender(0), sender(1)];
    while (acked.size < 2000) await new Promise((r) => setTimeout(r, 10));
    await first.kill();
    stop = true;
    await Promise.all(senders);
    await producer.disconnect().catch(() => undefined);

    const second = await spawnBroker(dataDir);
    const logs = [await readAll(second.port, 'crash', 0), await readAll(second.port, 'crash', 1)];
    for (const [value, at] of acked) expect(logs[at.partition]!.get(at.offset), `${value} at ${at.partition}/${at.offset}`).toBe(value);
    const all = [...logs[0]!.values(), ...logs[1]!.values()];
    expect(new Set(all).size).toBe(all.length); // nothing twice
    for (const log of logs) expect([...log.keys()]).toEqual([...log.keys()].map((_, i) => i)); // offsets dense from 0

    // The restarted broker takes new writes after the recovered data.
    const c = await RawClient.connect(second.port);
    const res = await c.request(0, 7, { transactionalId: null, acks: -1, timeoutMs: 1000, topicData: [{ name: 'crash', partitionData: [{ index: 0, records: makeBatch([{ value: 'after' }]) }] }] });
    c.close();
    expect(Number(res.responses[0]!.partitionResponses[0]!.baseOffset)).toBe(logs[0]!.size);
    second.child.kill('SIGTERM');
    await new Promise((r) => second.child.once('exit', r));
  });

  it('repairs a segment torn in the middle of its last batch at start', async () => {
    const first = await startTestBroker({ fsync: 'acks-all' });
    const dataDir = first.dataDir;
    const c = await RawClient.connect(first.port);
    await c.request(19, 3, { topics: [{ name: 'torn', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 1000 });
    for (const v of ['one', 'two', 'three']) {
      await c.request(0, 7, { transactionalId: null, acks: -1, timeoutMs: 1000, topicData: [{ name: 'torn', partitionData: [{ index: 0, records: makeBatch([{ value: v.repeat(50) }]) }] }] });
    }
    c.close();
    await first.broker.close();
    // Simulate a crash mid-write: cut the last batch in half and drop the clean-shutdown marker.
    const partDir = join(dataDir, 'torn-0');
    const segment = (await readdir(partDir)).filter((f) => f.endsWith('.log')).sort().at(-1)!;
    const size = (await stat(join(partDir, segment))).size;
    await truncate(join(partDir, segment), size - 40);
    await unlink(join(partDir, '.clean-shutdown')).catch(() => undefined);

    const second = await startTestBroker({ dataDir, fsync: 'acks-all' });
    dirs.push(dataDir);
    try {
      const log = second.broker.partitions.get('torn', 0)!;
      expect(log.logEndOffset).toBe(2);
      const before = await readAll(second.port, 'torn', 0);
      expect([...before.values()]).toEqual(['one'.repeat(50), 'two'.repeat(50)]);
      const c2 = await RawClient.connect(second.port);
      const res = await c2.request(0, 7, { transactionalId: null, acks: -1, timeoutMs: 1000, topicData: [{ name: 'torn', partitionData: [{ index: 0, records: makeBatch([{ value: 'again' }]) }] }] });
      c2.close();
      expect(Number(res.responses[0]!.partitionResponses[0]!.baseOffset)).toBe(2);
      expect([...(await readAll(second.port, 'torn', 0)).values()]).toEqual(['one'.repeat(50), 'two'.repeat(50), 'again']);
    } finally {
      await second.stop();
    }
  });
});
