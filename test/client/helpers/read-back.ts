/*
 * Test shorthand for reading a topic back through the client factory's assign-only consumer:
 * every partition from the earliest offset until at least `expected` records arrived and every
 * record below the end offsets seen at the start was read (or 100 idle polls of 50 ms passed),
 * flattened in arrival order (offset order within a partition).
 */
import { createClientFactory } from '../../../src/client/client-factory.ts';
import type { AssignedConsumerOptions, ConsumedRecord } from '../../../src/client/types.ts';

export async function readBack(bootstrap: string, topic: string, expected: number, options: AssignedConsumerOptions = {}): Promise<ConsumedRecord[]> {
  const clients = createClientFactory({ bootstrapServers: bootstrap.split(','), clientId: 'read-back', logLevel: 'nothing' });
  const admin = clients.admin();
  const consumer = clients.assignedConsumer({ maxWaitMs: 50, ...options });
  try {
    const [info] = await admin.describeTopics([topic]);
    if (info === undefined) throw new Error(`readBack: topic "${topic}" does not exist`);
    const tps = Array.from({ length: info.partitions }, (_, partition) => ({ topic, partition }));
    await consumer.assign(tps);
    const ends = await consumer.endOffsets(tps);
    const got: ConsumedRecord[] = [];
    for (let idle = 0; idle < 100 && (got.length < expected || ends.some((e) => consumer.position(e) < e.offset)); ) {
      const batches = await consumer.poll(100_000, 50);
      if (batches.length === 0) idle++;
      for (const b of batches) got.push(...b.records);
    }
    return got;
  } finally {
    await consumer.disconnect();
    await admin.disconnect();
  }
}
