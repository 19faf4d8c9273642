/*
 * kcat 1.7.1 (librdkafka 2.0.2) against a live bundled broker: metadata listing, 1000 keyed
 * messages produced and consumed back with keys, values, per-partition order and offsets intact,
 * and offset lookup by timestamp both through the query mode (-Q) and as a consumer start (s@TS).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../../src/testing/broker-harness.ts';
import { kcat, kcatConsumeAll, kcatMetadata } from './helpers/clients.ts';
import { jsonLines } from './helpers/run-process.ts';
import { createTopic, groupBy, range } from './helpers/setup.ts';
import type { KcatMessage } from './helpers/clients.ts';

describe('kcat against the bundled broker', () => {
  let broker: TestBroker;
  beforeEach(async () => {
    broker = await startTestBroker();
  });
  afterEach(async () => {
    await broker.stop();
  });

  it('-L lists the broker and its topics with partitions and leaders', async () => {
    await createTopic(broker.bootstrap, 'listed', 2);
    const md = await kcatMetadata(broker.bootstrap);
    expect(md.brokers).toEqual([{ id: broker.broker.nodeId, name: broker.bootstrap }]);
    const topic = md.topics.find((t) => t.topic === 'listed');
    expect(topic?.error).toBeUndefined();
    expect(topic?.partitions.map((p) => [p.partition, p.leader])).toEqual([
      [0, broker.broker.nodeId],
      [1, broker.broker.nodeId],
    ]);
  });

  it('-P 1000 keyed messages, then -C -e reads them back intact, in order per partition', async () => {
    const topic = 'kcat-keyed';
    await createTopic(broker.bootstrap, topic, 3);
    const input = range(1000).map((i) => `key-${i % 37}:value-${i}`).join('\n') + '\n';
    await kcat(broker.bootstrap, ['-P', '-t', topic, '-K', ':'], { input });

    const got = await kcatConsumeAll(broker.bootstrap, topic);
    expect(got).toHaveLength(1000);
    // Every key/value pair came back exactly once.
    expect(got.map((m) => `${m.key}:${m.payload}`).sort()).toEqual(input.trim().split('\n').sort());
    const byPartition = groupBy(got, (m: KcatMessage) => m.partition);
    for (const [, msgs] of byPartition) {
      // Offsets are dense from 0, and values appear in the order they were produced.
      expect(msgs.map((m) => m.offset)).toEqual(range(msgs.length));
      const seq = msgs.map((m) => Number(m.payload!.slice('value-'.length)));
      expect(seq).toEqual([...seq].sort((a, b) => a - b));
    }
    // A key always lands on one partition.
    for (const [key, msgs] of groupBy(got, (m: KcatMessage) => m.key)) {
      expect(new Set(msgs.map((m) => m.partition)).size, `key ${key}`).toBe(1);
    }
  });

  it('looks up offsets by timestamp with -Q and starts consuming at s@TS', async () => {
    const topic = 'kcat-time';
    await createTopic(broker.bootstrap, topic, 1);
    await kcat(broker.bootstrap, ['-P', '-t', topic], { input: range(5).map((i) => `early-${i}`).join('\n') + '\n' });
    // kcat has exited, so every early record carries a timestamp before `cut`.
    const cut = Date.now() + 2;
    await new Promise((r) => setTimeout(r, 20));
    await kcat(broker.bootstrap, ['-P', '-t', topic], { input: range(3).map((i) => `late-${i}`).join('\n') + '\n' });

    const q = await kcat(broker.bootstrap, ['-Q', '-t', `${topic}:0:${cut}`]);
    expect(q.stdout).toMatch(new RegExp(`${topic} \\[0\\] offset 5\\b`));

    const late = await kcat(broker.bootstrap, ['-C', '-t', topic, '-p', '0', '-o', `s@${cut}`, '-e', '-J'], { timeoutMs: 30_000 });
    const msgs = jsonLines<KcatMessage>(late.stdout);
    expect(msgs.map((m) => [m.offset, m.payload])).toEqual([
      [5, 'late-0'],
      [6, 'late-1'],
      [7, 'late-2'],
    ]);
    // A timestamp after every record finds no offset (-1 is reported as "offset -1").
    const none = await kcat(broker.bootstrap, ['-Q', '-t', `${topic}:0:${Date.now() + 60_000}`]);
    expect(none.stdout).toMatch(new RegExp(`${topic} \\[0\\] offset -1\\b`));
  });
});
