/*
 * Partitioner against simple reference rules: an explicit partition wins; a key goes where
 * Java's murmur2 puts it; keyless records of a topic stay on one partition until stickyBytes went
 * there, then move to the next, so n partitions are visited in turn and each gets whole batches.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Partitioner } from '../../../src/client/producer/partitioner.ts';
import type { ProducerRecord } from '../../../src/client/types.ts';
import { partitionForKey } from '../../../src/util/murmur2.ts';

const rec = (topic: string, key: Buffer | null, partition?: number): ProducerRecord => ({ topic, key, value: null, timestamp: 0, headers: {}, partition });

describe('Partitioner', () => {
  it('keeps explicit partitions and puts keys where murmur2 does', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), fc.integer({ min: 1, max: 64 }), (key, n) => {
        const p = new Partitioner();
        expect(p.partition(rec('t', Buffer.from(key)), n, 10)).toBe(partitionForKey(Buffer.from(key), n));
        expect(p.partition(rec('t', Buffer.from(key), n - 1), n, 10)).toBe(n - 1);
      }),
    );
  });

  it('sticks keyless records to a partition for stickyBytes, then rotates; topics are independent', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 200 }), fc.integer({ min: 1, max: 8 }), (sizes, n) => {
        const p = new Partitioner(1000);
        const first = p.partition(rec('a', null), n, sizes[0]!);
        // Reference: bytes accumulate on the current partition; once ≥ 1000 the next record moves on.
        let current = first;
        let bytes = sizes[0]!;
        for (const size of sizes.slice(1)) {
          if (bytes >= 1000) {
            current = (current + 1) % n;
            bytes = 0;
          }
          bytes += size;
          expect(p.partition(rec('a', null), n, size)).toBe(current);
        }
        const other = p.partition(rec('b', null), n, 5000);
        expect(other).toBeGreaterThanOrEqual(0);
        expect(other).toBeLessThan(n);
      }),
    );
  });
});
