/*
 * The producer's send buffer (bufferMemory, Kafka's buffer.memory) against a real broker made
 * slow by a proxy that holds its replies: sends beyond the buffer wait (the broker receives no
 * more records than fit), waitForRoom() reports the wait, Kafka's buffer metrics show it, and once
 * replies flow every record is acknowledged and in the log in send order — nothing lost. Invalid
 * options are refused naming the field. (The accounting itself: accumulator.test.ts.)
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createTopics } from '../../../src/client/admin.ts';
import { WireCluster } from '../../../src/client/cluster.ts';
import { KafkaProducer } from '../../../src/client/producer/producer.ts';
import { estimatedRecordSize } from '../../../src/client/producer/record-size.ts';
import type { ProducerRecord, RecordMetadata } from '../../../src/client/types.ts';
import { metricValue } from '../../../src/metrics/metric-registry.ts';
import { startTestBroker } from '../../../src/testing/broker-harness.ts';
import { gatedProxy } from '../helpers/gated-proxy.ts';
import { readBack } from '../helpers/read-back.ts';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const BUFFER = 64 * 1024;

describe('producer send buffer (bufferMemory)', () => {
  it('makes sends wait while a slow broker leaves the buffer full, then delivers every record in order', async () => {
    const proxy = await gatedProxy();
    cleanups.push(() => proxy.close());
    const b = await startTestBroker({ listeners: [{ name: 'PLAINTEXT', securityProtocol: 'PLAINTEXT', host: '127.0.0.1', port: 0, advertisedHost: '127.0.0.1', advertisedPort: proxy.port }] });
    cleanups.push(() => b.stop());
    proxy.target = b.port;
    const cluster = new WireCluster({ bootstrap: `127.0.0.1:${proxy.port}` });
    await createTopics(cluster, [{ name: 'slow', numPartitions: 1, replicationFactor: 1 }]);
    cluster.close();

    const p = new KafkaProducer({ bootstrapServers: [`127.0.0.1:${proxy.port}`], clientId: 'buffer-test', logLevel: 'nothing' }, { bufferMemory: BUFFER, maxBlockMs: 600_000 });
    await p.connect();
    cleanups.push(() => p.disconnect());
    const rec = (i: number): ProducerRecord => ({ topic: 'slow', key: Buffer.from(`k${i % 7}`), value: Buffer.alloc(1000, i % 251), timestamp: 1_700_000_000_000 + i, headers: { i: Buffer.from(String(i)) } });
    await p.send([rec(-1)]);
    // Records the broker has written since the first one (the partition's log end offset).
    const appended = (): number => b.broker.partitions.get('slow', 0)!.logEndOffset - 1;
    const fit = Math.floor(BUFFER / estimatedRecordSize(rec(399)));

    proxy.hold();
    const calls: Array<Promise<readonly RecordMetadata[]>> = [];
    const settled: boolean[] = [];
    for (let c = 0; c < 40; c++) {
      const call = p.send(Array.from({ length: 10 }, (_, i) => rec(c * 10 + i)));
      settled.push(false);
      void call.then(() => (settled[c] = true), () => (settled[c] = true));
      calls.push(call);
    }
    // The buffer fills: the rest of the calls wait for room.
    while (p.bufferBytes.used + estimatedRecordSize(rec(0)) <= BUFFER) await new Promise((r) => setTimeout(r, 10));
    const room = p.waitForRoom();
    expect(room).toBeInstanceOf(Promise);
    let roomMade = false;
    void room!.then(() => (roomMade = true));
    // Whatever the broker has received by now, it is never more than fits in the buffer.
    await new Promise((r) => setTimeout(r, 200));
    expect(appended()).toBeLessThanOrEqual(fit);
    expect(p.bufferBytes.used).toBeLessThanOrEqual(BUFFER);
    expect(settled.every((s) => !s)).toBe(true);
    expect(roomMade).toBe(false);
    const metrics = p.metrics();
    expect(metricValue(metrics, 'producer-metrics', 'buffer-total-bytes')).toBe(BUFFER);
    expect(metricValue(metrics, 'producer-metrics', 'buffer-available-bytes')).toBeLessThan(estimatedRecordSize(rec(0)));

    proxy.release();
    const metas = (await Promise.all(calls)).flat();
    expect(roomMade).toBe(true);
    expect(p.waitForRoom()).toBeUndefined();
    expect(metas.map((m) => m.offset)).toEqual(metas.map((_, i) => metas[0]!.offset + i));
    const after = p.metrics();
    expect(metricValue(after, 'producer-metrics', 'buffer-available-bytes')).toBe(BUFFER);
    expect(metricValue(after, 'producer-metrics', 'bufferpool-wait-time-ns-total') as number).toBeGreaterThan(0);
    const log = await readBack(`127.0.0.1:${proxy.port}`, 'slow', 401);
    expect(log.slice(1).map((r) => Number(r.headers['i']!.toString()))).toEqual(Array.from({ length: 400 }, (_, i) => i));
    expect(appended()).toBe(400);
  });

  it('refuses invalid bufferMemory and maxBlockMs naming the field, and fails a record larger than the buffer as RECORD_TOO_LARGE', async () => {
    const config = { bootstrapServers: ['127.0.0.1:1'], clientId: 'x', logLevel: 'nothing' as const };
    expect(() => new KafkaProducer(config, { bufferMemory: 0 })).toThrow(/bufferMemory: must be a positive number of bytes/);
    expect(() => new KafkaProducer(config, { bufferMemory: 1.5 })).toThrow(/bufferMemory/);
    expect(() => new KafkaProducer(config, { maxBlockMs: -1 })).toThrow(/maxBlockMs: must be 0 or more/);

    const b = await startTestBroker();
    cleanups.push(() => b.stop());
    const p = new KafkaProducer({ ...config, bootstrapServers: [b.bootstrap] }, { bufferMemory: 2048 });
    await p.connect();
    cleanups.push(() => p.disconnect());
    const big = p.send([{ topic: 'big', key: null, value: Buffer.alloc(4096), timestamp: 0, headers: {} }]);
    await expect(big).rejects.toMatchObject({ kafkaType: 'RECORD_TOO_LARGE', retriable: false });
    await expect(big).rejects.toThrow(/buffer\.memory/);
  });
});
