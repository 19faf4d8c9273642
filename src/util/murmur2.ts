/*
 * Java-compatible murmur2, the hash behind Kafka's default partitioner.
 *
 * Kafka's `Utils.murmur2` (and kafkajs's port) hash the serialized key bytes with seed 0x9747b28c,
 * m = 0x5bd1e995, r = 24, reading 4-byte little-endian words, folding the 1-3 trailing bytes in
 * and finishing with h ^= h >>> 13; h *= m; h ^= h >>> 15. All arithmetic is signed 32-bit
 * (Math.imul), so the result is the same signed int the Java client returns. A keyed record goes
 * to partition `toPositive(murmur2(key)) % numPartitions`: using the same function is what lets a
 * Tributary producer and a Java/kafkajs producer agree on where a key lives (co-partitioning).
 */

const SEED = 0x9747b28c;
const M = 0x5bd1e995;
const R = 24;

/** Java `Utils.murmur2(byte[])`: a signed 32-bit hash of `data`. */
export function murmur2(data: Uint8Array): number {
  const length = data.length;
  let h = (SEED ^ length) | 0;
  const length4 = length >>> 2;
  for (let i = 0; i < length4; i++) {
    const i4 = i << 2;
    let k = data[i4]! | (data[i4 + 1]! << 8) | (data[i4 + 2]! << 16) | (data[i4 + 3]! << 24);
    k = Math.imul(k, M);
    k ^= k >>> R;
    k = Math.imul(k, M);
    h = Math.imul(h, M);
    h ^= k;
  }
  const tail = length & ~3;
  const rest = length & 3;
  if (rest === 3) h ^= data[tail + 2]! << 16;
  if (rest >= 2) h ^= data[tail + 1]! << 8;
  if (rest >= 1) {
    h ^= data[tail]!;
    h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

/** Java `Utils.toPositive`: clears the sign bit (not Math.abs, which fails for MIN_VALUE). */
export function toPositive(n: number): number {
  return n & 0x7fffffff;
}

/**
 * The partition Kafka's DefaultPartitioner (and kafkajs's JavaCompatiblePartitioner) choose for a
 * non-null key: `toPositive(murmur2(key)) % numPartitions`.
 */
export function partitionForKey(keyBytes: Uint8Array, numPartitions: number): number {
  if (!Number.isInteger(numPartitions) || numPartitions <= 0) {
    throw new RangeError(`partitionForKey: numPartitions must be a positive integer, got ${numPartitions}`);
  }
  return toPositive(murmur2(keyBytes)) % numPartitions;
}
