/*
 * kafkajs 2.2.4 idempotent producer (InitProducerId v1 sent to the controller, which Metadata
 * names as this node) against the bundled broker: every message is written exactly once, in
 * idempotent batches carrying the producer id the broker handed out.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { Kafka, logLevel } from 'kafkajs';
import { startTestBroker, type TestBroker } from '../../src/testing/broker-harness.ts';

describe('kafkajs idempotent producer', () => {
  let tb: TestBroker;
  beforeAll(async () => {
    tb = await startTestBroker({ defaultPartitions: 3 });
  });
  afterAll(async () => {
    await tb?.stop();
  });

  it('writes every message exactly once with producer id and sequences', async () => {
    const kafka = new Kafka({ clientId: 'idem-kjs', brokers: [tb.bootstrap], logLevel: logLevel.NOTHING });
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    for (let b = 0; b < 10; b++) {
      await producer.send({ topic: 'idem-kjs', acks: -1, messages: Array.from({ length: 100 }, (_, i) => ({ key: `k${b * 100 + i}`, value: `v${b * 100 + i}` })) });
    }
    await producer.disconnect();
    const logs = tb.broker.partitions.ofTopic('idem-kjs');
    expect(logs.reduce((n, l) => n + l.logEndOffset, 0)).toBe(1000);
    const pids = new Set<bigint>();
    for (const l of logs) {
      let nextSeq = 0;
      l.scanBatchHeaders(0, (h) => {
        pids.add(h.producerId);
        expect(h.baseSequence).toBe(nextSeq);
        nextSeq += h.lastOffsetDelta + 1;
      });
    }
    expect(pids.size).toBe(1);
    expect([...pids][0]! >= 0n).toBe(true);
  }, 60_000);
});
