/*
 * Where `tributary consume` reads from: partitions it assigns itself (no group, nothing
 * committed — the default), or a consumer group (`--group`), as kafka-console-consumer does.
 *
 * With a group the command is one member: partitions are shared with the group's other members
 * (run it twice with the same --group and each copy prints part of the topic), a partition starts
 * at the group's committed offset, and what was printed is committed after each write to stdout
 * and once more at exit. So a record is committed only after it reached stdout (at least once:
 * a kill between the write and the commit prints it again on the next run). `--from-beginning`
 * then only decides where a partition WITHOUT a committed offset starts (Kafka's
 * auto.offset.reset=earliest), as in Kafka's console consumer.
 */
import { cooperativeStickyAssignor } from '../../client/consumer/cooperative-sticky-assignor.ts';
import { partitionKey } from '../../client/producer/batch.ts';
import type { ClientFactory, FetchedBatch, OffsetReset, TopicPartitionOffset } from '../../client/types.ts';

export interface ConsumeSource {
  poll(maxRecords: number, waitMs: number): Promise<readonly FetchedBatch[]>;
  /** Called once `batches` were written to stdout. */
  delivered(batches: readonly FetchedBatch[]): Promise<void>;
  close(): Promise<void>;
}

export interface SourceOptions {
  readonly topic: string;
  readonly offsetReset: OffsetReset;
  readonly maxWaitMs: number;
}

/** Reads the given partitions without a group; commits nothing. */
export async function assignedSource(clients: ClientFactory, opts: SourceOptions, partitions: readonly number[]): Promise<ConsumeSource> {
  const consumer = clients.assignedConsumer({ offsetReset: opts.offsetReset, maxWaitMs: opts.maxWaitMs });
  await consumer.connect();
  try {
    await consumer.assign(partitions.map((partition) => ({ topic: opts.topic, partition })));
  } catch (err) {
    await consumer.disconnect();
    throw err;
  }
  return {
    poll: (max, wait) => consumer.poll(max, wait),
    delivered: async () => {},
    close: () => consumer.disconnect(),
  };
}

/** The next offset to read of every partition in `batches` (the last record's offset + 1). */
export function nextOffsets(batches: readonly FetchedBatch[]): TopicPartitionOffset[] {
  const next = new Map<string, TopicPartitionOffset>();
  for (const b of batches) {
    const last = b.records[b.records.length - 1];
    if (last === undefined) continue;
    next.set(partitionKey(b), { topic: b.topic, partition: b.partition, offset: last.offset + 1 });
  }
  return [...next.values()];
}

/**
 * Joins `groupId` and reads the partitions the group gives this member; commits what was printed.
 * A commit that fails (typically: the group is rebalancing) is kept and retried with the next
 * one; offsets of partitions taken away are committed before they go (or dropped if that fails,
 * as Kafka's consumer does), never later over the new owner's.
 */
export async function groupSource(clients: ClientFactory, opts: SourceOptions, groupId: string, warn: (message: string) => void): Promise<ConsumeSource> {
  const pending = new Map<string, TopicPartitionOffset>();
  const commitPending = async (): Promise<void> => {
    if (pending.size === 0) return;
    const offsets = [...pending.values()];
    await consumer.commitOffsets(offsets);
    // Only what was sent: delivered() may have added newer offsets meanwhile.
    for (const o of offsets) if (pending.get(partitionKey(o)) === o) pending.delete(partitionKey(o));
  };
  const consumer = clients.consumer({
    groupId,
    assignor: cooperativeStickyAssignor(),
    offsetReset: opts.offsetReset,
    maxWaitMs: opts.maxWaitMs,
    beforeRevoke: async (partitions) => {
      await commitPending().catch(() => undefined);
      for (const tp of partitions) pending.delete(partitionKey(tp));
    },
  });
  await consumer.connect();
  try {
    await consumer.subscribe([opts.topic]);
  } catch (err) {
    await consumer.disconnect();
    throw err;
  }
  return {
    poll: (max, wait) => consumer.poll(max, wait),
    delivered: async (batches) => {
      for (const o of nextOffsets(batches)) pending.set(partitionKey(o), o);
      await commitPending().catch(() => undefined);
    },
    close: async () => {
      try {
        await commitPending();
      } catch (err) {
        warn(`could not commit the last offsets of group "${groupId}" (${(err as Error).message}); a later run of this group may print those records again`);
      } finally {
        await consumer.disconnect();
      }
    },
  };
}
