/*
 * The offset store's view of the internal topic __consumer_offsets on the bundled broker: one
 * partition, cleanup.policy=compact (the cleaner keeps the latest record per key and drops
 * tombstones after delete.retention.ms), written only by the coordinator.
 *
 * append: the records become one uncompressed record batch (H1's builder), appended through
 *         `broker.append` with origin 'coordinator', and the promise resolves once the batch is
 *         durable under the broker's fsync policy.
 * replay: reads the partition from its log start to its end in 1 MiB slices, decodes each batch
 *         (skipping control batches) and hands every record over in offset order, yielding to
 *         the event loop between slices so produce and fetch on other connections keep going
 *         while a large topic loads.
 */
import { buildRecordBatch, decodeRecordBatch, iterateBatches } from '../../protocol/records/record-batch.ts';
import type { Broker } from '../broker.ts';
import type { PartitionLog } from '../log/partition-log.ts';
import { OFFSETS_TOPIC, type CoordinatorLog, type CoordinatorRecord } from './offset-store.ts';

export const OFFSETS_PARTITION = 0;
const REPLAY_SLICE_BYTES = 1024 * 1024;

/** Creates __consumer_offsets (1 partition, compacted) unless it exists. */
export function ensureOffsetsTopic(broker: Broker): Promise<void> {
  return ensureInternalTopic(broker, OFFSETS_TOPIC);
}

/** Creates an internal coordinator topic (1 partition, compacted) unless it exists. */
export async function ensureInternalTopic(broker: Broker, topic: string): Promise<void> {
  if (broker.topic(topic) !== undefined) return;
  await broker.topicManager.create({
    name: topic,
    numPartitions: 1,
    replicationFactor: 1,
    configs: [{ name: 'cleanup.policy', value: 'compact' }],
  });
}

/** A one-partition internal topic as a CoordinatorLog (also used for __transaction_state). */
export class BrokerOffsetsLog implements CoordinatorLog {
  constructor(
    private readonly broker: Broker,
    private readonly topic: string = OFFSETS_TOPIC,
  ) {}

  private log(): PartitionLog {
    const log = this.broker.partitions.get(this.topic, OFFSETS_PARTITION);
    if (log === undefined) {
      throw new Error(`${this.topic}-${OFFSETS_PARTITION} does not exist (was the internal topic deleted?); restart the broker to re-create it`);
    }
    return log;
  }

  async append(records: CoordinatorRecord[]): Promise<void> {
    if (records.length === 0) return;
    const log = this.log();
    const batch = buildRecordBatch(
      records.map((r) => ({ key: r.key, value: r.value })),
      { timestamp: this.broker.clock.now() },
    );
    const info = this.broker.append(this.topic, OFFSETS_PARTITION, batch, 'coordinator');
    await log.waitDurable(info.lastOffset);
  }

  async replay(visit: (record: CoordinatorRecord) => void): Promise<void> {
    const log = this.log();
    let offset = log.logStartOffset;
    while (offset < log.logEndOffset) {
      const slice = log.read(offset, { maxBytes: REPLAY_SLICE_BYTES });
      if (slice.chunks.length === 0) break;
      let next = offset;
      for (const chunk of slice.chunks) {
        for (const b of iterateBatches(chunk)) {
          const lastOffset = b.header.baseOffset + b.header.lastOffsetDelta;
          if (lastOffset < offset) continue;
          next = Math.max(next, lastOffset + 1);
          const decoded = decodeRecordBatch(b.bytes, { verifyCrc: false });
          if (decoded.isControl) continue;
          for (const r of decoded.records) {
            if (r.offset < offset || r.key === null) continue;
            visit({ key: r.key, value: r.value });
          }
        }
      }
      if (next === offset) break;
      offset = next;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
}
