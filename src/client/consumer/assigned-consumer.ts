/*
 * AssignedConsumer (types.ts): a consumer without a group, for changelog restore and standby
 * tasks. kafkajs has no group-less consumer, so this one runs on the project's own wire client
 * (cluster.ts + consumer/partition-consumer.ts over src/protocol), which fetches exactly the
 * partitions it is given from the offsets it is given.
 *
 * State (single source of truth for progress): `#positions` — next offset per assigned partition
 * (undefined until resolved from offsetReset) — and `#paused`. A PartitionConsumer is a cheap view over
 * the shared WireCluster; it is rebuilt from `#positions` whenever the set of fetched partitions
 * or a position changes (assign, seek, pause, resume), and positions are read back from it after
 * each fetch. Records beyond maxRecords are kept in `#buffer` for the next poll().
 *
 * Fetches long-poll at most min(timeoutMs, maxWaitMs); with nothing assigned (or all paused)
 * poll() waits timeoutMs and returns [].
 */
import { clusterFromConfig, type WireCluster } from '../cluster.ts';
import { listOffsets, OffsetSpec } from '../admin.ts';
import { PartitionConsumer } from './partition-consumer.ts';
import { KafkaClientError, toClientError } from '../errors.ts';
import { topicPartitionKey, type AssignedConsumer, type AssignedConsumerOptions, type AssignedPartition, type ClientConfig, type ConsumedRecord, type FetchedBatch, type TopicPartition, type TopicPartitionOffset } from '../types.ts';
import { headersFromList } from '../../util/record-headers.ts';

interface Slot {
  readonly topic: string;
  readonly partition: number;
  position: number | undefined;
  highWatermark: number;
}


export class KafkaAssignedConsumer implements AssignedConsumer {
  readonly #cluster: WireCluster;
  readonly #options: AssignedConsumerOptions;
  readonly #slots = new Map<string, Slot>();
  readonly #paused = new Set<string>();
  #buffer: FetchedBatch[] = [];
  #wire: PartitionConsumer | undefined;
  #dirty = true;
  #closed = false;

  constructor(config: ClientConfig, options: AssignedConsumerOptions = {}) {
    this.#cluster = clusterFromConfig(config);
    this.#options = options;
  }

  async connect(): Promise<void> {
    try {
      await this.#cluster.any();
    } catch (e) {
      throw toClientError(e, 'connecting the assign-only consumer');
    }
  }

  async assign(tps: readonly AssignedPartition[]): Promise<void> {
    this.#slots.clear();
    this.#paused.clear();
    this.#buffer = [];
    for (const tp of tps) {
      this.#slots.set(topicPartitionKey(tp.topic, tp.partition), { topic: tp.topic, partition: tp.partition, position: tp.offset, highWatermark: -1 });
    }
    this.#dirty = true;
    await this.#resolveMissingPositions();
  }

  assignment(): readonly TopicPartition[] {
    return [...this.#slots.values()].map((s) => ({ topic: s.topic, partition: s.partition }));
  }

  seek(tp: TopicPartitionOffset): void {
    const slot = this.#slot(tp, 'seek');
    slot.position = tp.offset;
    this.#buffer = this.#buffer.filter((b) => b.topic !== tp.topic || b.partition !== tp.partition);
    this.#dirty = true;
  }

  pause(partitions: readonly TopicPartition[]): void {
    for (const tp of partitions) this.#paused.add(topicPartitionKey(this.#slot(tp, 'pause').topic, tp.partition));
    this.#dirty = true;
  }

  resume(partitions: readonly TopicPartition[]): void {
    for (const tp of partitions) this.#paused.delete(topicPartitionKey(tp.topic, tp.partition));
    this.#dirty = true;
  }

  position(tp: TopicPartition): number | undefined {
    const buffered = this.#buffer.find((b) => b.topic === tp.topic && b.partition === tp.partition && b.records.length > 0);
    if (buffered !== undefined) return buffered.records[0]!.offset;
    return this.#slots.get(topicPartitionKey(tp.topic, tp.partition))?.position;
  }

  async poll(maxRecords: number, timeoutMs: number): Promise<readonly FetchedBatch[]> {
    if (this.#closed) return [];
    if (this.#buffer.every((b) => this.#paused.has(topicPartitionKey(b.topic, b.partition)))) {
      await this.#resolveMissingPositions();
      const wire = await this.#view(timeoutMs);
      if (wire === undefined) {
        await new Promise((r) => setTimeout(r, timeoutMs));
        return [];
      }
      let records;
      try {
        records = await wire.poll();
      } catch (e) {
        throw toClientError(e, `fetching ${this.assignment().map((t) => `${t.topic}-${t.partition}`).join(', ')}`);
      }
      this.#collect(wire, records);
    }
    return this.#take(maxRecords);
  }

  async endOffsets(tps: readonly TopicPartition[]): Promise<readonly TopicPartitionOffset[]> {
    const out: TopicPartitionOffset[] = [];
    const byTopic = new Map<string, number[]>();
    for (const tp of tps) byTopic.set(tp.topic, [...(byTopic.get(tp.topic) ?? []), tp.partition]);
    for (const [topic, partitions] of byTopic) {
      try {
        const found = await listOffsets(this.#cluster, topic, partitions, OffsetSpec.latest);
        for (const p of partitions) out.push({ topic, partition: p, offset: Number(found.get(p)!.offset) });
      } catch (e) {
        throw toClientError(e, `listing end offsets of ${topic} partitions ${partitions.join(',')}`);
      }
    }
    return out;
  }

  async disconnect(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#cluster.close();
  }

  // ------------------------------------------------------------------------------------------

  #slot(tp: TopicPartition, what: string): Slot {
    const slot = this.#slots.get(topicPartitionKey(tp.topic, tp.partition));
    if (slot === undefined) throw new KafkaClientError(`${what}(${tp.topic}-${tp.partition}): the partition is not assigned; assign() it first`, { retriable: false });
    return slot;
  }

  async #resolveMissingPositions(): Promise<void> {
    const missing = new Map<string, Slot[]>();
    for (const s of this.#slots.values()) if (s.position === undefined) missing.set(s.topic, [...(missing.get(s.topic) ?? []), s]);
    const spec = (this.#options.offsetReset ?? 'earliest') === 'earliest' ? OffsetSpec.earliest : OffsetSpec.latest;
    for (const [topic, slots] of missing) {
      try {
        const found = await listOffsets(this.#cluster, topic, slots.map((s) => s.partition), spec);
        for (const s of slots) s.position = Number(found.get(s.partition)!.offset);
      } catch (e) {
        throw toClientError(e, `finding the ${this.#options.offsetReset ?? 'earliest'} offsets of ${topic}`);
      }
      this.#dirty = true;
    }
  }

  /** The wire consumer over the unpaused partitions at their positions; undefined when none. */
  async #view(timeoutMs: number): Promise<PartitionConsumer | undefined> {
    const active = [...this.#slots.entries()].filter(([k]) => !this.#paused.has(k)).map(([, s]) => s);
    if (active.length === 0) return undefined;
    if (this.#dirty || this.#wire === undefined) {
      const wire = new PartitionConsumer(this.#cluster, {
        maxWaitMs: Math.max(0, Math.min(timeoutMs, this.#options.maxWaitMs ?? 100)),
        maxBytes: this.#options.maxBytes ?? 10 * 1024 * 1024,
        partitionMaxBytes: this.#options.maxBytesPerPartition ?? 1024 * 1024,
        resetTo: this.#options.offsetReset ?? 'earliest',
      });
      // PartitionConsumer.assign with an explicit offset only reads cached metadata (no ListOffsets).
      try {
        await Promise.all(active.map((s) => wire.assign(s.topic, BigInt(s.position ?? 0), [s.partition])));
      } catch (e) {
        throw toClientError(e, `assigning ${active.map((s) => `${s.topic}-${s.partition}`).join(', ')}`);
      }
      this.#wire = wire;
      this.#dirty = false;
    }
    return this.#wire;
  }

  #collect(wire: PartitionConsumer, records: readonly { topic: string; partition: number; offset: bigint; timestamp: number; key: Buffer | null; value: Buffer | null; headers: { key: string; value: Buffer | null }[] }[]): void {
    const grouped = new Map<string, ConsumedRecord[]>();
    for (const r of records) {
      const k = topicPartitionKey(r.topic, r.partition);
      let list = grouped.get(k);
      if (list === undefined) grouped.set(k, (list = []));
      const headers = headersFromList(r.headers);
      list.push({ topic: r.topic, partition: r.partition, offset: Number(r.offset), timestamp: r.timestamp, key: r.key, value: r.value, headers });
    }
    for (const [k, slot] of this.#slots) {
      const pos = wire.position(slot.topic, slot.partition);
      if (pos !== undefined) slot.position = Number(pos);
      const hw = wire.highWatermarks.get(slot.topic)?.get(slot.partition);
      if (hw !== undefined) slot.highWatermark = Number(hw);
      const list = grouped.get(k);
      if (list !== undefined) this.#buffer.push({ topic: slot.topic, partition: slot.partition, records: list, highWatermark: slot.highWatermark });
    }
  }

  #take(maxRecords: number): FetchedBatch[] {
    const out: FetchedBatch[] = [];
    let left = maxRecords;
    const rest: FetchedBatch[] = [];
    for (const b of this.#buffer) {
      if (left === 0 || this.#paused.has(topicPartitionKey(b.topic, b.partition))) {
        rest.push(b);
      } else if (b.records.length <= left) {
        out.push(b);
        left -= b.records.length;
      } else {
        out.push({ ...b, records: b.records.slice(0, left) });
        rest.push({ ...b, records: b.records.slice(left) });
        left = 0;
      }
    }
    this.#buffer = rest;
    return out;
  }
}
