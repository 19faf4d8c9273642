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

  it('sends --header and --timestamp on every record and prints them in kafka-console-consumer order', async () => {
    await createTopics(cluster, [{ name: 'stamped', numPartitions: 1, replicationFactor: 1 }]);
    const produced = await tributary(['produce', 'stamped', '--key-separator', '=', '--header', 'source=cli test', '--header', 'v=2', '--timestamp', '1700000000000', ...bs], { input: 'k1=a\nk2=b\n' });
    expect(produced.code).toBe(0);
    const consumed = await tributary(['consume', 'stamped', '--from-beginning', '--max-messages', '2', '--print-timestamp', '--print-headers', '--print-key', ...bs]);
    expect(consumed.stdout.trimEnd().split('\n')).toEqual([
      'Timestamp:1700000000000\tsource:cli test,v:2\tk1\ta',
      'Timestamp:1700000000000\tsource:cli test,v:2\tk2\tb',
    ]);
    await tributary(['produce', 'stamped', ...bs], { input: 'plain\n' });
    const plain = await tributary(['consume', 'stamped', '--from-beginning', '--max-messages', '3', '--print-headers', ...bs]);
    expect(plain.stdout.trimEnd().split('\n')[2]).toBe('NO_HEADERS\tplain');
    const bad = await tributary(['produce', 'stamped', '--header', 'novalue', ...bs], { input: 'x\n' });
    expect(looksLikeUserError(bad)).toBe(true);
    expect(bad.stderr).toContain('--header expects key=value');
  });

  it('--group reads from the group\'s committed offsets and commits what it printed', async () => {
    await createTopics(cluster, [{ name: 'grouped', numPartitions: 3, replicationFactor: 1 }]);
    const first = Array.from({ length: 30 }, (_, i) => `k${i}:first-${i}`);
    await tributary(['produce', 'grouped', '--key-separator', ':', ...bs], { input: first.join('\n') + '\n' });

    const a = await tributary(['consume', 'grouped', '--group', 'cli-g', '--from-beginning', '--max-messages', '30', ...bs]);
    expect(a.code).toBe(0);
    expect(a.stdout.trimEnd().split('\n').sort()).toEqual(first.map((l) => l.split(':')[1]).sort());

    // Everything printed was committed: a second run of the group prints only what came later.
    const later = ['k1:second-1', 'k2:second-2', 'k3:second-3'];
    await tributary(['produce', 'grouped', '--key-separator', ':', ...bs], { input: later.join('\n') + '\n' });
    const b = await tributary(['consume', 'grouped', '--group', 'cli-g', '--from-beginning', '--max-messages', '3', ...bs]);
    expect(b.stdout.trimEnd().split('\n').sort()).toEqual(['second-1', 'second-2', 'second-3']);

    const described = await tributary(['groups', 'describe', 'cli-g', ...bs]);
    expect(described.code).toBe(0);
    for (const p of [0, 1, 2]) expect(described.stdout).toMatch(new RegExp(`grouped\\s+${p}\\s+\\d+\\s+\\d+\\s+0\\b`));

    const both = await tributary(['consume', 'grouped', '--group', 'cli-g', '--partition', '0', ...bs]);
    expect(looksLikeUserError(both)).toBe(true);
    expect(both.stderr).toContain('--group and --partition');
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
