import { describe, it, expect } from 'vitest';
import { murmur2, partitionForKey, toPositive } from '../../src/util/murmur2.ts';

// Java outputs of org.apache.kafka.common.utils.Utils.murmur2 (Kafka's UtilsTest.testMurmur2).
const JAVA_VECTORS: Array<[string, number]> = [
  ['21', -973932308],
  ['foobar', -790332482],
  ['a-little-bit-long-string', -985981536],
  ['a-little-bit-longer-string', -1486304829],
  ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
  ['abc', 479470107],
];

describe('murmur2 (Java-compatible)', () => {
  it.each(JAVA_VECTORS)('murmur2(%s) is the Java value', (key, expected) => {
    expect(murmur2(Buffer.from(key))).toBe(expected);
  });

  it('hashes the empty key like Java (275646681)', () => {
    expect(murmur2(Buffer.alloc(0))).toBe(275646681);
  });

  it('toPositive clears the sign bit, including for MIN_VALUE', () => {
    expect(toPositive(-790332482)).toBe(1357151166);
    expect(toPositive(-2147483648)).toBe(0);
    expect(toPositive(5)).toBe(5);
  });

  it('partitionForKey is toPositive(murmur2) % n', () => {
    expect(partitionForKey(Buffer.from('foobar'), 50)).toBe(16);
    expect(partitionForKey(Buffer.from('foobar'), 10)).toBe(6);
    expect(() => partitionForKey(Buffer.from('x'), 0)).toThrow(/positive integer/);
  });
});
