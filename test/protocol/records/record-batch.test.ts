import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { createRequire } from 'node:module';
import { compressSync as snappyRaw } from 'snappy';
import {
  buildRecordBatch,
  decodeRecordBatch,
  decodeRecords,
  iterateBatches,
  validateBatch,
} from '../../../src/protocol/records/record-batch.ts';
import type { RecordInput } from '../../../src/protocol/records/record-batch.ts';
import { Compression, compress, decompress, isXerialSnappy } from '../../../src/protocol/records/compression.ts';
import { hasValidCrc, readBatchHeader, setBaseOffset, setPartitionLeaderEpoch } from '../../../src/protocol/records/batch-header.ts';
import { CorruptRecordError } from '../../../src/protocol/protocol-errors.ts';

const CODECS = [Compression.None, Compression.Gzip, Compression.Snappy, Compression.Lz4, Compression.Zstd] as const;

const bytes = (max: number) => fc.uint8Array({ maxLength: max }).map((b) => Buffer.from(b));
const recordArb: fc.Arbitrary<RecordInput> = fc.record({
  key: fc.option(bytes(20), { nil: null }),
  value: fc.option(bytes(60), { nil: null }),
  headers: fc.array(fc.record({ key: fc.string({ unit: 'grapheme', maxLength: 6 }), value: fc.option(bytes(8), { nil: null }) }), { maxLength: 3 }),
  timestamp: fc.integer({ min: 1_500_000_000_000, max: 1_900_000_000_000 }),
});

describe('record batch v2 round trip', () => {
  for (const codec of CODECS) {
    it(`codec ${codec}: build → decode gives back every record, with a valid CRC`, () => {
      fc.assert(
        fc.property(fc.array(recordArb, { minLength: 1, maxLength: 12 }), fc.integer({ min: 0, max: 1e12 }), (records, baseOffset) => {
          const batch = buildRecordBatch(records, { compression: codec, baseOffset });
          expect(hasValidCrc(batch)).toBe(true);
          const decoded = decodeRecordBatch(batch);
          expect(decoded.compression).toBe(codec);
          expect(decoded.header.lastOffsetDelta).toBe(records.length - 1);
          expect(decoded.header.recordCount).toBe(records.length);
          expect(decoded.header.maxTimestamp).toBe(Math.max(...records.map((r) => r.timestamp!)));
          expect(decoded.records).toEqual(
            records.map((r, i) => ({ offset: baseOffset + i, timestamp: r.timestamp, key: r.key, value: r.value, headers: r.headers })),
          );
        }),
        { numRuns: 40 },
      );
    });
  }

  it('carries idempotent / transactional producer fields', () => {
    const batch = buildRecordBatch([{ value: Buffer.from('v') }], {
      producerId: 4000n,
      producerEpoch: 3,
      baseSequence: 17,
      transactional: true,
      timestamp: 1000,
    });
    const d = decodeRecordBatch(batch);
    expect(d.header.producerId).toBe(4000n);
    expect(d.header.producerEpoch).toBe(3);
    expect(d.header.baseSequence).toBe(17);
    expect(d.isTransactional).toBe(true);
    expect(d.isControl).toBe(false);
    expect(d.records[0]!.timestamp).toBe(1000);
  });

  it('LogAppendTime batches report maxTimestamp for every record', () => {
    const batch = buildRecordBatch([{ value: null, timestamp: 5 }, { value: null, timestamp: 9 }], { logAppendTime: true });
    expect(decodeRecordBatch(batch).records.map((r) => r.timestamp)).toEqual([9, 9]);
  });

  it('refuses an empty record list', () => {
    expect(() => buildRecordBatch([])).toThrow(/at least one record/);
  });
});

describe('CRC and validation', () => {
  it('patching baseOffset and partitionLeaderEpoch keeps the CRC valid', () => {
    const batch = buildRecordBatch([{ value: Buffer.from('x') }]);
    setBaseOffset(batch, 123456);
    setPartitionLeaderEpoch(batch, 7);
    expect(hasValidCrc(batch)).toBe(true);
    expect(decodeRecordBatch(batch).records[0]!.offset).toBe(123456);
  });

  it('any flipped byte in the CRC-covered region is detected', () => {
    fc.assert(
      fc.property(fc.nat(), (n) => {
        const batch = buildRecordBatch([{ key: Buffer.from('k'), value: Buffer.from('value'), timestamp: 1 }]);
        const pos = 21 + (n % (batch.length - 21));
        batch[pos] = batch[pos]! ^ 0x01;
        expect(hasValidCrc(batch)).toBe(false);
        expect(() => decodeRecordBatch(batch)).toThrow(CorruptRecordError);
      }),
      { numRuns: 50 },
    );
  });

  it('rejects a wrong magic and a length mismatch', () => {
    const batch = buildRecordBatch([{ value: null }]);
    const bad = Buffer.from(batch);
    bad[16] = 1;
    expect(() => validateBatch(bad)).toThrow(/magic is 1/);
    expect(() => validateBatch(Buffer.concat([batch, Buffer.alloc(1)]))).toThrow(/declares/);
  });
});

describe('walking a records buffer', () => {
  it('yields each batch as a subarray and stops at a truncated tail', () => {
    const a = buildRecordBatch([{ value: Buffer.from('a') }], { baseOffset: 0 });
    const b = buildRecordBatch([{ value: Buffer.from('b') }, { value: Buffer.from('c') }], { baseOffset: 1, compression: Compression.Gzip });
    const c = buildRecordBatch([{ value: Buffer.from('d') }], { baseOffset: 3 });
    const buf = Buffer.concat([a, b, c.subarray(0, c.length - 5)]);
    const slices = [...iterateBatches(buf)];
    expect(slices.map((s) => s.position)).toEqual([0, a.length]);
    expect(slices[1]!.bytes.buffer).toBe(buf.buffer);
    expect(decodeRecords(buf).flatMap((d) => d.records.map((r) => [r.offset, r.value!.toString()]))).toEqual([
      [0, 'a'],
      [1, 'b'],
      [2, 'c'],
    ]);
    expect(decodeRecords(null)).toEqual([]);
  });
});

describe('compression codecs', () => {
  it('snappy decode accepts raw snappy and xerial framing (multi-block)', () => {
    const data = Buffer.alloc(100_000);
    for (let i = 0; i < data.length; i++) data[i] = (i * 7) % 251;
    const framed = compress(Compression.Snappy, data);
    expect(isXerialSnappy(framed)).toBe(true);
    expect(framed.readInt32BE(8)).toBe(1);
    expect(decompress(Compression.Snappy, framed)).toEqual(data);
    expect(decompress(Compression.Snappy, snappyRaw(data))).toEqual(data);
  });

  it('lz4 uses the LZ4 frame format', () => {
    expect(compress(Compression.Lz4, Buffer.from('hello')).readUInt32LE(0)).toBe(0x184d2204);
  });

  it('corrupt compressed data is a CorruptRecordError naming the codec', () => {
    expect(() => decompress(Compression.Gzip, Buffer.from('nope'))).toThrow(/gzip-decompress/);
    expect(() => decompress(9, Buffer.alloc(1))).toThrow(/unknown compression codec 9/);
  });
});

describe('interoperability with kafkajs 2.2.4 record batches', () => {
  const require = createRequire(import.meta.url);
  const KafkajsDecoder = require('kafkajs/src/protocol/decoder');
  const kafkajsDecodeBatch = require('kafkajs/src/protocol/recordBatch/v0/decoder');
  const KafkajsRecordBatch = require('kafkajs/src/protocol/recordBatch/v0').RecordBatch;
  const KafkajsRecord = require('kafkajs/src/protocol/recordBatch/record/v0');

  for (const codec of [Compression.None, Compression.Gzip]) {
    it(`kafkajs decodes our codec-${codec} batches`, async () => {
      const batch = buildRecordBatch(
        [
          { key: Buffer.from('k1'), value: Buffer.from('v1'), timestamp: 1_700_000_000_000, headers: [{ key: 'h', value: Buffer.from('x') }] },
          { key: null, value: Buffer.from('v2'), timestamp: 1_700_000_000_005 },
        ],
        { compression: codec, baseOffset: 10 },
      );
      const decoded = await kafkajsDecodeBatch(new KafkajsDecoder(batch));
      expect(decoded.firstOffset).toBe('10');
      expect(decoded.records.map((r: { offset: string; key: Buffer | null; value: Buffer; timestamp: string }) => [r.offset, r.key?.toString() ?? null, r.value.toString(), r.timestamp])).toEqual([
        ['10', 'k1', 'v1', '1700000000000'],
        ['11', null, 'v2', '1700000000005'],
      ]);
      expect(decoded.records[0].headers).toEqual({ h: Buffer.from('x') });
    });
  }

  it('we decode a kafkajs-built gzip batch and its CRC is valid', async () => {
    const ts = 1_700_000_000_000;
    const records = [
      KafkajsRecord({ offsetDelta: 0, timestampDelta: 0, key: Buffer.from('a'), value: Buffer.from('1'), headers: {} }),
      KafkajsRecord({ offsetDelta: 1, timestampDelta: 3, key: Buffer.from('b'), value: Buffer.from('2'), headers: { x: 'y' } }),
    ];
    const enc = await KafkajsRecordBatch({ compression: 1, firstTimestamp: ts, maxTimestamp: ts + 3, lastOffsetDelta: 1, records });
    const batch: Buffer = enc.buffer;
    expect(hasValidCrc(batch)).toBe(true);
    expect(readBatchHeader(batch).recordCount).toBe(2);
    const d = decodeRecordBatch(batch);
    expect(d.records.map((r) => [r.offset, r.key!.toString(), r.value!.toString(), r.timestamp, r.headers])).toEqual([
      [0, 'a', '1', ts, []],
      [1, 'b', '2', ts + 3, [{ key: 'x', value: Buffer.from('y') }]],
    ]);
  });
});
