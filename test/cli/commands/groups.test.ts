/*
 * `tributary groups list|describe|reset-offsets|delete` against a live broker, through the
 * command's commander registration (the client factory's admin underneath). A kafkajs member
 * holds one group Stable with committed offsets; a second group only has offsets (Empty), so it
 * can be reset and deleted.
 */
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerGroupsCommands } from '../../../src/cli/commands/groups.ts';
import { runCommand } from './run-command.ts';
import { startTestBroker, type TestBroker } from '../../../src/testing/broker-harness.ts';

const run = (args: string[]): Promise<string> => runCommand(registerGroupsCommands, args);

/** Table rows of `out` whose first cell is `topic`, split into cells. */
const rowsOf = (out: string, topic: string): string[][] => out.split('\n').filter((l) => l.startsWith(`${topic} `)).map((l) => l.trim().split(/\s+/));

describe('tributary groups', () => {
  let tb: TestBroker;
  let member: Consumer;
  let bs: string[];
  beforeAll(async () => {
    tb = await startTestBroker();
    bs = ['--bootstrap-server', tb.bootstrap];
    const kafka = new Kafka({ clientId: 'cli-groups', brokers: [tb.bootstrap], logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'cg', numPartitions: 2 }] });
    // 5 records per partition; the Empty group committed 2 on partition 0 only.
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: 'cg', messages: Array.from({ length: 10 }, (_, i) => ({ partition: i % 2, value: `v${i}` })) });
    await producer.disconnect();
    await admin.setOffsets({ groupId: 'cg-idle', topic: 'cg', partitions: [{ partition: 0, offset: '2' }] });
    await admin.disconnect();
    member = kafka.consumer({ groupId: 'cg-live' });
    await member.connect();
    await member.subscribe({ topic: 'cg', fromBeginning: true });
    let seen = 0;
    const all = new Promise<void>((resolve) => {
      void member.run({
        autoCommit: true,
        autoCommitThreshold: 1,
        eachMessage: async () => {
          if (++seen === 10) resolve();
        },
      });
    });
    await all;
    await member.commitOffsets([
      { topic: 'cg', partition: 0, offset: '5' },
      { topic: 'cg', partition: 1, offset: '5' },
    ]);
  });
  afterAll(async () => {
    await member?.disconnect().catch(() => undefined);
    await tb?.stop();
  });

  it('list shows both groups with their state', async () => {
    const lines = (await run(['groups', 'list', ...bs])).trim().split('\n').map((l) => l.trim().split(/\s+/));
    expect(lines).toEqual([
      ['cg-idle', 'consumer', 'Empty'],
      ['cg-live', 'consumer', 'Stable'],
    ]);
  });

  it('describe shows the member, its partitions, committed offsets, log end and lag', async () => {
    const out = await run(['groups', 'describe', 'cg-live', ...bs]);
    expect(out).toMatch(/^Group: cg-live {2}State: Stable {2}ProtocolType: consumer/m);
    expect(out).toMatch(/^Members: 1$/m);
    expect(out).toMatch(/assigned=cg\[0,1\]/);
    const rows = rowsOf(out, 'cg');
    expect(rows.map((r) => r.slice(0, 5))).toEqual([
      ['cg', '0', '5', '5', '0'],
      ['cg', '1', '5', '5', '0'],
    ]);
    expect(rows.every((r) => r[5] !== '-')).toBe(true);
  });

  it('describe of a group without members shows its offsets and no owner', async () => {
    const rows = rowsOf(await run(['groups', 'describe', 'cg-idle', ...bs]), 'cg');
    expect(rows).toEqual([['cg', '0', '2', '5', '3', '-']]);
  });

  it('reset-offsets moves every partition of the topic (clamped), only for an Empty group', async () => {
    const latest = rowsOf(await run(['groups', 'reset-offsets', 'cg-idle', '--topic', 'cg', '--to-latest', ...bs]), 'cg');
    expect(latest).toEqual([
      ['cg', '0', '5'],
      ['cg', '1', '5'],
    ]);
    const clamped = rowsOf(await run(['groups', 'reset-offsets', 'cg-idle', '--topic', 'cg', '--to-offset', '99', ...bs]), 'cg');
    expect(clamped.map((r) => r[2])).toEqual(['5', '5']);
    expect(rowsOf(await run(['groups', 'reset-offsets', 'cg-idle', '--topic', 'cg', '--to-earliest', ...bs]), 'cg').map((r) => r[2])).toEqual(['0', '0']);
    await expect(run(['groups', 'reset-offsets', 'cg-live', '--topic', 'cg', '--to-earliest', ...bs])).rejects.toThrow(/cg-live" is Stable/);
    await expect(run(['groups', 'reset-offsets', 'cg-idle', '--topic', 'nope', '--to-earliest', ...bs])).rejects.toThrow(/topic "nope" does not exist/);
  });

  it('delete removes an Empty group and refuses a live one', async () => {
    expect(await run(['groups', 'delete', 'cg-idle', ...bs])).toContain('Deleted group cg-idle.');
    expect((await run(['groups', 'list', ...bs])).trim().split('\n').map((l) => l.split(/\s+/)[0])).toEqual(['cg-live']);
    await expect(run(['groups', 'delete', 'cg-live', ...bs])).rejects.toThrow(/NON_EMPTY_GROUP/);
  });
});
