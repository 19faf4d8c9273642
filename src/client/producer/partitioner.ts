/*
 * The producer's partition choice, as Apache Kafka's Java producer makes it:
 *   explicit partition → that one (the caller checks it against the partition count)
 *   non-null key       → toPositive(murmur2(key bytes)) % partitions (util/murmur2.ts), so a
 *                        key lands where a Java, librdkafka-with-murmur2 or kafkajs
 *                        (DefaultPartitioner) producer puts it (co-partitioning)
 *   null key           → sticky (KIP-480 / KIP-794): every keyless record of a topic goes to the
 *                        same partition until about `stickyBytes` (Kafka's batch.size, 16 KiB)
 *                        went there, then the next partition takes over (Kafka picks it at
 *                        random weighted by queue sizes; here it rotates, which spreads as
 *                        evenly). Keyless records thus form full batches instead of one small
 *                        batch per partition per request.
 */
import { partitionForKey } from '../../util/murmur2.ts';
import type { ProducerRecord } from '../types.ts';

export const DEFAULT_STICKY_BYTES = 16 * 1024;

interface Sticky {
  partition: number;
  bytes: number;
}

export class Partitioner {
  readonly #sticky = new Map<string, Sticky>();

  constructor(private readonly stickyBytes = DEFAULT_STICKY_BYTES) {}

  /** The partition of `r` among `count`; `size` is the record's estimated bytes (for stickiness). */
  partition(r: ProducerRecord, count: number, size: number): number {
    if (r.partition !== undefined) return r.partition;
    if (r.key !== null) return partitionForKey(r.key, count);
    let s = this.#sticky.get(r.topic);
    if (s === undefined) this.#sticky.set(r.topic, (s = { partition: Math.floor(Math.random() * count), bytes: 0 }));
    if (s.bytes >= this.stickyBytes || s.partition >= count) {
      s.partition = (s.partition + 1) % count;
      s.bytes = 0;
    }
    s.bytes += size;
    return s.partition;
  }
}
