/*
 * AssignedConsumer (types.ts): the client's one consumer without a group. The CLI's `consume`,
 * the benchmarks and the streams runtime (changelog restore, standbys) all read through it: it
 * fetches exactly the partitions it is given, from the offsets it is given.
 *
 * It is the group consumer's fetcher (fetcher.ts) without the membership: the same prefetching
 * fetch loop and the same records, decoded once into ConsumedRecord (number offsets, a header
 * object) and handed to the caller as they are — no per-record copy anywhere on the way.
 *
 * State: the fetcher is the single source of truth for positions, pause flags and buffered
 * records. This class adds what a group would otherwise decide:
 *   assign(tps)   1 partitions without an offset start at offsetReset (ListOffsets: earliest, or
 *                   latest — the last stable offset under read_committed, as Java's consumer)
 *                 2 the fetcher's assignment is replaced (buffered records of the old one are
 *                   dropped) and prefetching starts
 *   poll()        buffered records of unpaused partitions, waiting ≤ timeoutMs for the fetch loop
 *                 to deliver some; a non-retriable fetch error (a corrupt batch) is thrown here,
 *                 retriable ones (broker restart, leader moved) are retried by the fetcher with
 *                 backoff, so poll() then returns [] until the broker is back.
 */
import { clusterFromConfig, type WireCluster } from '../cluster.ts';
import { listOffsets, OffsetSpec } from '../admin.ts';
import { KafkaClientError, toClientError } from '../errors.ts';
import { partitionsByTopic, type AssignedConsumer, type AssignedConsumerOptions, type AssignedPartition, type ClientConfig, type FetchedBatch, type TopicPartition, type TopicPartitionOffset } from '../types.ts';
import { fetcherOptions, GroupFetcher } from './fetcher.ts';
import { ClientRoles, FetchMetrics } from '../metrics/client-metrics.ts';
import type { KafkaMetric } from '../../metrics/metric-registry.ts';
import { PollWaker } from './poll-waker.ts';

/** Tuning the runtime does not need; the benchmarks and tests set it. */
export interface AssignedConsumerTuning {
  /** Records buffered before prefetching pauses. Default 20000. */
  readonly maxBufferedRecords?: number | undefined;
}

export class KafkaAssignedConsumer implements AssignedConsumer {
  readonly #cluster: WireCluster;
  readonly #options: AssignedConsumerOptions;
  readonly #fetcher: GroupFetcher;
  readonly #metrics: FetchMetrics;
  readonly #waker = new PollWaker();
  readonly #isolationLevel: 0 | 1;
  #fatal: KafkaClientError | undefined;
  #closed = false;

  constructor(config: ClientConfig, options: AssignedConsumerOptions = {}, tuning: AssignedConsumerTuning = {}) {
    this.#cluster = clusterFromConfig(config);
    this.#options = options;
    this.#isolationLevel = options.isolationLevel === 'read_uncommitted' ? 0 : 1;
    this.#metrics = new FetchMetrics(config.metrics, config.clientId, ClientRoles.assignedConsumer);
    this.#fetcher = new GroupFetcher(
      this.#cluster,
      fetcherOptions(options, tuning.maxBufferedRecords, this.#isolationLevel),
      () => this.#waker.wake(),
      (e) => {
        this.#fatal = e;
        this.#waker.wake();
      },
      this.#metrics,
    );
  }

  /** This consumer's consumer-fetch-manager-metrics (Kafka's names; docs/metrics.md), as of now. */
  metrics(): KafkaMetric[] {
    return this.#metrics.metrics();
  }

  async connect(): Promise<void> {
    try {
      await this.#cluster.any();
    } catch (e) {
      throw toClientError(e, 'connecting the assign-only consumer');
    }
  }

  async assign(tps: readonly AssignedPartition[]): Promise<void> {
    const positions = await this.#startOffsets(tps);
    this.#fatal = undefined;
    this.#fetcher.assign(positions);
  }

  assignment(): readonly TopicPartition[] {
    return this.#fetcher.owned();
  }

  position(tp: TopicPartition): number {
    const at = this.#fetcher.position(tp);
    if (at === undefined) this.#requireAssigned([tp], 'position');
    return at!;
  }

  seek(tp: TopicPartitionOffset): void {
    this.#requireAssigned([tp], 'seek');
    this.#fetcher.seek(tp);
    this.#waker.wake();
  }

  pause(partitions: readonly TopicPartition[]): void {
    this.#requireAssigned(partitions, 'pause');
    this.#fetcher.pause(partitions);
  }

  resume(partitions: readonly TopicPartition[]): void {
    this.#fetcher.resume(partitions);
    this.#waker.wake();
  }

  async poll(maxRecords: number, timeoutMs: number): Promise<readonly FetchedBatch[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.#closed) return [];
      if (this.#fatal !== undefined) throw this.#fatal;
      const out = this.#fetcher.take(maxRecords);
      if (out.length > 0) return out;
      const left = deadline - Date.now();
      if (left <= 0) return [];
      await this.#waker.wait(left);
    }
  }

  async endOffsets(tps: readonly TopicPartition[]): Promise<readonly TopicPartitionOffset[]> {
    // High watermarks, whatever the isolation level (the contract in types.ts).
    const found = await this.#offsets(tps, OffsetSpec.latest, 0, 'listing end offsets');
    return tps.map((tp) => ({ topic: tp.topic, partition: tp.partition, offset: found.get(tp.topic)!.get(tp.partition)! }));
  }

  async disconnect(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#fetcher.close();
    this.#metrics.close();
    this.#waker.wake();
    this.#cluster.close();
  }

  // ------------------------------------------------------------------------------------------

  #requireAssigned(tps: readonly TopicPartition[], what: string): void {
    for (const tp of tps) {
      if (!this.#fetcher.owns(tp)) throw new KafkaClientError(`${what}(${tp.topic}-${tp.partition}): the partition is not assigned; assign() it first`, { retriable: false });
    }
  }

  /** Step 1: the explicit offsets, and offsetReset's offset for the partitions without one. */
  async #startOffsets(tps: readonly AssignedPartition[]): Promise<TopicPartitionOffset[]> {
    const missing = tps.filter((tp) => tp.offset === undefined);
    const reset = this.#options.offsetReset ?? 'earliest';
    const found = missing.length === 0 ? undefined : await this.#offsets(missing, reset === 'earliest' ? OffsetSpec.earliest : OffsetSpec.latest, this.#isolationLevel, `finding the ${reset} offsets`);
    return tps.map((tp) => ({ topic: tp.topic, partition: tp.partition, offset: tp.offset ?? found!.get(tp.topic)!.get(tp.partition)! }));
  }

  /** ListOffsets for partitions of any topics: topic → partition → offset. */
  async #offsets(tps: readonly TopicPartition[], spec: bigint, isolationLevel: 0 | 1, what: string): Promise<Map<string, Map<number, number>>> {
    const out = new Map<string, Map<number, number>>();
    for (const [topic, partitions] of partitionsByTopic(tps)) {
      try {
        const found = await listOffsets(this.#cluster, topic, partitions, spec, { isolationLevel });
        out.set(topic, new Map(partitions.map((p) => [p, Number(found.get(p)!.offset)])));
      } catch (e) {
        throw toClientError(e, `${what} of ${topic} partitions ${partitions.join(',')}`);
      }
    }
    return out;
  }
}
