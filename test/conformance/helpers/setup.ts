/*
 * Setup shared by the conformance tests: a kafkajs admin for creating topics (a well-known
 * client, so a topic-creation problem shows up as such and not as a failure of the client under
 * test), deterministic keyed payloads, and grouping helpers for the assertions.
 */
import { Kafka, logLevel } from 'kafkajs';

export function kafkajs(bootstrap: string, clientId = 'conformance'): Kafka {
  return new Kafka({ clientId, brokers: [bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 3 } });
}

export async function createTopic(bootstrap: string, topic: string, numPartitions: number): Promise<void> {
  const admin = kafkajs(bootstrap, 'conformance-admin').admin();
  await admin.connect();
  try {
    const created = await admin.createTopics({ topics: [{ topic, numPartitions, replicationFactor: 1 }], waitForLeaders: true });
    if (!created) throw new Error(`topic ${topic} already existed`);
  } finally {
    await admin.disconnect();
  }
}

/** Groups items by a key, keeping their order. */
export function groupBy<T, K>(items: readonly T[], key: (t: T) => K): Map<K, T[]> {
  const out = new Map<K, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}

/** [0, 1, …, n-1] */
export function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
