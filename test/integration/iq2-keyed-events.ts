/*
 * The input of the IQv2 integration tests: 8 keys k0..k7 over 4 partitions (key k<i> always goes
 * to partition i % 4), each key 5 events, the j-th of a key at 1000 + 300·j ms (one session per key
 * with a 500 ms gap; two 1-second windows).
 */
import type { InputRecord } from './streams-helpers.ts';

export const PARTITIONS = 4;
export const KEYS = Array.from({ length: 8 }, (_, i) => `k${i}`);
export const partitionOf = (key: string): number => Number(key.slice(1)) % PARTITIONS;
export const events: InputRecord[] = Array.from({ length: 40 }, (_, i) => {
  const key = KEYS[i % KEYS.length]!;
  return { key, value: 'e', partition: partitionOf(key), timestamp: 1000 + 300 * Math.floor(i / KEYS.length) };
});
