/*
 * Test shorthand for KafkaProducer: records with string or Buffer keys and values, optional
 * partition, timestamp (default now) and headers, sent to one topic on a shared cluster with acks
 * -1 unless given; resolves with each record's metadata, in order.
 */
import type { WireCluster } from '../../../src/client/cluster.ts';
import { KafkaProducer } from '../../../src/client/producer/producer.ts';
import type { RecordMetadata } from '../../../src/client/types.ts';

export interface LooseRecord {
  key?: string | Buffer | null;
  value: string | Buffer | null;
  partition?: number;
  timestamp?: number;
  headers?: Record<string, Buffer>;
}

const bytes = (v: string | Buffer | null | undefined): Buffer | null => (v === null || v === undefined ? null : typeof v === 'string' ? Buffer.from(v) : v);

export async function produce(cluster: WireCluster, topic: string, records: readonly LooseRecord[], acks: -1 | 0 | 1 = -1): Promise<readonly RecordMetadata[]> {
  const producer = new KafkaProducer(cluster, { acks });
  await producer.connect();
  try {
    const now = Date.now();
    return await producer.send(records.map((r) => ({ topic, partition: r.partition, key: bytes(r.key), value: bytes(r.value), timestamp: r.timestamp ?? now, headers: r.headers ?? {} })));
  } finally {
    await producer.disconnect();
  }
}
