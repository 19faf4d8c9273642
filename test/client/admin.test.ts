/*
 * Wire client admin calls against the bundled broker: create, list, describe and delete topics,
 * list offsets (earliest, latest, by timestamp), and the errors a user sees for bad requests.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTopics, deleteTopics, describeTopic, describeTopicConfigs, listOffsets, listTopics, OffsetSpec } from '../../src/client/admin.ts';
import { WireCluster } from '../../src/client/cluster.ts';
import { produce } from './helpers/produce.ts';
import { KafkaResponseError } from '../../src/client/errors.ts';
import { startTestBroker, type TestBroker } from '../../src/testing/broker-harness.ts';

describe('wire admin', () => {
  let broker: TestBroker;
  let cluster: WireCluster;
  beforeEach(async () => {
    broker = await startTestBroker({ autoCreateTopics: false });
    cluster = new WireCluster({ bootstrap: broker.bootstrap });
  });
  afterEach(async () => {
    cluster.close();
    await broker.stop();
  });

  it('creates, lists, describes and deletes topics', async () => {
    await createTopics(cluster, [
      { name: 'orders', numPartitions: 3, replicationFactor: 1 },
      { name: 'audit', numPartitions: 1, replicationFactor: 1 },
    ]);
    const userTopics = async (): Promise<string[]> => (await listTopics(cluster)).filter((t) => !t.isInternal).map((t) => t.name);
    expect(await userTopics()).toEqual(['audit', 'orders']);

    const desc = await describeTopic(cluster, 'orders');
    expect(desc.partitions.map((p) => [p.partition, p.leader, p.replicas, p.isr])).toEqual([
      [0, broker.broker.nodeId, [broker.broker.nodeId], [broker.broker.nodeId]],
      [1, broker.broker.nodeId, [broker.broker.nodeId], [broker.broker.nodeId]],
      [2, broker.broker.nodeId, [broker.broker.nodeId], [broker.broker.nodeId]],
    ]);
    expect([...desc.offsets.values()]).toEqual([
      { start: 0n, end: 0n },
      { start: 0n, end: 0n },
      { start: 0n, end: 0n },
    ]);

    await deleteTopics(cluster, ['orders']);
    expect(await userTopics()).toEqual(['audit']);
  });

  it('creates a topic with configs and reads them back, telling set values from defaults', async () => {
    await createTopics(cluster, [{ name: 'tuned', numPartitions: 1, replicationFactor: 1, configs: { 'retention.ms': '3600000', 'cleanup.policy': 'compact' } }]);
    const configs = await describeTopicConfigs(cluster, 'tuned');
    expect(configs).not.toBeNull();
    const byName = new Map(configs!.map((c) => [c.name, c]));
    expect(byName.get('retention.ms')).toMatchObject({ value: '3600000', isDefault: false });
    expect(byName.get('cleanup.policy')).toMatchObject({ value: 'compact', isDefault: false });
    expect(byName.get('segment.bytes')?.isDefault).toBe(true);

    const invalid = await createTopics(cluster, [{ name: 'odd', numPartitions: 1, replicationFactor: 1, configs: { 'no.such.config': '1' } }]).catch((e: unknown) => e);
    expect((invalid as KafkaResponseError).code).toBe(40);
  });

  it('reports Kafka error codes with the topic named', async () => {
    await createTopics(cluster, [{ name: 'dup', numPartitions: 1, replicationFactor: 1 }]);
    const exists = await createTopics(cluster, [{ name: 'dup', numPartitions: 1, replicationFactor: 1 }]).catch((e: unknown) => e);
    expect(exists).toBeInstanceOf(KafkaResponseError);
    expect((exists as KafkaResponseError).code).toBe(36);
    expect((exists as Error).message).toContain('"dup"');

    const badName = await createTopics(cluster, [{ name: 'bad name!', numPartitions: 1, replicationFactor: 1 }]).catch((e: unknown) => e);
    expect((badName as KafkaResponseError).code).toBe(17);

    const missing = await describeTopic(cluster, 'nope').catch((e: unknown) => e);
    expect((missing as KafkaResponseError).code).toBe(3);
    expect((missing as Error).message).toContain('"nope"');
  });

  it('lists offsets: earliest, latest and by timestamp', async () => {
    await createTopics(cluster, [{ name: 'timed', numPartitions: 1, replicationFactor: 1 }]);
    const base = 1_700_000_000_000;
    await produce(cluster, 'timed', Array.from({ length: 10 }, (_, i) => ({ value: `v${i}`, timestamp: base + i * 1000 })), 1);
    const at = async (ts: bigint): Promise<bigint> => (await listOffsets(cluster, 'timed', [0], ts)).get(0)!.offset;
    expect(await at(OffsetSpec.earliest)).toBe(0n);
    expect(await at(OffsetSpec.latest)).toBe(10n);
    expect(await at(BigInt(base))).toBe(0n);
    expect(await at(BigInt(base + 4500))).toBe(5n);
    expect(await at(BigInt(base + 9000))).toBe(9n);
    expect(await at(BigInt(base + 9001))).toBe(-1n);
  });
});
