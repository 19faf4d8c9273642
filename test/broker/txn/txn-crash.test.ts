/*
 * Transactions survive a broker kill -9 (the broker runs in a child process, fsync acks-all):
 *   1. an Ongoing transaction: after the restart its data still holds the LSO back (nothing of it
 *      visible to read_committed), the producer continues and commits it;
 *   2. a kill between PrepareCommit and the last marker (one partition has its marker, the other
 *      not): the restart completes the commit, every record visible, LSO = high watermark;
 *   3. the same for an abort: nothing visible, the aborted list rebuilt in both partitions;
 * Visibility is checked with raw read_committed Fetches, filtered as a Kafka consumer does.
 */
import { describe, it, expect, afterEach } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { buildRecordBatch, decodeRecords } from '../../../src/protocol/records/record-batch.ts';
import { RawClient } from '../raw-client.ts';
import { readCommittedView, type CommittedView } from './read-committed.ts';
import { kill, killChildren, spawnBroker } from './txn-broker-child.ts';

const TOPIC = 'crash-txn';
const dirs: string[] = [];
afterEach(async () => {
  killChildren();
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

function readCommitted(port: number, partition: number): Promise<CommittedView> {
  return readCommittedView(port, TOPIC, partition);
}

function client(port: number): Kafka {
  return new Kafka({ clientId: 'txn-crash', brokers: [`127.0.0.1:${port}`], logLevel: logLevel.NOTHING, retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 500 } });
}

async function transactional(kafka: Kafka, id: string): Promise<Producer> {
  const p = kafka.producer({ transactionalId: id, idempotent: true, maxInFlightRequests: 1, retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 500 } });
  await p.connect();
  return p;
}

const msgs = (tag: string, n: number) =>
  Array.from({ length: n }, (_, i) => ({ partition: i % 2, value: `${tag}-${i}` }));

async function newDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'tributary-txn-crash-'));
  dirs.push(d);
  return d;
}

describe('transactions across a broker kill -9', () => {
  it('an Ongoing transaction holds the LSO after the restart, then its producer continues and commits it', async () => {
    const dir = await newDir();
    const first = await spawnBroker(dir);
    const admin = client(first.port).admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 2 }] });
    await admin.disconnect();
    const p1 = await transactional(client(first.port), 'crash-ongoing');
    let t = await p1.transaction();
    await t.send({ topic: TOPIC, acks: -1, messages: msgs('committed', 4) });
    await t.commit();
    t = await p1.transaction();
    await t.send({ topic: TOPIC, acks: -1, messages: msgs('open', 4) });
    await kill(first);
    await p1.disconnect().catch(() => undefined);

    const second = await spawnBroker(dir);
    for (const part of [0, 1]) {
      const v = await readCommitted(second.port, part);
      expect(v.values).toEqual(part === 0 ? ['committed-0', 'committed-2'] : ['committed-1', 'committed-3']);
      // committed-a, committed-b, COMMIT, then the open transaction's first batch.
      expect(v.lastStableOffset).toBe(3);
      expect(v.highWatermark).toBe(5);
    }
    // The producer id and epoch are still current: the transaction continues after the restart
    // (raw requests, since kafkajs cannot follow the broker to its new ephemeral port).
    const c = await RawClient.connect(second.port);
    try {
      const fetched = await c.request(1, 11, {
        replicaId: -1, maxWaitMs: 0, minBytes: 1, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
        topics: [{ topic: TOPIC, partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 0n, logStartOffset: -1n, partitionMaxBytes: 1 << 20 }] }],
        forgottenTopicsData: [], rackId: '',
      });
      const open = decodeRecords(fetched.responses[0]!.partitions[0]!.records).at(-1)!.header;
      const add = await c.request(24, 1, {
        v3AndBelowTransactionalId: 'crash-ongoing', v3AndBelowProducerId: open.producerId, v3AndBelowProducerEpoch: open.producerEpoch,
        v3AndBelowTopics: [{ name: TOPIC, partitions: [0] }],
      });
      expect(add.resultsByTopicV3AndBelow[0]!.resultsByPartition[0]!.partitionErrorCode).toBe(0);
      const late = buildRecordBatch([{ value: Buffer.from('open-late') }], {
        producerId: open.producerId, producerEpoch: open.producerEpoch, baseSequence: open.baseSequence + open.lastOffsetDelta + 1, transactional: true,
      });
      const produced = await c.request(0, 7, { transactionalId: 'crash-ongoing', acks: -1, timeoutMs: 5000, topicData: [{ name: TOPIC, partitionData: [{ index: 0, records: late }] }] });
      expect(produced.responses[0]!.partitionResponses[0]!.errorCode).toBe(0);
      const end = await c.request(26, 1, { transactionalId: 'crash-ongoing', producerId: open.producerId, producerEpoch: open.producerEpoch, committed: true });
      expect(end.errorCode).toBe(0);
    } finally {
      c.close();
    }
    const after = [await readCommitted(second.port, 0), await readCommitted(second.port, 1)];
    expect(after[0]!.values).toEqual(['committed-0', 'committed-2', 'open-0', 'open-2', 'open-late']);
    expect(after[1]!.values).toEqual(['committed-1', 'committed-3', 'open-1', 'open-3']);
    for (const v of after) expect(v.lastStableOffset).toBe(v.highWatermark);
    await kill(second);
  }, 60_000);

  for (const outcome of ['commit', 'abort'] as const) {
    it(`a kill between Prepare${outcome === 'commit' ? 'Commit' : 'Abort'} and the last marker: the restart completes the ${outcome}`, async () => {
      const dir = await newDir();
      const first = await spawnBroker(dir, 2);
      const admin = client(first.port).admin();
      await admin.connect();
      await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 2 }] });
      await admin.disconnect();
      const p = await transactional(client(first.port), `crash-${outcome}`);
      const t = await p.transaction();
      await t.send({ topic: TOPIC, acks: -1, messages: msgs(outcome, 6) });
      const ended = (outcome === 'commit' ? t.commit() : t.abort()).then(
        () => 'acknowledged',
        () => 'failed',
      );
      await first.exited; // SIGKILLed itself after the first marker, before the second
      expect(await ended).toBe('failed');
      await p.disconnect().catch(() => undefined);

      const second = await spawnBroker(dir);
      const seen: string[] = [];
      for (const part of [0, 1]) {
        const v = await readCommitted(second.port, part);
        seen.push(...v.values);
        // 3 data records and one marker (a re-written marker on partition 0 may add one more).
        expect(v.lastStableOffset).toBe(v.highWatermark);
        expect(v.highWatermark).toBeGreaterThanOrEqual(4);
        expect(v.abortedProducers).toHaveLength(outcome === 'abort' ? 1 : 0);
      }
      expect(seen.sort()).toEqual(outcome === 'commit' ? msgs('commit', 6).map((m) => m.value).sort() : []);
      await kill(second);
    }, 60_000);
  }
});
