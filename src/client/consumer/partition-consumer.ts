/*
 * The wire client's fetch loop: a group-less consumer over assigned partitions (what
 * `tributary consume` and the benchmarks need; consumer groups come with the group coordinator).
 *
 * State: one position (next offset to read) per assigned topic-partition — the single source of
 * truth for progress. `poll()` is one fetch round:
 *   1 group the assigned partitions by leader (cluster metadata), one Fetch per leader in parallel
 *     (Fetch v4–v12: topics addressed by name, record batch v2, isolation level; no fetch sessions)
 *   2 per partition: error 0 → decode the complete batches (the broker may end a response
 *     mid-batch; iterateBatches stops there), drop records below the position (a batch is
 *     returned whole even when the position is inside it), skip control batches and, in
 *     read_committed, the batches of aborted transactions (listed in AbortedTransactions), then
 *     move the position past the last batch seen;
 *     OFFSET_OUT_OF_RANGE → reset to the earliest or latest offset (`resetTo`);
 *     leader moved / not ready → refresh metadata before the next round;
 *     anything else → throw.
 * The broker long-polls up to `maxWaitMs` when no data is available, so an idle poll returns [].
 * Only record batch v2 (magic 2, Kafka ≥ 0.11) is read; a corrupt batch or an old message set
 * fails the poll with a KafkaClientError naming the partition and offset (fetch-decode.ts).
 */
import { ApiKeys } from '../../protocol/api-keys.ts';
import type { RecordHeader } from '../../protocol/records/record.ts';
import { listOffsets, OffsetSpec } from '../admin.ts';
import type { WireCluster } from '../cluster.ts';
import { KafkaResponseError } from '../errors.ts';
import { decodeFetchedRecords } from './fetch-decode.ts';

export interface ConsumedRecord {
  topic: string;
  partition: number;
  offset: bigint;
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeader[];
}

export interface ConsumerOptions {
  /** How long the broker may hold an empty fetch (default 500 ms). */
  maxWaitMs?: number;
  minBytes?: number;
  maxBytes?: number;
  partitionMaxBytes?: number;
  /** 0 read_uncommitted, 1 read_committed (default, as the Java client and kafkajs). */
  isolationLevel?: 0 | 1;
  /** Where to go after OFFSET_OUT_OF_RANGE (default earliest). */
  resetTo?: 'earliest' | 'latest';
}

export type StartPosition = 'earliest' | 'latest' | bigint;

const ROUTING_ERRORS = new Set([3, 5, 6, 13, 74, 75]);

export class PartitionConsumer {
  /** topic → partition → next offset to read. */
  private readonly positions = new Map<string, Map<number, bigint>>();
  /** topic → partition → high watermark from the last fetch. */
  readonly highWatermarks = new Map<string, Map<number, bigint>>();
  private needsRefresh = new Set<string>();
  private readonly opts: Required<ConsumerOptions>;

  constructor(
    private readonly cluster: WireCluster,
    opts: ConsumerOptions = {},
  ) {
    this.opts = {
      maxWaitMs: opts.maxWaitMs ?? 500,
      minBytes: opts.minBytes ?? 1,
      maxBytes: opts.maxBytes ?? 50 * 1024 * 1024,
      partitionMaxBytes: opts.partitionMaxBytes ?? 1024 * 1024,
      isolationLevel: opts.isolationLevel ?? 1,
      resetTo: opts.resetTo ?? 'earliest',
    };
  }

  /**
   * Assigns partitions of `topic` (all of them when `partitions` is omitted) starting at `start`.
   * Resolves with the partitions assigned.
   */
  async assign(topic: string, start: StartPosition, partitions?: readonly number[]): Promise<number[]> {
    const info = await this.cluster.topic(topic);
    const all = info.partitions.map((p) => p.partition);
    const chosen = partitions ? [...partitions] : all;
    for (const p of chosen) {
      if (!all.includes(p)) {
        throw new KafkaResponseError(3, `assigning ${topic}-${p}`, `the topic has partitions 0-${all.length - 1}`);
      }
    }
    let startOffsets: Map<number, bigint>;
    if (typeof start === 'bigint') {
      startOffsets = new Map(chosen.map((p) => [p, start]));
    } else {
      const found = await listOffsets(this.cluster, topic, chosen, start === 'earliest' ? OffsetSpec.earliest : OffsetSpec.latest, {
        isolationLevel: this.opts.isolationLevel,
      });
      startOffsets = new Map(chosen.map((p) => [p, found.get(p)!.offset]));
    }
    const map = this.positions.get(topic) ?? new Map<number, bigint>();
    for (const [p, o] of startOffsets) map.set(p, o);
    this.positions.set(topic, map);
    return chosen;
  }

  /** The next offset to be read for a partition. */
  position(topic: string, partition: number): bigint | undefined {
    return this.positions.get(topic)?.get(partition);
  }

  /** One fetch round over every assigned partition; resolves with the records, possibly none. */
  async poll(): Promise<ConsumedRecord[]> {
    for (const topic of this.needsRefresh) await this.cluster.topic(topic, { refresh: true });
    this.needsRefresh.clear();
    const byLeader = new Map<number, { topic: string; partition: number; offset: bigint }[]>();
    for (const [topic, parts] of this.positions) {
      for (const [partition, offset] of parts) {
        const leader = this.cluster.leaderOf(topic, partition);
        const list = byLeader.get(leader) ?? [];
        list.push({ topic, partition, offset });
        byLeader.set(leader, list);
      }
    }
    const results = await Promise.all([...byLeader].map(([leader, list]) => this.fetchFrom(leader, list)));
    return results.flat();
  }

  private async fetchFrom(leader: number, list: { topic: string; partition: number; offset: bigint }[]): Promise<ConsumedRecord[]> {
    const conn = await this.cluster.connectionTo(leader);
    const topics = new Map<string, { partition: number; offset: bigint }[]>();
    for (const e of list) topics.set(e.topic, [...(topics.get(e.topic) ?? []), e]);
    const o = this.opts;
    const { body } = await conn.request(
      ApiKeys.Fetch,
      {
        replicaId: -1,
        maxWaitMs: o.maxWaitMs,
        minBytes: o.minBytes,
        maxBytes: o.maxBytes,
        isolationLevel: o.isolationLevel,
        sessionId: 0,
        sessionEpoch: -1,
        topics: [...topics].map(([topic, parts]) => ({
          topic,
          partitions: parts.map((p) => ({
            partition: p.partition,
            currentLeaderEpoch: -1,
            fetchOffset: p.offset,
            lastFetchedEpoch: -1,
            logStartOffset: -1,
            partitionMaxBytes: o.partitionMaxBytes,
          })),
        })),
        forgottenTopicsData: [],
        rackId: '',
      },
      // v4+ has isolation levels and record batch v2; v13+ names topics by id, so stop at 12.
      { minVersion: 4, maxVersion: 12, timeoutMs: o.maxWaitMs + 30_000 },
    );
    if (body.errorCode !== 0) throw new KafkaResponseError(body.errorCode, `fetching from broker ${leader}`);
    const out: ConsumedRecord[] = [];
    for (const t of body.responses) {
      for (const p of t.partitions) {
        const positions = this.positions.get(t.topic);
        const position = positions?.get(p.partitionIndex);
        if (!positions || position === undefined) continue;
        const hw = this.highWatermarks.get(t.topic) ?? new Map<number, bigint>();
        this.highWatermarks.set(t.topic, hw);
        if (p.errorCode === 1) {
          const spec = o.resetTo === 'earliest' ? OffsetSpec.earliest : OffsetSpec.latest;
          const found = await listOffsets(this.cluster, t.topic, [p.partitionIndex], spec);
          positions.set(p.partitionIndex, found.get(p.partitionIndex)!.offset);
          continue;
        }
        if (ROUTING_ERRORS.has(p.errorCode)) {
          this.needsRefresh.add(t.topic);
          continue;
        }
        if (p.errorCode !== 0) throw new KafkaResponseError(p.errorCode, `fetching ${t.topic}-${p.partitionIndex} at offset ${position}`);
        hw.set(p.partitionIndex, p.highWatermark);
        const topic = t.topic;
        const partition = p.partitionIndex;
        const next = decodeFetchedRecords(topic, partition, Number(position), p.records, p.abortedTransactions, o.isolationLevel === 1, (r) => ({ topic, partition, offset: BigInt(r.offset), timestamp: r.timestamp, key: r.key, value: r.value, headers: r.headers }), out);
        positions.set(partition, BigInt(next));
      }
    }
    return out;
  }
}
