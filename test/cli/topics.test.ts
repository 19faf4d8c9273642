/*
 * `tributary topics …` end to end: the real binary against a test broker.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../../src/testing/broker-harness.ts';
import { startMockCluster } from '../client/helpers/mock-cluster.ts';
import { looksLikeUserError, tributary } from './run-cli.ts';

describe('tributary topics', () => {
  let broker: TestBroker;
  let bs: string[];
  beforeAll(async () => {
    broker = await startTestBroker();
    bs = ['--bootstrap-server', broker.bootstrap];
  });
  afterAll(async () => {
    await broker.stop();
  });

  it('creates, lists, describes and deletes a topic', async () => {
    const created = await tributary(['topics', 'create', 'orders', '--partitions', '3', '--config', 'retention.ms=3600000', ...bs]);
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    expect(created.stdout).toContain('Created topic orders with 3 partitions');

    const listed = await tributary(['topics', 'list', '--exclude-internal', ...bs]);
    expect(listed.code).toBe(0);
    expect(listed.stdout.split('\n').filter((l) => l !== '')).toEqual(['orders']);

    const described = await tributary(['topics', 'describe', 'orders', ...bs]);
    expect(described.code).toBe(0);
    expect(described.stdout).toMatch(/Topic: orders .*PartitionCount: 3\s+ReplicationFactor: 1/);
    // The config set at creation is reported as set on the topic (DescribeConfigs).
    expect(described.stdout).toMatch(/^Configs: .*retention\.ms=3600000/m);
    const rows = described.stdout.split('\n').filter((l) => /^\d+\s/.test(l));
    expect(rows.map((r) => r.trim().split(/\s+/))).toEqual([
      ['0', '0', '0', '0', '0', '0', '0', 'B'],
      ['1', '0', '0', '0', '0', '0', '0', 'B'],
      ['2', '0', '0', '0', '0', '0', '0', 'B'],
    ]);
    expect(described.stdout).toMatch(/^Total size: 0 B \(0 bytes\)$/m);

    const deleted = await tributary(['topics', 'delete', 'orders', ...bs]);
    expect(deleted.code).toBe(0);
    expect((await tributary(['topics', 'list', ...bs])).stdout.split('\n')).not.toContain('orders');
  });

  it('alters the partition count (kafka-topics.sh --alter --partitions), refusing a decrease with Kafka\'s message', async () => {
    await tributary(['topics', 'create', 'widen', '--partitions', '2', ...bs]);
    const checked = await tributary(['topics', 'alter', 'widen', '--partitions', '4', '--validate-only', ...bs]);
    expect(checked.code).toBe(0);
    expect(checked.stdout).toContain('validate only');
    expect(broker.broker.topics.get('widen')!.partitions).toBe(2);

    const altered = await tributary(['topics', 'alter', 'widen', '--partitions', '4', ...bs]);
    expect(altered.code).toBe(0);
    expect(altered.stdout).toContain('Topic widen now has 4 partitions.');
    expect(altered.stderr).toMatch(/^WARNING: records with a key/);
    const described = await tributary(['topics', 'describe', 'widen', ...bs]);
    expect(described.stdout).toMatch(/PartitionCount: 4/);

    const shrink = await tributary(['topics', 'alter', 'widen', '--partitions', '3', ...bs]);
    expect(looksLikeUserError(shrink)).toBe(true);
    expect(shrink.stderr).toContain('Topic currently has 4 partitions, which is higher than the requested 3.');
    const unknown = await tributary(['topics', 'alter', 'no-such-topic', '--partitions', '3', ...bs]);
    expect(looksLikeUserError(unknown)).toBe(true);
    expect(unknown.stderr).toContain('no-such-topic');
    const missingFlag = await tributary(['topics', 'alter', 'widen', ...bs]);
    expect(missingFlag.code).not.toBe(0);
    expect(missingFlag.stderr).toContain('--partitions');
  });

  it('shows the size on disk of each partition and the total (DescribeLogDirs)', async () => {
    await tributary(['topics', 'create', 'sized', '--partitions', '2', ...bs]);
    const value = 'v'.repeat(2000);
    await tributary(['produce', 'sized', '--partition', '1', ...bs], { input: `${value}\n`.repeat(10) });
    const onDisk = broker.broker.partitions.ofTopic('sized')[1]!.sizeInBytes;
    expect(onDisk).toBeGreaterThan(20_000);
    const described = await tributary(['topics', 'describe', 'sized', ...bs]);
    expect(described.code).toBe(0);
    const rows = described.stdout.split('\n').filter((l) => /^\d+\s/.test(l)).map((r) => r.trim().split(/\s+/));
    expect(rows[0]!.slice(-2)).toEqual(['0', 'B']);
    expect(rows[1]!.slice(-2)).toEqual([(onDisk / 1024).toFixed(1), 'KiB']);
    expect(described.stdout).toContain(`Total size: ${(onDisk / 1024).toFixed(1)} KiB (${onDisk} bytes)`);
  });

  it('says so in the Size column when the broker has no DescribeLogDirs, and still succeeds', async () => {
    const mock = await startMockCluster(1);
    try {
      const mbs = ['--bootstrap-server', mock.bootstrap];
      // librdkafka's mock cluster has neither CreateTopics nor DescribeLogDirs; it auto-creates the topic.
      const described = await tributary(['topics', 'describe', 'nolog', ...mbs]);
      expect(described.code).toBe(0);
      expect(described.stdout.split('\n').find((l) => /^0\s/.test(l))).toMatch(/\sn\/a$/);
      expect(described.stdout).toContain('Size: n/a (the broker does not support DescribeLogDirs)');
    } finally {
      await mock.stop();
    }
  });

  it('prints clear errors with a non-zero exit code and no stack trace', async () => {
    await tributary(['topics', 'create', 'twice', ...bs]);
    const again = await tributary(['topics', 'create', 'twice', ...bs]);
    expect(looksLikeUserError(again)).toBe(true);
    expect(again.stderr).toContain('TOPIC_ALREADY_EXISTS');

    const missing = await tributary(['topics', 'describe', 'no-such-topic', ...bs]);
    expect(looksLikeUserError(missing)).toBe(true);
    expect(missing.stderr).toContain('"no-such-topic"');

    const badFlag = await tributary(['topics', 'create', 'x', '--partitions', 'zero', ...bs]);
    expect(looksLikeUserError(badFlag)).toBe(true);
    expect(badFlag.stderr).toContain('--partitions');

    const noArg = await tributary(['topics', 'create', ...bs]);
    expect(noArg.code).toBe(2);
    expect(noArg.stderr).toContain("missing required argument 'name'");

    const nobody = await tributary(['topics', 'list', '--bootstrap-server', '127.0.0.1:1']);
    expect(looksLikeUserError(nobody)).toBe(true);
    expect(nobody.stderr).toContain('127.0.0.1:1');
  });
});
