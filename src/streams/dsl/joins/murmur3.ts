/*
 * MurmurHash3 x64 128-bit, as Kafka Streams' Murmur3.hash128 (a port of Apache Hive's): the
 * foreign-key join hashes the serialized left value with it, so a subscription response can be
 * matched to the left value it was computed for. Same function and seed (104729) as Kafka, so
 * the 16 hash bytes in the subscription topics mean the same thing for a Java application.
 *
 * Algorithm (Austin Appleby's public-domain MurmurHash3_x64_128):
 *   h1 = h2 = seed (a Java int, sign-extended to 64 bits)
 *   per 16-byte block: k1, k2 = two little-endian 64-bit words;
 *     h1 ^= mixK1(k1); h1 = rotl(h1, 27) + h2; h1 = h1 * 5 + 0x52dce729
 *     h2 ^= mixK2(k2); h2 = rotl(h2, 31) + h1; h2 = h2 * 5 + 0x38495ab5
 *   tail (1–15 bytes): bytes 8.. into k2, bytes 0..7 into k1 (little-endian), mixed the same way
 *   h1 ^= len; h2 ^= len; h1 += h2; h2 += h1; h1 = fmix64(h1); h2 = fmix64(h2); h1 += h2; h2 += h1
 * All arithmetic is modulo 2^64 (BigInt, masked). Output: h1 then h2, each as 8 big-endian bytes
 * — the order Kafka's SubscriptionWrapperSerde writes them (putLong(hash[0]), putLong(hash[1])).
 */

export const KAFKA_MURMUR3_SEED = 104729;

const MASK = (1n << 64n) - 1n;
const C1 = 0x87c37b91114253d5n;
const C2 = 0x4cf5ad432745937fn;

const mul = (a: bigint, b: bigint) => (a * b) & MASK;
const rotl = (x: bigint, r: bigint) => ((x << r) | (x >> (64n - r))) & MASK;

function fmix64(k: bigint): bigint {
  k ^= k >> 33n;
  k = mul(k, 0xff51afd7ed558ccdn);
  k ^= k >> 33n;
  k = mul(k, 0xc4ceb9fe1a85ec53n);
  k ^= k >> 33n;
  return k;
}

const mixK1 = (k1: bigint) => mul(rotl(mul(k1, C1), 31n), C2);
const mixK2 = (k2: bigint) => mul(rotl(mul(k2, C2), 33n), C1);

/** [h1, h2] as unsigned 64-bit BigInts (BigInt.asIntN(64, h) gives Java's signed longs). */
export function murmur3x64128(data: Uint8Array, seed = KAFKA_MURMUR3_SEED): [bigint, bigint] {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const len = data.length;
  let h1 = BigInt.asUintN(64, BigInt(seed | 0));
  let h2 = h1;
  const blocks = len >>> 4;
  for (let i = 0; i < blocks; i++) {
    const k1 = view.getBigUint64(i * 16, true);
    const k2 = view.getBigUint64(i * 16 + 8, true);
    h1 ^= mixK1(k1);
    h1 = (rotl(h1, 27n) + h2) & MASK;
    h1 = (mul(h1, 5n) + 0x52dce729n) & MASK;
    h2 ^= mixK2(k2);
    h2 = (rotl(h2, 31n) + h1) & MASK;
    h2 = (mul(h2, 5n) + 0x38495ab5n) & MASK;
  }
  const tail = blocks * 16;
  const rest = len - tail;
  if (rest > 8) {
    let k2 = 0n;
    for (let i = rest - 1; i >= 8; i--) k2 |= BigInt(data[tail + i]!) << BigInt((i - 8) * 8);
    h2 ^= mixK2(k2);
  }
  if (rest > 0) {
    let k1 = 0n;
    for (let i = Math.min(rest, 8) - 1; i >= 0; i--) k1 |= BigInt(data[tail + i]!) << BigInt(i * 8);
    h1 ^= mixK1(k1);
  }
  const n = BigInt(len);
  h1 ^= n;
  h2 ^= n;
  h1 = (h1 + h2) & MASK;
  h2 = (h2 + h1) & MASK;
  h1 = fmix64(h1);
  h2 = fmix64(h2);
  h1 = (h1 + h2) & MASK;
  h2 = (h2 + h1) & MASK;
  return [h1, h2];
}

/** Kafka's 16 hash bytes: h1 then h2, big-endian. */
export function murmur3Hash128Bytes(data: Uint8Array, seed = KAFKA_MURMUR3_SEED): Buffer {
  const [h1, h2] = murmur3x64128(data, seed);
  const out = Buffer.allocUnsafe(16);
  out.writeBigUInt64BE(h1, 0);
  out.writeBigUInt64BE(h2, 8);
  return out;
}
