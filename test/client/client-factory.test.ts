import { describe, expect, it } from 'vitest';
import { useFactorySession } from './helpers/factory-session.ts';
import type { FetchedBatch, ProducerRecord } from '../../src/client/types.ts';
import { partitionForKey } from '../../src/util/murmur2.ts';

const session = useFactorySession('client-test');

function rec(topic: string, key: string | null, value: string, extra: Partial<ProducerRecord> = {}): ProducerRecord {
  return { topic, key: key === null ? null : Buffer.from(key), value: Buffer.from(value), timestamp: 1_700_000_000_000, headers: {}, ...extra };
}

async function drain(topic: string, partitions: number, expected: number): Promise<FetchedBatch[]> {
  const c = session.clients.assignedConsumer();
  await c.connect();
  await c.assign(Array.from({ length: partitions }, (_, p) => ({ topic, partition: p })));
  const out: FetchedBatch[] = [];
  let n = 0;
  for (let i = 0; i < 50 && n < expected; i++) {
    const got = await c.poll(1000, 200);
    for (const b of got) n += b.records.length;
    out.push(...got);
  }
  await c.disconnect();
  return out;
}

describe('Admin', () => {
  it('creates topics, skips existing ones, describes partition counts and lists them', async () => {
    await session.admin.createTopics([{ topic: 'adm-a', numPartitions: 3, replicationFactor: 1 }, { topic: 'adm-b', numPartitions: 1, replicationFactor: 1, configs: { 'cleanup.policy': 'compact' } }]);
    await session.admin.createTopics([{ topic: 'adm-a', numPartitions: 5, replicationFactor: 1 }]);
    const described = await session.admin.describeTopics(['adm-a', 'adm-b', 'adm-missing']);
    expect([...described].sort((x, y) => x.topic.localeCompare(y.topic))).toEqual([
      { topic: 'adm-a', partitions: 3 },
      { topic: 'adm-b', partitions: 1 },
    ]);
    expect(await session.admin.listTopics()).toEqual(expect.arrayContaining(['adm-a', 'adm-b']));
    await session.admin.deleteTopics(['adm-b']);
    expect(await session.admin.describeTopics(['adm-b'])).toEqual([]);
  });

  it('lists earliest, latest and by-timestamp offsets and deletes records', async () => {
    await session.admin.createTopics([{ topic: 'adm-offsets', numPartitions: 1, replicationFactor: 1 }]);
    await session.producer.send(Array.from({ length: 10 }, (_, i) => rec('adm-offsets', null, `v${i}`, { partition: 0, timestamp: 1000 + i * 10 })));
    const tp = [{ topic: 'adm-offsets', partition: 0 }];
    expect(await session.admin.listOffsets(tp, 'earliest')).toEqual([{ topic: 'adm-offsets', partition: 0, offset: 0 }]);
    expect(await session.admin.listOffsets(tp, 'latest')).toEqual([{ topic: 'adm-offsets', partition: 0, offset: 10 }]);
    expect(await session.admin.listOffsets(tp, { timestamp: 1035 })).toEqual([{ topic: 'adm-offsets', partition: 0, offset: 4 }]);
    expect(await session.admin.listOffsets(tp, { timestamp: 99_999 })).toEqual([{ topic: 'adm-offsets', partition: 0, offset: 10 }]);
    await session.admin.deleteRecords([{ topic: 'adm-offsets', partition: 0, offset: 6 }]);
    expect(await session.admin.listOffsets(tp, 'earliest')).toEqual([{ topic: 'adm-offsets', partition: 0, offset: 6 }]);
  });

  it('reports a missing partition by name', async () => {
    await session.admin.createTopics([{ topic: 'adm-one', numPartitions: 1, replicationFactor: 1 }]);
    await expect(session.admin.listOffsets([{ topic: 'adm-one', partition: 3 }], 'latest')).rejects.toThrow(/adm-one-3.*no partition 3/);
  });
});

describe('Producer', () => {
  it('returns one metadata per record in input order, with consecutive offsets per partition', async () => {
    await session.admin.createTopics([{ topic: 'prod-keys', numPartitions: 4, replicationFactor: 1 }]);
    const keys = Array.from({ length: 40 }, (_, i) => `k${i % 7}`);
    const meta = await session.producer.send(keys.map((k, i) => rec('prod-keys', k, `v${i}`)));
    expect(meta).toHaveLength(40);
    const next = new Map<number, number>();
    meta.forEach((m, i) => {
      expect(m.topic).toBe('prod-keys');
      expect(m.partition).toBe(partitionForKey(Buffer.from(keys[i]!), 4));
      expect(m.offset).toBe(next.get(m.partition) ?? 0);
      next.set(m.partition, m.offset + 1);
    });
  });

  it('batches sends of the same tick, keeps per-partition order, and flush() waits for all', async () => {
    await session.admin.createTopics([{ topic: 'prod-tick', numPartitions: 2, replicationFactor: 1 }]);
    const calls = Array.from({ length: 20 }, (_, i) => session.producer.send([rec('prod-tick', null, `v${i}`, { partition: i % 2, headers: { n: Buffer.from(String(i)) } })]));
    await session.producer.flush();
    const metas = await Promise.all(calls);
    expect(metas.map((m) => m[0]!.offset)).toEqual(Array.from({ length: 20 }, (_, i) => Math.floor(i / 2)));
    const batches = await drain('prod-tick', 2, 20);
    const p0 = batches.filter((b) => b.partition === 0).flatMap((b) => b.records);
    expect(p0.map((r) => r.value!.toString())).toEqual(Array.from({ length: 10 }, (_, i) => `v${i * 2}`));
    expect(p0.map((r) => r.headers['n']!.toString())).toEqual(Array.from({ length: 10 }, (_, i) => String(i * 2)));
    expect(p0.every((r) => r.timestamp === 1_700_000_000_000)).toBe(true);
  });

  it('spreads null-key records over partitions (sticky: ~16 KiB each) and supports null values', async () => {
    await session.admin.createTopics([{ topic: 'prod-null', numPartitions: 3, replicationFactor: 1 }]);
    const value = Buffer.alloc(1000);
    const meta = await session.producer.send(Array.from({ length: 60 }, (_, i) => ({ topic: 'prod-null', key: null, value: i < 54 ? value : null, timestamp: 5, headers: {} })));
    expect(new Set(meta.map((m) => m.partition)).size).toBe(3);
    const batches = await drain('prod-null', 3, 60);
    const records = batches.flatMap((b) => b.records);
    expect(records.every((r) => r.key === null)).toBe(true);
    expect(records.filter((r) => r.value === null)).toHaveLength(6);
  });

  it('an idempotent session.producer acknowledges every record', async () => {
    await session.admin.createTopics([{ topic: 'prod-idem', numPartitions: 1, replicationFactor: 1 }]);
    const idem = session.clients.producer({ idempotent: true });
    await idem.connect();
    const meta = await idem.send(Array.from({ length: 5 }, (_, i) => rec('prod-idem', 'k', `v${i}`)));
    expect(meta.map((m) => m.offset)).toEqual([0, 1, 2, 3, 4]);
    await idem.disconnect();
  });
});

describe('AssignedConsumer', () => {
  it('reads from given offsets, honours maxRecords, pause/resume, seek and reports end offsets', async () => {
    await session.admin.createTopics([{ topic: 'asg', numPartitions: 2, replicationFactor: 1 }]);
    await session.producer.send(Array.from({ length: 30 }, (_, i) => rec('asg', null, `v${i}`, { partition: i % 2 })));
    const c = session.clients.assignedConsumer();
    await c.connect();
    expect(await c.endOffsets([{ topic: 'asg', partition: 0 }, { topic: 'asg', partition: 1 }])).toEqual([
      { topic: 'asg', partition: 0, offset: 15 },
      { topic: 'asg', partition: 1, offset: 15 },
    ]);
    await c.assign([{ topic: 'asg', partition: 0, offset: 10 }, { topic: 'asg', partition: 1 }]);
    c.pause([{ topic: 'asg', partition: 1 }]);
    const first = await c.poll(3, 500);
    expect(first.flatMap((b) => b.records.map((r) => r.offset))).toEqual([10, 11, 12]);
    expect(first.every((b) => b.partition === 0 && b.highWatermark === 15)).toBe(true);
    const rest = await c.poll(100, 500);
    expect(rest.flatMap((b) => b.records.map((r) => r.offset))).toEqual([13, 14]);
    expect(await c.poll(100, 50)).toEqual([]);
    c.resume([{ topic: 'asg', partition: 1 }]);
    c.seek({ topic: 'asg', partition: 0, offset: 14 });
    const seen = new Map<number, number[]>();
    for (let i = 0; i < 10; i++) {
      for (const b of await c.poll(100, 200)) seen.set(b.partition, [...(seen.get(b.partition) ?? []), ...b.records.map((r) => r.offset)]);
    }
    expect(seen.get(0)).toEqual([14]);
    expect(seen.get(1)).toEqual(Array.from({ length: 15 }, (_, i) => i));
    expect(() => c.seek({ topic: 'asg', partition: 7, offset: 0 })).toThrow(/asg-7.*not assigned/);
    await c.assign([]);
    expect(await c.poll(10, 20)).toEqual([]);
    await c.disconnect();
  });
});

describe('Producer request cutting', () => {
  it('splits one large send() into requests under the broker\'s message size limit, offsets still in order', async () => {
    await session.admin.createTopics([{ topic: 'prod-big', numPartitions: 1, replicationFactor: 1 }]);
    // 3 MiB for one partition: one batch would exceed max.message.bytes (1 MiB).
    const value = Buffer.alloc(3000, 7);
    const meta = await session.producer.send(Array.from({ length: 1000 }, (_, i) => rec('prod-big', `k${i}`, '', { partition: 0, value })));
    expect(meta.map((m) => m.offset)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    const small = session.clients.producer({ maxBatchRecords: 7 });
    await small.connect();
    const more = await small.send(Array.from({ length: 20 }, (_, i) => rec('prod-big', null, `x${i}`, { partition: 0 })));
    expect(more.map((m) => m.offset)).toEqual(Array.from({ length: 20 }, (_, i) => 1000 + i));
    await small.disconnect();
    expect(await session.admin.listOffsets([{ topic: 'prod-big', partition: 0 }], 'latest')).toEqual([{ topic: 'prod-big', partition: 0, offset: 1020 }]);
  });
});
