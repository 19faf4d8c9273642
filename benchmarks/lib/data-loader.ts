/*
 * The load phase of Kafka Streams' SimpleBenchmark (not timed): N records into a 1-partition
 * topic, keys 4-byte big-endian integers (Java's IntegerSerializer) drawn uniformly from
 * [0, keySpace), every record carrying the SAME random value of `valueSize` bytes (SimpleBenchmark
 * fills one byte[] with random bytes once, so storage cannot compress it away).
 *
 * Keys come from a seeded xorshift generator so that runs are repeatable. Records are sent with
 * the project's wire producer, acks=1, in chunks of 5,000; timestamps advance 1 ms per record from
 * `baseTimestamp`, so windowed workloads see stream time move (SimpleBenchmark's producer stamps
 * wall-clock time, which moves at roughly that pace while loading).
 */
import { partitionForKey } from '../../src/util/murmur2.ts';
import { randomBytes } from 'node:crypto';
import type { ProducerRecord } from '../../src/client/types.ts';
import { benchClients, withBenchAdmin } from './bench-clients.ts';

export interface LoadSpec {
  readonly topic: string;
  readonly records: number;
  readonly keySpace: number;
  readonly valueSize: number;
  readonly seed: number;
  readonly baseTimestamp: number;
  /** Partitions of the topic (default 1); records go to murmur2(key) mod partitions. */
  readonly partitions?: number;
}

/** Seeded uniform integers in [0, n) (xorshift32). */
export function uniformInts(seed: number, n: number): () => number {
  let x = seed >>> 0 || 0x9e3779b9;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x % n;
  };
}

export function intKey(k: number): Buffer {
  const b = Buffer.allocUnsafe(4);
  b.writeInt32BE(k, 0);
  return b;
}

export async function createTopic(bootstrap: string, name: string, partitions = 1): Promise<void> {
  await withBenchAdmin(bootstrap, (admin) => admin.createTopics([{ topic: name, numPartitions: partitions, replicationFactor: 1 }], { failIfExists: true }));
}

/** Creates `spec.topic` (1 partition unless given) and fills it; resolves once every record is acknowledged. */
export async function loadTopic(bootstrap: string, spec: LoadSpec): Promise<{ bytes: number }> {
  await createTopic(bootstrap, spec.topic, spec.partitions ?? 1);
  const producer = benchClients(bootstrap, 'bench-loader').producer({ acks: 1 });
  const value = randomBytes(spec.valueSize);
  const nextKey = uniformInts(spec.seed, spec.keySpace);
  const keys = Array.from({ length: spec.keySpace }, (_, k) => intKey(k));
  const chunk = 5000;
  const partitions = spec.partitions ?? 1;
  try {
    await producer.connect();
    for (let sent = 0; sent < spec.records; sent += chunk) {
      const n = Math.min(chunk, spec.records - sent);
      const batch: ProducerRecord[] = new Array(n);
      for (let i = 0; i < n; i++) {
        const key = keys[nextKey()]!;
        batch[i] = { topic: spec.topic, key, value, partition: partitions === 1 ? 0 : partitionForKey(key, partitions), timestamp: spec.baseTimestamp + sent + i, headers: {} };
      }
      await producer.send(batch);
    }
  } finally {
    await producer.disconnect();
  }
  return { bytes: spec.records * (4 + spec.valueSize) };
}
