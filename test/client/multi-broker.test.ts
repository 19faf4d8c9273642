/*
 * The wire client against a multi-broker cluster that is not ours: librdkafka's mock cluster with
 * three brokers. Metadata must list all three, produce must go to each partition's own leader
 * (the mock rejects produce to a non-leader), and the fetch loop must read every partition back
 * from its leader.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listOffsets, OffsetSpec } from '../../src/client/admin.ts';
import { WireCluster } from '../../src/client/cluster.ts';
import { readBack } from './helpers/read-back.ts';
import { produce } from './helpers/produce.ts';
import { partitionForKey } from '../../src/util/murmur2.ts';
import { startMockCluster, type MockCluster } from './helpers/mock-cluster.ts';

describe('wire client against a 3-broker cluster (librdkafka mock)', () => {
  let mock: MockCluster;
  let cluster: WireCluster;
  beforeAll(async () => {
    mock = await startMockCluster(3);
    cluster = new WireCluster({ bootstrap: mock.bootstrap });
  });
  afterAll(async () => {
    cluster?.close();
    await mock?.stop();
  });

  it('negotiates versions with a broker that refuses ApiVersions v3 and lists every broker', async () => {
    const md = await cluster.refresh([]);
    expect(md.brokers.map((b) => `${b.host}:${b.port}`).sort()).toEqual(mock.bootstrap.split(',').sort());
    const conn = await cluster.any();
    // The mock serves ApiVersions up to v2 only; the client fell back and still learned the table.
    expect(conn.versions.get(18)?.max).toBeLessThan(3);
    expect(conn.pickVersion(0)).toBe(Math.min(conn.versions.get(0)!.max, 11));
  });

  it('produces to each partition leader and reads everything back', async () => {
    // The mock places partition leaders at random; the test is only meaningful if leadership is
    // spread over brokers, so use the first auto-created topic where it is.
    let topic = '';
    let info = await cluster.topic('wire-multi-0', { allowAutoCreate: true });
    for (let i = 0; i < 8; i++) {
      topic = `wire-multi-${i}`;
      info = await cluster.topic(topic, { allowAutoCreate: true });
      if (new Set(info.partitions.map((p) => p.leader)).size > 1) break;
    }
    expect(new Set(info.partitions.map((p) => p.leader)).size).toBeGreaterThan(1);
    const partitions = info.partitions.length;

    const records = Array.from({ length: 300 }, (_, i) => ({ key: `key-${i}`, value: `value-${i}` }));
    const acks = await produce(cluster, topic, records);
    acks.forEach((a, i) => expect(a.partition).toBe(partitionForKey(Buffer.from(`key-${i}`), partitions)));

    const ends = await listOffsets(cluster, topic, info.partitions.map((p) => p.partition), OffsetSpec.latest);
    expect([...ends.values()].reduce((s, o) => s + o.offset, 0n)).toBe(300n);

    const got = await readBack(mock.bootstrap, topic, 300);
    expect(got).toHaveLength(300);
    for (const r of got) {
      const i = Number(r.key!.toString().slice('key-'.length));
      expect(r.value!.toString()).toBe(`value-${i}`);
      expect(r.partition).toBe(acks[i]!.partition);
      expect(r.offset).toBe(acks[i]!.offset);
    }
  });
});
