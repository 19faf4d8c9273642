/*
 * Snapshots in Tributary's earlier layout (producer-snapshot-legacy.ts) still load after an
 * upgrade in place: each producer's last batch, open transaction and epoch come through;
 * Kafka's decoder never mistakes such a file for its own; a damaged one is refused, so the
 * loader deletes it and scans the log instead.
 */
import { describe, it, expect, afterEach } from 'vitest';
import fc from 'fast-check';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { decodeLegacySnapshot } from '../../../src/broker/log/producer-snapshot-legacy.ts';
import { decodeSnapshot, readSnapshot, snapshotPath } from '../../../src/broker/log/producer-snapshot.ts';
import { encodeLegacy, type LegacyBatch, type LegacyProducer } from './legacy-snapshot-fixture.ts';

const batch: fc.Arbitrary<LegacyBatch> = fc
  .record({ firstSeq: fc.nat(1 << 30), len: fc.nat(100), baseOffset: fc.nat(1 << 40), timestamp: fc.nat(2 ** 45) })
  .map(({ firstSeq, len, baseOffset, timestamp }) => ({ firstSeq, lastSeq: firstSeq + len, baseOffset, lastOffset: baseOffset + len, timestamp }));
const producer: fc.Arbitrary<LegacyProducer> = fc.record({
  producerId: fc.bigInt({ min: 0n, max: 1n << 40n }),
  epoch: fc.integer({ min: -1, max: 32767 }),
  currentTxnFirstOffset: fc.integer({ min: -1, max: 1 << 40 }),
  batches: fc.array(batch, { maxLength: 5 }),
});

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('earlier-layout producer snapshots', () => {
  it('load as Kafka entries holding each producer’s last batch; Kafka’s decoder refuses them', () => {
    fc.assert(
      fc.property(fc.nat(2 ** 32 - 1), fc.array(producer, { maxLength: 6 }), (offset, producers) => {
        const file = encodeLegacy(offset, producers);
        expect(() => decodeSnapshot(file)).toThrow();
        const entries = decodeLegacySnapshot(file, offset);
        expect(entries).toEqual(
          producers.map((p) => {
            const last = p.batches.at(-1);
            return {
              producerId: p.producerId,
              epoch: p.epoch,
              lastSequence: last?.lastSeq ?? -1,
              lastOffset: last?.lastOffset ?? -1,
              offsetDelta: last === undefined ? 0 : last.lastOffset - last.baseOffset,
              timestamp: last?.timestamp ?? -1,
              coordinatorEpoch: -1,
              currentTxnFirstOffset: p.currentTxnFirstOffset,
            };
          }),
        );
      }),
    );
  });

  it('are refused when damaged or named for another offset', () => {
    fc.assert(
      fc.property(fc.array(producer, { minLength: 1, maxLength: 3 }), fc.nat(), fc.integer({ min: 1, max: 255 }), (producers, at, flip) => {
        const good = encodeLegacy(42, producers);
        const bad = Buffer.from(good);
        bad[at % bad.length]! ^= flip;
        expect(decodeLegacySnapshot(bad, 42)).toBeNull();
        expect(decodeLegacySnapshot(good.subarray(0, at % good.length), 42)).toBeNull();
        expect(decodeLegacySnapshot(good, 43)).toBeNull();
      }),
    );
  });

  it('readSnapshot falls back to the earlier layout, and reports Kafka’s reason for a file that is neither', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'legacy-snap-'));
    dirs.push(dir);
    const p: LegacyProducer = { producerId: 7n, epoch: 2, currentTxnFirstOffset: 30, batches: [{ firstSeq: 0, lastSeq: 4, baseOffset: 10, lastOffset: 14, timestamp: 99 }, { firstSeq: 5, lastSeq: 9, baseOffset: 20, lastOffset: 24, timestamp: 100 }] };
    fs.writeFileSync(snapshotPath(dir, 40), encodeLegacy(40, [p]));
    expect(readSnapshot(dir, 40)).toEqual([
      { producerId: 7n, epoch: 2, lastSequence: 9, lastOffset: 24, offsetDelta: 4, timestamp: 100, coordinatorEpoch: -1, currentTxnFirstOffset: 30 },
    ]);
    const torn = encodeLegacy(40, [p]).subarray(0, 50);
    fs.writeFileSync(snapshotPath(dir, 40), torn);
    expect(() => readSnapshot(dir, 40)).toThrow(/CRC mismatch|bytes/);
  });
});
