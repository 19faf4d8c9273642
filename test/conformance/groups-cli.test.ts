/*
 * `tributary groups list|describe|reset-offsets|delete` end to end: the real binary against a
 * bundled broker holding a kafkajs consumer group.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { Kafka, logLevel } from 'kafkajs';
import { startTestBroker, type TestBroker } from '../../src/testing/broker-harness.ts';
import { tributary as runCli } from '../cli/run-cli.ts';

describe('tributary groups', () => {
  let tb: TestBroker;
  beforeAll(async () => {
    tb = await startTestBroker({ defaultPartitions: 2 });
  });
  afterAll(async () => {
    await tb?.stop();
  });

  it('lists, describes (offsets, lag, members), resets an Empty group, refuses a live one, deletes', async () => {
    const kafka = new Kafka({ clientId: 'cli-test', brokers: [tb.bootstrap], logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: 'cli-topic', messages: Array.from({ length: 100 }, (_, i) => ({ key: `k${i}`, value: `v${i}` })) });
    const consumer = kafka.consumer({ groupId: 'cli-group', sessionTimeout: 6000, heartbeatInterval: 300, maxWaitTimeInMs: 200 });
    await consumer.connect();
    await consumer.subscribe({ topic: 'cli-topic', fromBeginning: true });
    let seen = 0;
    await consumer.run({ eachMessage: async () => void seen++ });
    while (seen < 100) await new Promise((r) => setTimeout(r, 50));
    const b = ['--bootstrap-server', tb.bootstrap];

    // While the member is alive: describe shows it and its assignment; a reset is refused.
    await new Promise((r) => setTimeout(r, 300));
    const live = await runCli(['groups', 'describe', 'cli-group', ...b]);
    expect(live.code).toBe(0);
    expect(live.stdout).toMatch(/State: Stable/);
    expect(live.stdout).toMatch(/Members: 1/);
    expect(live.stdout).toMatch(/assigned=cli-topic\[0,1\]/);
    const refused = await runCli(['groups', 'reset-offsets', 'cli-group', '--topic', 'cli-topic', '--to-earliest', ...b]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/is Stable; stop its consumers first/);
    await consumer.disconnect();
    await producer.disconnect();

    const list = await runCli(['groups', 'list', ...b]);
    expect(list.stdout).toMatch(/^cli-group {2}consumer {2}Empty$/m);

    const described = await runCli(['groups', 'describe', 'cli-group', ...b]);
    expect(described.stdout).toMatch(/State: Empty/);
    // Every message consumed and committed: lag 0 on both partitions, offsets sum to 100.
    const rows = described.stdout.split('\n').filter((l) => l.startsWith('cli-topic'));
    expect(rows).toHaveLength(2);
    const cols = rows.map((r) => r.split(/\s+/));
    expect(cols.map((c) => c[4])).toEqual(['0', '0']);
    expect(cols.reduce((n, c) => n + Number(c[2]), 0)).toBe(100);

    const reset = await runCli(['groups', 'reset-offsets', 'cli-group', '--topic', 'cli-topic', '--to-offset', '5', ...b]);
    expect(reset.code).toBe(0);
    expect(reset.stdout).toMatch(/cli-topic\s+0\s+5/);
    const after = await runCli(['groups', 'describe', 'cli-group', ...b]);
    const lag = after.stdout.split('\n').filter((l) => l.startsWith('cli-topic')).map((r) => r.split(/\s+/));
    expect(lag.map((c) => c[2])).toEqual(['5', '5']);
    expect(lag.reduce((n, c) => n + Number(c[4]), 0)).toBe(90);
    const latest = await runCli(['groups', 'reset-offsets', 'cli-group', '--topic', 'cli-topic', '--to-latest', '--to-earliest', ...b]);
    expect(latest.code).toBe(1);
    expect(latest.stderr).toMatch(/exactly one of/);

    const del = await runCli(['groups', 'delete', 'cli-group', ...b]);
    expect(del.stdout).toMatch(/Deleted group cli-group/);
    expect((await runCli(['groups', 'list', ...b])).stdout).not.toMatch(/cli-group/);
    const again = await runCli(['groups', 'delete', 'cli-group', ...b]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/GROUP_ID_NOT_FOUND/);
  }, 90_000);
});
