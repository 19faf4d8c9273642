/*
 * Record batch compression codecs (attributes bits 0-2). With a codec, everything after the
 * batch's recordCount field is one compressed blob of the concatenated records.
 *
 *   0 none
 *   1 gzip     node:zlib (RFC 1952 stream)
 *   2 snappy   `snappy`. Java producers (snappy-java SnappyOutputStream) and kafka-python write the
 *              xerial framing: magic 82 'SNAPPY' 00, int32 version 1, int32 compatible 1, then
 *              blocks of {int32 length, raw snappy block}. librdkafka reads both and some clients
 *              write raw snappy, so decode accepts both; encode writes the xerial framing (what
 *              Java consumers and kafka-python expect).
 *   3 lz4      `lz4-napi` LZ4 *frame* format (magic 04 22 4d 18), as Kafka's KafkaLZ4BlockOutput
 *              Stream writes for magic 2 (block-independent, 64 KiB blocks).
 *   4 zstd     `zstd-napi` (standard zstd frames).
 * All functions are synchronous: batches are small, and sync keeps the callers simple.
 *
 * The three native codecs load on first use (a synchronous require of their CommonJS entry):
 * together they are most of a broker's start-up, and most topics never see them.
 */
import { createRequire } from 'node:module';
import { gunzipSync, gzipSync } from 'node:zlib';
import { CorruptRecordError } from '../protocol-errors.ts';

type SnappyModule = typeof import('snappy');
type Lz4Module = typeof import('lz4-napi');
type ZstdModule = typeof import('zstd-napi');

const require = createRequire(import.meta.url);
let snappyModule: SnappyModule | undefined;
let lz4Module: Lz4Module | undefined;
let zstdModule: ZstdModule | undefined;
const snappy = (): SnappyModule => (snappyModule ??= require('snappy') as SnappyModule);
const lz4 = (): Lz4Module => (lz4Module ??= require('lz4-napi') as Lz4Module);
const zstd = (): ZstdModule => (zstdModule ??= require('zstd-napi') as ZstdModule);

export const Compression = {
  None: 0,
  Gzip: 1,
  Snappy: 2,
  Lz4: 3,
  Zstd: 4,
} as const;

export type CompressionCodec = (typeof Compression)[keyof typeof Compression];

const CODEC_NAMES = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;

export function compressionName(codec: number): string {
  return CODEC_NAMES[codec] ?? `unknown(${codec})`;
}

/** Snappy-java stream header: 0x82 "SNAPPY" 0x00, then int32 version and compatible version. */
const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
const XERIAL_HEADER_SIZE = 16;
const XERIAL_BLOCK_SIZE = 32 * 1024;

export function isXerialSnappy(data: Buffer): boolean {
  return data.length >= XERIAL_HEADER_SIZE && data.subarray(0, 8).equals(XERIAL_MAGIC);
}

function xerialCompress(data: Buffer): Buffer {
  const parts: Buffer[] = [];
  const header = Buffer.alloc(XERIAL_HEADER_SIZE);
  XERIAL_MAGIC.copy(header, 0);
  header.writeInt32BE(1, 8);
  header.writeInt32BE(1, 12);
  parts.push(header);
  for (let pos = 0; pos < data.length; pos += XERIAL_BLOCK_SIZE) {
    const block = snappy().compressSync(data.subarray(pos, pos + XERIAL_BLOCK_SIZE));
    const len = Buffer.alloc(4);
    len.writeInt32BE(block.length, 0);
    parts.push(len, block);
  }
  return Buffer.concat(parts);
}

function xerialDecompress(data: Buffer): Buffer {
  const parts: Buffer[] = [];
  let pos = XERIAL_HEADER_SIZE;
  while (pos < data.length) {
    if (pos + 4 > data.length) throw new CorruptRecordError(`xerial snappy block header truncated at byte ${pos}`);
    const len = data.readInt32BE(pos);
    pos += 4;
    if (len < 0 || pos + len > data.length) {
      throw new CorruptRecordError(`xerial snappy block of ${len} bytes at byte ${pos - 4} runs past the ${data.length}-byte blob`);
    }
    parts.push(snappy().uncompressSync(data.subarray(pos, pos + len)) as Buffer);
    pos += len;
  }
  return Buffer.concat(parts);
}

/** Compresses `data` with `codec` (0 returns the input unchanged). */
export function compress(codec: number, data: Buffer): Buffer {
  switch (codec) {
    case Compression.None:
      return data;
    case Compression.Gzip:
      return gzipSync(data);
    case Compression.Snappy:
      return xerialCompress(data);
    case Compression.Lz4:
      return lz4().compressFrameSync(data);
    case Compression.Zstd:
      return zstd().compress(data);
    default:
      throw new CorruptRecordError(`unknown compression codec ${codec}; Kafka defines 0-4 (none, gzip, snappy, lz4, zstd)`);
  }
}

/** Decompresses a record blob written with `codec`. Throws CorruptRecordError on bad input. */
export function decompress(codec: number, data: Buffer): Buffer {
  try {
    switch (codec) {
      case Compression.None:
        return data;
      case Compression.Gzip:
        return gunzipSync(data);
      case Compression.Snappy:
        return isXerialSnappy(data) ? xerialDecompress(data) : (snappy().uncompressSync(data) as Buffer);
      case Compression.Lz4:
        return lz4().decompressFrameSync(data);
      case Compression.Zstd:
        return zstd().decompress(data);
    }
  } catch (e) {
    if (e instanceof CorruptRecordError) throw e;
    throw new CorruptRecordError(`cannot ${compressionName(codec)}-decompress ${data.length} bytes of records: ${(e as Error).message}`);
  }
  throw new CorruptRecordError(`unknown compression codec ${codec}; Kafka defines 0-4 (none, gzip, snappy, lz4, zstd)`);
}
