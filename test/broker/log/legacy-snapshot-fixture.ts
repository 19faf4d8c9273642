/*
 * Test fixture: producer-state snapshot bytes in Tributary's earlier layout, written from the
 * layout given in the header comment of src/broker/log/producer-snapshot-legacy.ts (the broker
 * itself no longer writes it).
 */
import { crc32c } from '../../../src/util/crc32c.ts';

export interface LegacyBatch {
  firstSeq: number;
  lastSeq: number;
  baseOffset: number;
  lastOffset: number;
  timestamp: number;
}
export interface LegacyProducer {
  producerId: bigint;
  epoch: number;
  currentTxnFirstOffset: number;
  batches: LegacyBatch[];
}

/** The earlier writer's byte layout, as the header comment of producer-snapshot-legacy.ts gives it. */
export function encodeLegacy(offset: number, producers: readonly LegacyProducer[]): Buffer {
  const parts: Buffer[] = [];
  const head = Buffer.alloc(18);
  head.writeInt16BE(1, 0);
  head.writeBigInt64BE(BigInt(offset), 6);
  head.writeInt32BE(producers.length, 14);
  parts.push(head);
  for (const p of producers) {
    const fixed = Buffer.alloc(23);
    fixed.writeBigInt64BE(p.producerId, 0);
    fixed.writeInt16BE(p.epoch, 8);
    fixed.writeInt32BE(-1, 10);
    fixed.writeBigInt64BE(BigInt(p.currentTxnFirstOffset), 14);
    fixed.writeInt8(p.batches.length, 22);
    parts.push(fixed);
    for (const b of p.batches) {
      const bb = Buffer.alloc(36);
      bb.writeInt32BE(b.firstSeq, 0);
      bb.writeInt32BE(b.lastSeq, 4);
      bb.writeBigInt64BE(BigInt(b.baseOffset), 8);
      bb.writeBigInt64BE(BigInt(b.lastOffset), 16);
      bb.writeBigInt64BE(BigInt(b.timestamp), 24);
      parts.push(bb);
    }
  }
  const buf = Buffer.concat(parts);
  buf.writeUInt32BE(crc32c(buf.subarray(6)), 2);
  return buf;
}
