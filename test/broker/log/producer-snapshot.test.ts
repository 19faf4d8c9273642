/*
 * The producer-state snapshot format: round trips of any state, CRC and length checks (a torn or
 * flipped file is refused, never half-loaded), and the keep-the-newest-two rule.
 */
import { describe, it, expect, afterEach } from 'vitest';
import fc from 'fast-check';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  decodeSnapshot,
  encodeSnapshot,
  listSnapshotOffsets,
  readSnapshot,
  snapshotPath,
  writeSnapshot,
  type SnapshotProducer,
} from '../../../src/broker/log/producer-snapshot.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const i32 = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
const off = fc.integer({ min: -1, max: Number.MAX_SAFE_INTEGER });
const producer: fc.Arbitrary<SnapshotProducer> = fc.record({
  producerId: fc.bigInt({ min: 0n, max: (1n << 63n) - 1n }),
  epoch: fc.integer({ min: -1, max: 32767 }),
  coordinatorEpoch: i32,
  currentTxnFirstOffset: off,
  batches: fc.array(fc.record({ firstSeq: i32, lastSeq: i32, baseOffset: off, lastOffset: off, timestamp: off }), { maxLength: 5 }),
});

describe('producer-state snapshot format', () => {
  it('round-trips any producer state', () => {
    fc.assert(
      fc.property(fc.nat(), fc.array(producer, { maxLength: 8 }), (offset, producers) => {
        expect(decodeSnapshot(encodeSnapshot(offset, producers), offset)).toEqual(producers);
      }),
    );
  });

  it('refuses any single flipped byte or any truncation (CRC, lengths), never returns a partial state', () => {
    fc.assert(
      fc.property(fc.array(producer, { minLength: 1, maxLength: 4 }), fc.nat(), fc.integer({ min: 1, max: 255 }), (producers, at, flip) => {
        const good = encodeSnapshot(42, producers);
        const bad = Buffer.from(good);
        bad[at % bad.length]! ^= flip;
        expect(() => decodeSnapshot(bad, 42)).toThrow();
        expect(() => decodeSnapshot(good.subarray(0, at % good.length), 42)).toThrow();
      }),
    );
  });

  it('refuses a file whose stored offset differs from its name, and more than 5 batches', () => {
    expect(() => decodeSnapshot(encodeSnapshot(10, []), 11)).toThrow(/name says 11/);
    const six = { producerId: 1n, epoch: 0, coordinatorEpoch: -1, currentTxnFirstOffset: -1, batches: Array(6).fill({ firstSeq: 0, lastSeq: 0, baseOffset: 0, lastOffset: 0, timestamp: 0 }) };
    expect(() => encodeSnapshot(1, [six])).toThrow(/at most 5/);
  });

  it('writeSnapshot keeps the newest file and the newest two at or below the active segment base', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'snap-'));
    dirs.push(dir);
    const p: SnapshotProducer = { producerId: 3n, epoch: 1, coordinatorEpoch: -1, currentTxnFirstOffset: 7, batches: [] };
    // Rolls at 10, 20, 30 (each snapshot at the new active base).
    for (const o of [10, 20, 30]) writeSnapshot(dir, o, [p], o);
    expect(listSnapshotOffsets(dir)).toEqual([20, 30]);
    expect(fs.existsSync(snapshotPath(dir, 10))).toBe(false);
    // Clean shutdowns at 35 and 38 (active segment still at 30): the roll snapshots stay.
    writeSnapshot(dir, 35, [p], 30);
    writeSnapshot(dir, 38, [p], 30);
    expect(listSnapshotOffsets(dir)).toEqual([20, 30, 38]);
    expect(readSnapshot(dir, 38)).toEqual([p]);
  });
});
