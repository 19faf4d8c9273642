/*
 * The wire client's producer: turns records into record batches v2 (the codec's builder) and
 * sends them to each partition's leader with the requested acks.
 *
 * Partition choice, as Kafka's Java client and kafkajs do it:
 *   explicit `partition`  → that partition (checked against the topic's partition count)
 *   non-null key          → toPositive(murmur2(keyBytes)) % partitions  (util/murmur2.ts)
 *   null key              → one partition per send() call, rotating round-robin between calls
 *                           (the "sticky" idea: a call's keyless records form one batch)
 *
 * Send procedure:
 *   1 metadata for the topic (auto-created if the broker allows it and `allowAutoCreate`)
 *   2 group records by partition, keeping their order; cut each partition's records into batches
 *     of at most `maxBatchBytes` (default 900 KiB, below Kafka's default max.message.bytes 1 MiB)
 *   3 rounds: round k sends the k-th batch of every partition, one Produce per leader, leaders in
 *     parallel. Produce v3+ allows one batch per partition per request, and awaiting each round
 *     keeps a partition's batches in order.
 *   4 a retriable partition error (leader moved, topic not ready) refreshes metadata and resends
 *     that batch, at most `retries` times; any other error fails the send.
 *
 * With acks=0 the broker sends no response: offsets are reported as null.
 */
import { ApiKeys } from '../../protocol/api-keys.ts';
import { buildRecordBatch, type RecordInput } from '../../protocol/records/record-batch.ts';
import type { CompressionCodec } from '../../protocol/records/compression.ts';
import type { RecordHeader } from '../../protocol/records/record.ts';
import { BATCH_HEADER_SIZE, LOG_OVERHEAD, MAGIC_V2, Offsets } from '../../protocol/records/batch-header.ts';
import { crc32c } from '../../util/crc32c.ts';
import { partitionForKey } from '../../util/murmur2.ts';
import { sizeOfVarint, sizeOfVarlongNumber, writeVarintAt, writeVarlongNumberAt } from '../../util/varint.ts';
import type { WireCluster } from '../cluster.ts';
import { KafkaClientError, KafkaResponseError } from '../errors.ts';

export interface ProducerRecord {
  key?: Buffer | string | null;
  value: Buffer | string | null;
  partition?: number;
  /** Epoch ms; defaults to now. */
  timestamp?: number;
  headers?: RecordHeader[];
}

export interface RecordMetadata {
  partition: number;
  /** Offset assigned by the broker; null with acks=0. */
  offset: bigint | null;
}

export interface ProducerOptions {
  /** -1 (all in-sync replicas; default), 1 (leader) or 0 (no response). */
  acks?: -1 | 0 | 1;
  /** Broker-side wait for acks, ms. */
  timeoutMs?: number;
  compression?: CompressionCodec;
  /** Ask the broker to create a missing topic (Metadata v4+ flag). Default true, as kafkajs. */
  allowAutoCreate?: boolean;
  maxBatchBytes?: number;
  retries?: number;
}

/** Partitions whose error codes mean "refresh metadata and try again". */
const ROUTING_ERRORS = new Set([3, 5, 6, 7, 13, 19, 20]);

function toBuffer(v: Buffer | string | null | undefined): Buffer | null {
  if (v === null || v === undefined) return null;
  return typeof v === 'string' ? Buffer.from(v) : v;
}

interface PendingBatch {
  partition: number;
  /** Indexes of the records in the caller's array. */
  indexes: number[];
  bytes: Buffer;
}

export class WireProducer {
  private readonly acks: -1 | 0 | 1;
  private readonly timeoutMs: number;
  private readonly maxBatchBytes: number;
  private readonly retries: number;
  private nextStickyPartition = 0;

  constructor(
    private readonly cluster: WireCluster,
    private readonly opts: ProducerOptions = {},
  ) {
    this.acks = opts.acks ?? -1;
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    this.maxBatchBytes = opts.maxBatchBytes ?? 900 * 1024;
    this.retries = opts.retries ?? 5;
  }

  /** Sends `records` to `topic`; resolves with each record's partition and offset, in input order. */
  async send(topic: string, records: readonly ProducerRecord[]): Promise<RecordMetadata[]> {
    if (records.length === 0) return [];
    const info = await this.cluster.topic(topic, { allowAutoCreate: this.opts.allowAutoCreate ?? true });
    const count = info.partitions.length;
    const sticky = this.nextStickyPartition++ % count;
    const inputs: RecordInput[] = [];
    const perPartition = new Map<number, number[]>();
    records.forEach((r, i) => {
      const key = toBuffer(r.key);
      let partition: number;
      if (r.partition !== undefined) {
        if (!Number.isInteger(r.partition) || r.partition < 0 || r.partition >= count) {
          throw new KafkaClientError(`partition ${r.partition} does not exist: topic "${topic}" has partitions 0-${count - 1}`);
        }
        partition = r.partition;
      } else {
        partition = key === null ? sticky : partitionForKey(key, count);
      }
      const input: RecordInput = { key, value: toBuffer(r.value) };
      if (r.timestamp !== undefined) input.timestamp = r.timestamp;
      if (r.headers !== undefined) input.headers = r.headers;
      inputs.push(input);
      const list = perPartition.get(partition);
      if (list) list.push(i);
      else perPartition.set(partition, [i]);
    });

    const queues = [...perPartition].map(([partition, indexes]) => this.cut(partition, indexes, inputs));
    const result: RecordMetadata[] = new Array(records.length);
    for (let round = 0; queues.some((q) => q.length > round); round++) {
      const batches = queues.map((q) => q[round]).filter((b): b is PendingBatch => b !== undefined);
      await this.sendRound(topic, batches, result);
    }
    return result;
  }

  /** Cuts one partition's records into batches of at most maxBatchBytes (at least one record each). */
  private cut(partition: number, indexes: number[], inputs: RecordInput[]): PendingBatch[] {
    const out: PendingBatch[] = [];
    let current: number[] = [];
    let size = 0;
    const flush = (): void => {
      if (current.length === 0) return;
      out.push({ partition, indexes: current, bytes: buildRecordBatch(current.map((i) => inputs[i]!), this.opts.compression !== undefined ? { compression: this.opts.compression } : {}) });
      current = [];
      size = 0;
    };
    for (const i of indexes) {
      const r = inputs[i]!;
      let est = 24 + (r.key?.length ?? 0) + (r.value?.length ?? 0);
      for (const h of r.headers ?? []) est += 10 + h.key.length + (h.value?.length ?? 0);
      if (size + est > this.maxBatchBytes && current.length > 0) flush();
      current.push(i);
      size += est;
    }
    flush();
    return out;
  }

  private async sendRound(topic: string, batches: PendingBatch[], result: RecordMetadata[]): Promise<void> {
    let pending = batches;
    for (let attempt = 0; pending.length > 0; attempt++) {
      const byLeader = new Map<number, PendingBatch[]>();
      for (const b of pending) {
        const leader = this.cluster.leaderOf(topic, b.partition);
        byLeader.set(leader, [...(byLeader.get(leader) ?? []), b]);
      }
      const failed: { batch: PendingBatch; code: number }[] = [];
      await Promise.all([...byLeader].map(([leader, list]) => this.sendToLeader(topic, leader, list, result, failed)));
      if (failed.length === 0) return;
      const fatal = failed.find((f) => !ROUTING_ERRORS.has(f.code));
      if (fatal || attempt >= this.retries) {
        const f = fatal ?? failed[0]!;
        throw new KafkaResponseError(f.code, `producing to ${topic}-${f.batch.partition}`);
      }
      await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
      await this.cluster.topic(topic, { refresh: true, allowAutoCreate: this.opts.allowAutoCreate ?? true });
      pending = failed.map((f) => f.batch);
    }
  }

  private async sendToLeader(
    topic: string,
    leader: number,
    batches: PendingBatch[],
    result: RecordMetadata[],
    failed: { batch: PendingBatch; code: number }[],
  ): Promise<void> {
    const conn = await this.cluster.connectionTo(leader);
    const request = {
      transactionalId: null,
      acks: this.acks,
      timeoutMs: this.timeoutMs,
      topicData: [{ name: topic, partitionData: batches.map((b) => ({ index: b.partition, records: b.bytes })) }],
    };
    if (this.acks === 0) {
      // Produce v3+ carries record batch v2; acks=0 gets no response at all.
      await conn.request(ApiKeys.Produce, request, { minVersion: 3, expectResponse: false });
      for (const b of batches) for (const i of b.indexes) result[i] = { partition: b.partition, offset: null };
      return;
    }
    const { body } = await conn.request(ApiKeys.Produce, request, {
      minVersion: 3,
      timeoutMs: this.timeoutMs + 10_000,
    });
    const byPartition = new Map<number, PendingBatch>(batches.map((b) => [b.partition, b]));
    for (const t of body.responses) {
      for (const p of t.partitionResponses) {
        const batch = byPartition.get(p.index);
        if (!batch) continue;
        byPartition.delete(p.index);
        if (p.errorCode !== 0) {
          failed.push({ batch, code: p.errorCode });
          continue;
        }
        batch.indexes.forEach((recordIndex, j) => {
          result[recordIndex] = { partition: batch.partition, offset: p.baseOffset + BigInt(j) };
        });
      }
    }
    for (const batch of byPartition.values()) failed.push({ batch, code: 3 });
  }
}

// ---------------------------------------------------------------------------------------------
// Uncompressed record batch v2 in one exact-size allocation (the streams producer's hot path).
// buildRecordBatch (protocol/records) writes through a growing Writer and then copies the body
// behind the header; here every record's size is computed first, so each key and value is copied
// exactly once, into the final buffer. Layout as protocol/records/batch-header.ts: 61-byte header,
// then per record: varint length, int8 attributes, varlong timestampDelta, varint offsetDelta,
// varint key length (-1 null) + key, varint value length + value, varint header count, and per
// header varint key length + UTF-8 key, varint value length (-1 null) + value. CRC-32C over
// [attributes, end).

/** A record as the batch encoder reads it (types.ts ProducerRecord is one). */
export interface BatchRecord {
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  /** Epoch ms (CreateTime). */
  readonly timestamp: number;
  readonly headers: Readonly<Record<string, Buffer>>;
}

function hasKeys(o: object): boolean {
  for (const _ in o) return true;
  return false;
}

/** Bytes of one header-less record body after its length varint, given its deltas. */
function bodySize(r: BatchRecord, timestampDelta: number, offsetDelta: number): number {
  let size = 1 + sizeOfVarlongNumber(timestampDelta) + sizeOfVarint(offsetDelta);
  size += r.key === null ? 1 : sizeOfVarint(r.key.length) + r.key.length;
  size += r.value === null ? 1 : sizeOfVarint(r.value.length) + r.value.length;
  if (!hasKeys(r.headers)) return size + 1;
  const keys = Object.keys(r.headers);
  size += sizeOfVarint(keys.length);
  for (const k of keys) {
    const kl = Buffer.byteLength(k, 'utf8');
    const v = r.headers[k];
    size += sizeOfVarint(kl) + kl + (v === undefined ? 1 : sizeOfVarint(v.length) + v.length);
  }
  return size;
}

function writeBytesAt(buf: Buffer, pos: number, b: Buffer | null | undefined): number {
  if (b === null || b === undefined) return writeVarintAt(buf, pos, -1);
  pos = writeVarintAt(buf, pos, b.length);
  b.copy(buf, pos);
  return pos + b.length;
}

/** Producer id, epoch and base sequence of an idempotent batch (all -1 when not idempotent). */
export interface BatchProducerFields {
  readonly producerId: bigint;
  readonly epoch: number;
  readonly baseSequence: number;
}

/** Encodes `records` (at least one) as one uncompressed record batch v2. */
export function encodeBatch(records: readonly BatchRecord[], producer?: BatchProducerFields): Buffer {
  const n = records.length;
  if (n === 0) throw new RangeError('encodeBatch: a record batch needs at least one record');
  const baseTimestamp = records[0]!.timestamp;
  const sizes = new Array<number>(n);
  let total = BATCH_HEADER_SIZE;
  let maxTimestamp = baseTimestamp;
  for (let i = 0; i < n; i++) {
    const r = records[i]!;
    if (r.timestamp > maxTimestamp) maxTimestamp = r.timestamp;
    const s = bodySize(r, r.timestamp - baseTimestamp, i);
    sizes[i] = s;
    total += sizeOfVarint(s) + s;
  }
  const buf = Buffer.allocUnsafe(total);
  let pos = BATCH_HEADER_SIZE;
  for (let i = 0; i < n; i++) {
    const r = records[i]!;
    pos = writeVarintAt(buf, pos, sizes[i]!);
    buf[pos++] = 0;
    pos = writeVarlongNumberAt(buf, pos, r.timestamp - baseTimestamp);
    pos = writeVarintAt(buf, pos, i);
    pos = writeBytesAt(buf, pos, r.key);
    pos = writeBytesAt(buf, pos, r.value);
    if (!hasKeys(r.headers)) {
      buf[pos++] = 0;
      continue;
    }
    const keys = Object.keys(r.headers);
    pos = writeVarintAt(buf, pos, keys.length);
    for (const k of keys) {
      const kl = Buffer.byteLength(k, 'utf8');
      pos = writeVarintAt(buf, pos, kl);
      pos += buf.write(k, pos, kl, 'utf8');
      pos = writeBytesAt(buf, pos, r.headers[k]);
    }
  }
  if (pos !== total) throw new Error(`encodeBatch: wrote ${pos} bytes, computed ${total}`);
  buf.writeBigInt64BE(0n, Offsets.baseOffset);
  buf.writeInt32BE(total - LOG_OVERHEAD, Offsets.batchLength);
  buf.writeInt32BE(-1, Offsets.partitionLeaderEpoch);
  buf.writeInt8(MAGIC_V2, Offsets.magic);
  buf.writeInt16BE(0, Offsets.attributes);
  buf.writeInt32BE(n - 1, Offsets.lastOffsetDelta);
  buf.writeBigInt64BE(BigInt(baseTimestamp), Offsets.baseTimestamp);
  buf.writeBigInt64BE(BigInt(maxTimestamp), Offsets.maxTimestamp);
  buf.writeBigInt64BE(producer?.producerId ?? -1n, Offsets.producerId);
  buf.writeInt16BE(producer?.epoch ?? -1, Offsets.producerEpoch);
  buf.writeInt32BE(producer?.baseSequence ?? -1, Offsets.baseSequence);
  buf.writeInt32BE(n, Offsets.recordCount);
  buf.writeUInt32BE(crc32c(buf.subarray(Offsets.attributes)), Offsets.crc);
  return buf;
}

/** Estimated bytes of a record in a batch (payload plus varint/attribute overhead), for cutting requests. */
export function estimatedRecordSize(r: BatchRecord): number {
  let n = 24 + (r.key === null ? 0 : r.key.length) + (r.value === null ? 0 : r.value.length);
  if (hasKeys(r.headers)) for (const k in r.headers) n += 8 + k.length + (r.headers[k]?.length ?? 0);
  return n;
}
