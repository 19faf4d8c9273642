/*
 * `tributary produce` and `tributary consume` end to end: lines with keys go in through stdin,
 * land on the partitions the Java partitioner picks, and come back out with their keys; the
 * consumer stops at --max-messages or after --timeout-ms of silence. The same commands work
 * against another Kafka implementation (librdkafka's multi-broker mock cluster).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTopics, describeTopic } from '../../src/client/admin.ts';
import { WireCluster } from '../../src/client/cluster.ts';
import { startTestBroker, type TestBroker } from '../../src/testing/broker-harness.ts';
import { partitionForKey } from '../../src/util/murmur2.ts';
import { kcatConsumeAll } from '../conformance/helpers/clients.ts';
import { startMockCluster } from '../client/helpers/mock-cluster.ts';
import { looksLikeUserError, tributary } from './run-cli.ts';

describe('tributary produce / consume', () => {
  let broker: TestBroker;
  let cluster: WireCluster;
  let bs: string[];
  beforeAll(async () => {
    broker = await startTestBroker();
    cluster = new WireCluster({ bootstrap: broker.bootstrap });
    bs = ['--bootstrap-server', broker.bootstrap];
    await createTopics(cluster, [{ name: 'lines', numPartitions: 3, replicationFactor: 1 }]);
  });
  afterAll(async () => {
    cluster.close();
    await broker.stop();
  });

  it('produces keyed lines and consumes them back with keys', async () => {
    const lines = Array.from({ length: 50 }, (_, i) => `user-${i % 7}:event ${i}: with colons`);
    const produced = await tributary(['produce', 'lines', '--key-separator', ':', ...bs], { input: lines.join('\n') + '\n' });
    expect(produced.code).toBe(0);
    expect(produced.stderr).toContain('Produced 50 records to lines');

    // Keys landed where Kafka's Java partitioner puts them, values intact after the first ':'.
    const stored = await kcatConsumeAll(broker.bootstrap, 'lines');
    expect(stored).toHaveLength(50);
    for (const m of stored) {
      expect(m.partition).toBe(partitionForKey(Buffer.from(m.key!), 3));
      expect(`${m.key}:${m.payload}`).toBe(lines[Number(/event (\d+)/.exec(m.payload!)![1])]);
    }

    const consumed = await tributary(['consume', 'lines', '--from-beginning', '--print-key', '--max-messages', '50', ...bs]);
    expect(consumed.code).toBe(0);
    const out = consumed.stdout.trimEnd().split('\n');
    expect(out).toHaveLength(50);
    expect(out.map((l) => l.replace('\t', ':')).sort()).toEqual([...lines].sort());
    expect(consumed.stderr).toContain('Processed a total of 50 messages');
  });

  it('consumes one partition, stops at --max-messages, and exits after --timeout-ms of silence', async () => {
    await tributary(['produce', 'lines', '--partition', '1', ...bs], { input: 'p1-a\np1-b\np1-c\n' });
    const offsets = (await describeTopic(cluster, 'lines')).offsets.get(1)!;
    const two = await tributary(['consume', 'lines', '--partition', '1', '--from-beginning', '--max-messages', '2', ...bs]);
    expect(two.stdout.split('\n').filter((l) => l !== '')).toHaveLength(2);

    const all = await tributary(['consume', 'lines', '--partition', '1', '--from-beginning', '--timeout-ms', '1000', ...bs]);
    expect(all.code).toBe(0);
    const values = all.stdout.trimEnd().split('\n');
    expect(values).toHaveLength(Number(offsets.end - offsets.start));
    expect(values.slice(-3)).toEqual(['p1-a', 'p1-b', 'p1-c']);

    // Without --from-beginning only new records are shown: none arrive, so nothing is printed.
    const latest = await tributary(['consume', 'lines', '--timeout-ms', '500', ...bs]);
    expect(latest.code).toBe(0);
    expect(latest.stdout).toBe('');
  });

  it('rejects a line without the key separator, naming the line', async () => {
    const r = await tributary(['produce', 'lines', '--key-separator', '|', ...bs], { input: 'a|1\nno separator here\n' });
    expect(looksLikeUserError(r)).toBe(true);
    expect(r.stderr).toContain('line 2');
  });
});

describe('tributary produce / consume against another Kafka implementation', () => {
  it('works with a 3-broker cluster (librdkafka mock), routing to each partition leader', async () => {
    const mock = await startMockCluster(3);
    try {
      const bs = ['--bootstrap-server', mock.bootstrap];
      const lines = Array.from({ length: 40 }, (_, i) => `k${i}=v${i}`);
      const produced = await tributary(['produce', 'elsewhere', '--key-separator', '=', ...bs], { input: lines.join('\n') + '\n' });
      expect(produced.code).toBe(0);
      const consumed = await tributary(['consume', 'elsewhere', '--from-beginning', '--print-key', '--max-messages', '40', ...bs]);
      expect(consumed.code).toBe(0);
      expect(consumed.stdout.trimEnd().split('\n').map((l) => l.replace('\t', '=')).sort()).toEqual([...lines].sort());
      // The mock has no CreateTopics: the CLI says so instead of failing obscurely.
      const create = await tributary(['topics', 'create', 'x', ...bs]);
      expect(looksLikeUserError(create)).toBe(true);
      expect(create.stderr).toMatch(/does not support CreateTopics/);
    } finally {
      await mock.stop();
    }
  });
});
