/*
 * Test helper: builds uncompressed record batches v2 with a valid CRC-32C, and temp dirs.
 * Deliberately tiny (keys/values only, no headers); the real codec lives in src/protocol/records.
 * Record layout: length varint | attributes int8 | timestampDelta varlong | offsetDelta varint |
 * keyLength varint | key | valueLength varint | value | headerCount varint (0).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BATCH_HEADER_SIZE, Offsets, updateCrc } from '../../../src/protocol/records/batch-header.ts';
import { compress } from '../../../src/protocol/records/compression.ts';
import { sizeOfVarint, sizeOfVarlongNumber, writeVarintAt, writeVarlongNumberAt } from '../../../src/util/varint.ts';

export interface TestRecord {
  key?: Buffer | null;
  value: Buffer | null;
  timestamp?: number;
}

export interface BatchOptions {
  baseOffset?: number;
  /** Offset deltas of the records (default 0..n-1); gaps mimic compacted batches. */
  offsetDeltas?: number[];
  attributes?: number;
  producerId?: bigint;
  producerEpoch?: number;
  baseSequence?: number;
  /** Compression codec 0-4 (compresses the records with the shared codec). */
  codec?: number;
}

export function buildBatch(records: TestRecord[], opts: BatchOptions = {}): Buffer {
  const baseTs = records.length > 0 ? Math.min(...records.map((r) => r.timestamp ?? 0)) : 0;
  const maxTs = records.length > 0 ? Math.max(...records.map((r) => r.timestamp ?? 0)) : 0;
  const deltas = opts.offsetDeltas ?? records.map((_, i) => i);
  const bodies: Buffer[] = records.map((r, i) => {
    const key = r.key ?? null;
    const value = r.value;
    const tsDelta = (r.timestamp ?? 0) - baseTs;
    const inner =
      1 +
      sizeOfVarlongNumber(tsDelta) +
      sizeOfVarint(deltas[i]!) +
      sizeOfVarint(key === null ? -1 : key.length) +
      (key?.length ?? 0) +
      sizeOfVarint(value === null ? -1 : value.length) +
      (value?.length ?? 0) +
      1;
    const buf = Buffer.alloc(sizeOfVarint(inner) + inner);
    let p = writeVarintAt(buf, 0, inner);
    buf.writeInt8(0, p++);
    p = writeVarlongNumberAt(buf, p, tsDelta);
    p = writeVarintAt(buf, p, deltas[i]!);
    p = writeVarintAt(buf, p, key === null ? -1 : key.length);
    if (key !== null) p += key.copy(buf, p);
    p = writeVarintAt(buf, p, value === null ? -1 : value.length);
    if (value !== null) p += value.copy(buf, p);
    writeVarintAt(buf, p, 0);
    return buf;
  });
  const body = opts.codec ? compress(opts.codec, Buffer.concat(bodies)) : Buffer.concat(bodies);
  const batch = Buffer.alloc(BATCH_HEADER_SIZE + body.length);
  batch.writeBigInt64BE(BigInt(opts.baseOffset ?? 0), Offsets.baseOffset);
  batch.writeInt32BE(batch.length - 12, Offsets.batchLength);
  batch.writeInt32BE(-1, Offsets.partitionLeaderEpoch);
  batch.writeInt8(2, Offsets.magic);
  batch.writeInt16BE((opts.attributes ?? 0) | (opts.codec ?? 0), Offsets.attributes);
  batch.writeInt32BE(deltas.length > 0 ? deltas[deltas.length - 1]! : 0, Offsets.lastOffsetDelta);
  batch.writeBigInt64BE(BigInt(baseTs), Offsets.baseTimestamp);
  batch.writeBigInt64BE(BigInt(maxTs), Offsets.maxTimestamp);
  batch.writeBigInt64BE(opts.producerId ?? -1n, Offsets.producerId);
  batch.writeInt16BE(opts.producerEpoch ?? -1, Offsets.producerEpoch);
  batch.writeInt32BE(opts.baseSequence ?? -1, Offsets.baseSequence);
  batch.writeInt32BE(records.length, Offsets.recordCount);
  body.copy(batch, BATCH_HEADER_SIZE);
  updateCrc(batch);
  return batch;
}

/** A batch of `count` records with `valueSize`-byte values, all at `timestamp`. */
export function simpleBatch(count: number, valueSize = 10, timestamp = 1000): Buffer {
  const records: TestRecord[] = [];
  for (let i = 0; i < count; i++) records.push({ key: Buffer.from(`k${i}`), value: Buffer.alloc(valueSize, i & 0xff), timestamp });
  return buildBatch(records);
}

/** Splits concatenated batches into [baseOffset, lastOffset, bytes] triples. */
export function splitBatches(chunks: Buffer[]): Array<{ baseOffset: number; lastOffset: number; bytes: Buffer }> {
  const out: Array<{ baseOffset: number; lastOffset: number; bytes: Buffer }> = [];
  for (const chunk of chunks) {
    let p = 0;
    while (p < chunk.length) {
      const size = 12 + chunk.readInt32BE(p + Offsets.batchLength);
      const base = Number(chunk.readBigInt64BE(p));
      out.push({ baseOffset: base, lastOffset: base + chunk.readInt32BE(p + Offsets.lastOffsetDelta), bytes: chunk.subarray(p, p + size) });
      p += size;
    }
  }
  return out;
}

export function tempDir(prefix = 'tributary-log-'): { dir: string; remove: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
