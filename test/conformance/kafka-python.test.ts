/*
 * kafka-python 2.0.2 against a live bundled broker: a producer with acks='all' (every send
 * acknowledged), then a group-less consumer using assign() + seek_to_beginning() reads everything
 * back with the acknowledged partitions and offsets. The script is helpers/python/kafka_python_roundtrip.py.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../../src/testing/broker-harness.ts';
import { python } from './helpers/clients.ts';
import { createTopic } from './helpers/setup.ts';

interface Row {
  type: 'sent' | 'received' | 'done';
  partition?: number;
  offset?: number;
  key?: string;
  value?: string;
  sent?: number;
  received?: number;
}

describe('kafka-python against the bundled broker', () => {
  let broker: TestBroker;
  beforeEach(async () => {
    broker = await startTestBroker();
  });
  afterEach(async () => {
    await broker.stop();
  });

  it("produces with acks='all' and reads everything back with assign() and seek_to_beginning()", async () => {
    const topic = 'kpy-roundtrip';
    const count = 500;
    await createTopic(broker.bootstrap, topic, 3);
    const rows = await python<Row>('kafka_python_roundtrip.py', [broker.bootstrap, topic, String(count)]);

    const sent = rows.filter((r) => r.type === 'sent');
    const received = rows.filter((r) => r.type === 'received');
    expect(rows.at(-1)).toEqual({ type: 'done', sent: count, received: count });
    expect(sent).toHaveLength(count);
    // Each acknowledged (partition, offset) holds exactly the record that was sent there.
    const at = new Map(received.map((r) => [`${r.partition}/${r.offset}`, r]));
    expect(at.size).toBe(count);
    for (const s of sent) {
      const r = at.get(`${s.partition}/${s.offset}`);
      expect(r?.key, `record acknowledged at ${s.partition}/${s.offset}`).toBe(s.key);
      expect(r?.value).toBe(`v${s.key!.slice(1)}`);
    }
    // Records spread over every partition (kafka-python hashes keys with murmur2 too).
    expect(new Set(sent.map((s) => s.partition))).toEqual(new Set([0, 1, 2]));
  });
});
