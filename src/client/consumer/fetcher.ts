/*
 * The fetch side of both consumers (the group consumer, and the group-less assigned consumer that
 * the CLI, the benchmarks and changelog restore use): owned partitions, their positions, and a
 * prefetch loop that keeps one Fetch round in flight while the caller processes what poll()
 * already returned — that overlap of network/broker time with processing is where the speed over
 * kafkajs comes from. Records are decoded once, straight into the client interface's
 * ConsumedRecord (number offsets, a header object only when the record has headers).
 *
 * State (single source of truth for fetch progress):
 *   slots    owned partition → { position (next offset to fetch), epoch, paused, highWatermark }
 *   buffer   fetched batches not yet returned by take(), in arrival order
 * Invariants:
 *   - a fetch result is applied only if its slot is still the same object with the same epoch
 *     as when the request was built: assign() replaces slots, seek()/reset bump the epoch, so a
 *     response that raced a rebalance or a seek is dropped, never delivered;
 *   - the loop runs while some slot is unpaused and fewer than maxBuffered records wait; take(),
 *     resume() and seek() restart it. At most one round is in flight.
 * Per-partition errors: OFFSET_OUT_OF_RANGE → reset by offsetReset; leader moved / topic not
 * ready → refresh metadata and retry; lost connections → back off (100 ms doubling to 2 s) and
 * retry, so a broker restart is ridden out; anything else is fatal (reported via onFatal).
 * Isolation is read_committed by default (as kafkajs and the Java client): aborted transactions
 * and control batches are skipped; `isolationLevel: 0` reads uncommitted data too.
 */
import { ApiKeys } from '../../protocol/api-keys.ts';
import { errorInfo } from '../../protocol/error-codes.ts';
import type { DecodedRecord } from '../../protocol/records/record-batch.ts';
import { decodeFetchedRecords } from './fetch-decode.ts';
import { KafkaClientError, toClientError } from '../errors.ts';
import { topicPartitionKey, type ConsumedRecord, type FetchedBatch, type FetchOptions, type OffsetReset, type RecordHeaders, type TopicPartition, type TopicPartitionOffset } from '../types.ts';
import { listOffsets, OffsetSpec } from '../admin.ts';
import type { WireCluster } from '../cluster.ts';
import { sleep } from './group-membership.ts';
import { headersFromList } from '../../util/record-headers.ts';
import type { FetchMetrics } from '../metrics/client-metrics.ts';

export interface FetcherOptions {
  readonly maxWaitMs: number;
  readonly maxBytes: number;
  readonly maxBytesPerPartition: number;
  readonly offsetReset: OffsetReset;
  /** Prefetching stops while this many records wait in the buffer. */
  readonly maxBufferedRecords: number;
  /** 1 read_committed (default), 0 read_uncommitted. */
  readonly isolationLevel?: 0 | 1 | undefined;
}

/**
 * A consumer's FetcherOptions from its public options, with the client's defaults: the broker
 * may hold an empty fetch 100 ms, 10 MiB per response, 1 MiB per partition, offsetReset
 * earliest, prefetching paused at 20,000 buffered records, read_committed.
 */
export function fetcherOptions(options: FetchOptions & { readonly offsetReset?: OffsetReset | undefined }, maxBufferedRecords: number | undefined, isolationLevel: 0 | 1 = 1): FetcherOptions {
  return {
    maxWaitMs: options.maxWaitMs ?? 100,
    maxBytes: options.maxBytes ?? 10 * 1024 * 1024,
    maxBytesPerPartition: options.maxBytesPerPartition ?? 1024 * 1024,
    offsetReset: options.offsetReset ?? 'earliest',
    maxBufferedRecords: maxBufferedRecords ?? 20_000,
    isolationLevel,
  };
}

interface Slot {
  readonly topic: string;
  readonly partition: number;
  position: number;
  epoch: number;
  paused: boolean;
  highWatermark: number;
}

interface Entry {
  readonly slot: Slot;
  readonly epoch: number;
  records: ConsumedRecord[];
  readonly highWatermark: number;
}

const ROUTING_ERRORS = new Set([3, 5, 6, 13, 74, 75]);
const NO_HEADERS: RecordHeaders = Object.freeze({});

const tpKey = topicPartitionKey;

export class GroupFetcher {
  readonly #cluster: WireCluster;
  readonly #o: FetcherOptions;
  readonly #onData: () => void;
  readonly #onFatal: (e: KafkaClientError) => void;
  readonly #metrics: FetchMetrics | undefined;
  #slots = new Map<string, Slot>();
  #buffer: Entry[] = [];
  #buffered = 0;
  #loop: Promise<void> | undefined;
  #closed = false;
  #staleTopics = new Set<string>();
  #backoff = 0;

  constructor(cluster: WireCluster, options: FetcherOptions, onData: () => void, onFatal: (e: KafkaClientError) => void, metrics?: FetchMetrics) {
    this.#cluster = cluster;
    this.#metrics = metrics;
    this.#o = options;
    this.#onData = onData;
    this.#onFatal = onFatal;
  }

  /** Replaces the owned partitions (positions given) and starts prefetching. */
  assign(positions: readonly TopicPartitionOffset[]): void {
    this.#slots = new Map(positions.map((p) => [tpKey(p.topic, p.partition), { topic: p.topic, partition: p.partition, position: p.offset, epoch: 0, paused: false, highWatermark: -1 }]));
    this.#buffer = [];
    this.#buffered = 0;
    this.#kick();
  }

  /** Adds partitions at the positions given, keeping the owned ones as they are (cooperative). */
  add(positions: readonly TopicPartitionOffset[]): void {
    for (const p of positions) {
      const key = tpKey(p.topic, p.partition);
      const old = this.#slots.get(key);
      if (old !== undefined) this.#drop(old);
      this.#slots.set(key, { topic: p.topic, partition: p.partition, position: p.offset, epoch: (old?.epoch ?? 0) + 1, paused: false, highWatermark: -1 });
    }
    this.#kick();
  }

  /** Stops fetching these partitions and drops their buffered records (cooperative revocation). */
  remove(tps: readonly TopicPartition[]): void {
    for (const tp of tps) {
      const key = tpKey(tp.topic, tp.partition);
      const slot = this.#slots.get(key);
      if (slot === undefined) continue;
      // A fetch in flight for it finds its slot gone (or a newer epoch) and discards the answer.
      slot.epoch++;
      this.#drop(slot);
      this.#slots.delete(key);
    }
  }

  /** Drops every partition and buffered record (eager revocation). */
  clear(): void {
    this.assign([]);
  }

  owns(tp: TopicPartition): boolean {
    return this.#slots.has(tpKey(tp.topic, tp.partition));
  }

  /**
   * The offset of the next record take() returns for an owned partition: its first buffered
   * record, else the next fetch position (already past control batches and skipped aborted data).
   */
  position(tp: TopicPartition): number | undefined {
    const slot = this.#slots.get(tpKey(tp.topic, tp.partition));
    if (slot === undefined) return undefined;
    for (const e of this.#buffer) if (e.slot === slot && e.records.length > 0) return e.records[0]!.offset;
    return slot.position;
  }

  /** The owned partitions, in assignment order. */
  owned(): TopicPartition[] {
    return [...this.#slots.values()].map((s) => ({ topic: s.topic, partition: s.partition }));
  }

  seek(tp: TopicPartitionOffset): void {
    const slot = this.#slots.get(tpKey(tp.topic, tp.partition));
    if (slot === undefined) throw new KafkaClientError(`seek(${tp.topic}-${tp.partition}, ${tp.offset}): the partition is not owned by this consumer (owned: ${[...this.#slots.values()].map((s) => `${s.topic}-${s.partition}`).join(', ') || 'none'})`, { retriable: false });
    slot.position = tp.offset;
    slot.epoch++;
    this.#drop(slot);
    this.#kick();
  }

  pause(tps: readonly TopicPartition[]): void {
    for (const tp of tps) {
      const slot = this.#slots.get(tpKey(tp.topic, tp.partition));
      if (slot !== undefined) slot.paused = true;
    }
  }

  resume(tps: readonly TopicPartition[]): void {
    for (const tp of tps) {
      const slot = this.#slots.get(tpKey(tp.topic, tp.partition));
      if (slot !== undefined) slot.paused = false;
    }
    this.#kick();
  }

  /** Up to maxRecords buffered records of unpaused partitions, oldest first. */
  take(maxRecords: number): FetchedBatch[] {
    const out: FetchedBatch[] = [];
    let left = maxRecords;
    for (let i = 0; i < this.#buffer.length && left > 0; ) {
      const e = this.#buffer[i]!;
      if (e.slot.paused) {
        i++;
        continue;
      }
      if (e.records.length <= left) {
        out.push({ topic: e.slot.topic, partition: e.slot.partition, records: e.records, highWatermark: e.highWatermark });
        left -= e.records.length;
        this.#buffer.splice(i, 1);
      } else {
        out.push({ topic: e.slot.topic, partition: e.slot.partition, records: e.records.slice(0, left), highWatermark: e.highWatermark });
        e.records = e.records.slice(left);
        left = 0;
      }
    }
    this.#buffered -= maxRecords - left;
    this.#kick();
    return out;
  }

  close(): void {
    this.#closed = true;
    this.clear();
  }

  // ------------------------------------------------------------------------------------------

  #drop(slot: Slot): void {
    const keep: Entry[] = [];
    for (const e of this.#buffer) {
      if (e.slot === slot) this.#buffered -= e.records.length;
      else keep.push(e);
    }
    this.#buffer = keep;
  }

  #wantsFetch(): boolean {
    if (this.#closed || this.#buffered >= this.#o.maxBufferedRecords) return false;
    for (const s of this.#slots.values()) if (!s.paused) return true;
    return false;
  }

  #kick(): void {
    if (this.#loop !== undefined || !this.#wantsFetch()) return;
    this.#loop = this.#run().finally(() => {
      this.#loop = undefined;
      this.#kick();
    });
  }

  async #run(): Promise<void> {
    while (this.#wantsFetch()) {
      if (this.#backoff > 0) await sleep(this.#backoff);
      try {
        await this.#round();
        this.#backoff = 0;
      } catch (e) {
        const err = toClientError(e, `fetching ${[...this.#slots.values()].map((s) => `${s.topic}-${s.partition}@${s.position}`).join(', ')}`);
        if (!err.retriable) {
          this.#onFatal(err);
          return;
        }
        for (const s of this.#slots.values()) this.#staleTopics.add(s.topic);
        this.#backoff = Math.min(Math.max(this.#backoff * 2, 100), 2000);
      }
    }
  }

  /** One Fetch per leader of the unpaused owned partitions, in parallel. */
  async #round(): Promise<void> {
    for (const t of this.#staleTopics) await this.#cluster.topic(t, { refresh: true });
    this.#staleTopics.clear();
    const byLeader = new Map<number, { slot: Slot; epoch: number; position: number }[]>();
    for (const slot of this.#slots.values()) {
      if (slot.paused) continue;
      if (!this.#cluster.topics.has(slot.topic)) await this.#cluster.topic(slot.topic);
      const leader = this.#cluster.leaderOf(slot.topic, slot.partition);
      let list = byLeader.get(leader);
      if (list === undefined) byLeader.set(leader, (list = []));
      list.push({ slot, epoch: slot.epoch, position: slot.position });
    }
    await Promise.all([...byLeader].map(([leader, list]) => this.#fetchFrom(leader, list)));
  }

  async #fetchFrom(leader: number, list: { slot: Slot; epoch: number; position: number }[]): Promise<void> {
    const conn = await this.#cluster.connectionTo(leader);
    const byTopic = new Map<string, { slot: Slot; epoch: number; position: number }[]>();
    for (const e of list) {
      let l = byTopic.get(e.slot.topic);
      if (l === undefined) byTopic.set(e.slot.topic, (l = []));
      l.push(e);
    }
    const o = this.#o;
    const started = performance.now();
    const { body } = await conn.request(
      ApiKeys.Fetch,
      {
        replicaId: -1,
        maxWaitMs: o.maxWaitMs,
        minBytes: 1,
        maxBytes: o.maxBytes,
        isolationLevel: o.isolationLevel ?? 1,
        sessionId: 0,
        sessionEpoch: -1,
        topics: [...byTopic].map(([topic, parts]) => ({
          topic,
          partitions: parts.map((p) => ({ partition: p.slot.partition, currentLeaderEpoch: -1, fetchOffset: BigInt(p.position), lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: o.maxBytesPerPartition })),
        })),
        forgottenTopicsData: [],
        rackId: '',
      },
      { minVersion: 4, maxVersion: 12, timeoutMs: o.maxWaitMs + 30_000 },
    );
    if (body.errorCode !== 0) {
      const info = errorInfo(body.errorCode);
      throw new KafkaClientError(`fetching from broker ${leader} failed: ${info.name} (Kafka error ${body.errorCode})`, { retriable: info.retriable, kafkaType: info.name });
    }
    let delivered = false;
    let fetchedRecords = 0;
    let fetchedBytes = 0;
    for (const t of body.responses) {
      const sent = byTopic.get(t.topic);
      for (const p of t.partitions) {
        const req = sent?.find((s) => s.slot.partition === p.partitionIndex);
        if (req === undefined) continue;
        const { slot, epoch } = req;
        const current = this.#slots.get(tpKey(slot.topic, slot.partition));
        if (current !== slot || slot.epoch !== epoch) continue; // revoked or sought meanwhile
        if (p.errorCode === 1) {
          await this.#reset(slot);
          continue;
        }
        if (ROUTING_ERRORS.has(p.errorCode)) {
          this.#staleTopics.add(slot.topic);
          continue;
        }
        if (p.errorCode !== 0) {
          const info = errorInfo(p.errorCode);
          throw new KafkaClientError(`fetching ${slot.topic}-${slot.partition} at offset ${slot.position} failed: ${info.name} (Kafka error ${p.errorCode})`, { retriable: info.retriable, kafkaType: info.name });
        }
        slot.highWatermark = Number(p.highWatermark);
        const records: ConsumedRecord[] = [];
        const { topic, partition } = slot;
        slot.position = decodeFetchedRecords(topic, partition, slot.position, p.records, p.abortedTransactions, (o.isolationLevel ?? 1) === 1, (r) => toConsumedRecord(topic, partition, r), records);
        fetchedRecords += records.length;
        fetchedBytes += p.records?.length ?? 0;
        this.#metrics?.partitionLag(Math.max(0, slot.highWatermark - slot.position));
        if (records.length > 0) {
          this.#buffer.push({ slot, epoch, records, highWatermark: slot.highWatermark });
          this.#buffered += records.length;
          delivered = true;
        }
      }
    }
    this.#metrics?.fetched(performance.now() - started, fetchedRecords, fetchedBytes);
    if (delivered) this.#onData();
  }

  /** OFFSET_OUT_OF_RANGE: move to the earliest or latest offset (offsetReset). */
  async #reset(slot: Slot): Promise<void> {
    const spec = this.#o.offsetReset === 'earliest' ? OffsetSpec.earliest : OffsetSpec.latest;
    const epoch = slot.epoch;
    const found = await listOffsets(this.#cluster, slot.topic, [slot.partition], spec, { isolationLevel: this.#o.isolationLevel ?? 1 });
    const off = found.get(slot.partition);
    if (off !== undefined && slot.epoch === epoch) {
      slot.position = Number(off.offset);
      slot.epoch++;
    }
  }
}

/** A decoded record as the client interface's ConsumedRecord (a header object only when it has headers). */
function toConsumedRecord(topic: string, partition: number, r: DecodedRecord): ConsumedRecord {
  const headers = r.headers.length > 0 ? headersFromList(r.headers) : NO_HEADERS;
  return { topic, partition, offset: r.offset, timestamp: r.timestamp, key: r.key, value: r.value, headers };
}
