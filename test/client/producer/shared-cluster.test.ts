/*
 * KafkaProducer on a cluster shared with its owner (how the CLI and tests use it): Java-compatible
 * key partitioning with consecutive offsets per partition (property), and acks=0.
 */
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTopics } from '../../../src/client/admin.ts';
import { WireCluster } from '../../../src/client/cluster.ts';
import { readBack } from '../helpers/read-back.ts';
import { produce } from '../helpers/produce.ts';
import { startTestBroker, type TestBroker } from '../../../src/testing/broker-harness.ts';
import { partitionForKey } from '../../../src/util/murmur2.ts';


describe('KafkaProducer on a shared cluster', () => {
  let broker: TestBroker;
  let cluster: WireCluster;
  beforeEach(async () => {
    broker = await startTestBroker();
    cluster = new WireCluster({ bootstrap: broker.bootstrap });
  });
  afterEach(async () => {
    cluster.close();
    await broker.stop();
  });

  it('puts each keyed record on murmur2(key) % partitions, offsets consecutive per partition in input order', async () => {
    await createTopics(cluster, [{ name: 'keyed', numPartitions: 5, replicationFactor: 1 }]);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.string({ minLength: 1, maxLength: 20 }), { minLength: 1, maxLength: 30 }), async (keys) => {
        const acks = await produce(cluster, 'keyed', keys.map((k) => ({ key: k, value: 'x' })));
        keys.forEach((k, i) => expect(acks[i]!.partition).toBe(partitionForKey(Buffer.from(k), 5)));
        const last = new Map<number, number>();
        for (const a of acks) {
          const prev = last.get(a.partition);
          if (prev !== undefined) expect(a.offset).toBe(prev + 1);
          last.set(a.partition, a.offset);
        }
      }),
      { numRuns: 20 },
    );
  });

  it('with acks=0 reports offset -1, and the records still arrive', async () => {
    await createTopics(cluster, [{ name: 'fire', numPartitions: 1, replicationFactor: 1 }]);
    const acks = await produce(cluster, 'fire', [{ value: 'a' }, { value: 'b' }], 0);
    expect(acks).toEqual([
      { topic: 'fire', partition: 0, offset: -1 },
      { topic: 'fire', partition: 0, offset: -1 },
    ]);
    const got = await readBack(broker.bootstrap, 'fire', 2);
    expect(got.map((r) => r.value!.toString())).toEqual(['a', 'b']);
  });

  it('leaves the shared cluster open on disconnect', async () => {
    await createTopics(cluster, [{ name: 'shared', numPartitions: 1, replicationFactor: 1 }]);
    await produce(cluster, 'shared', [{ value: 'a' }]);
    expect((await produce(cluster, 'shared', [{ value: 'b' }]))[0]!.offset).toBe(1);
  });
});
