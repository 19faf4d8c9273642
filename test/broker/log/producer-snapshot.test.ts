/*
 * The producer-state snapshot format: Kafka's layout pinned by golden bytes written by hand from
 * apache/kafka's ProducerStateManager.java (PID_SNAPSHOT_MAP_SCHEMA, PRODUCER_SNAPSHOT_ENTRY_SCHEMA),
 * round trips of any state, CRC and length checks (a torn or flipped file is refused, never
 * half-loaded), and the keep-the-newest rule.
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
  type SnapshotEntry,
} from '../../../src/broker/log/producer-snapshot.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const i32 = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
const off = fc.integer({ min: -1, max: Number.MAX_SAFE_INTEGER });
const snapshotEntry: fc.Arbitrary<SnapshotEntry> = fc.record({
  producerId: fc.bigInt({ min: 0n, max: (1n << 63n) - 1n }),
  epoch: fc.integer({ min: -1, max: 32767 }),
  lastSequence: i32,
  lastOffset: off,
  offsetDelta: i32,
  timestamp: off,
  coordinatorEpoch: i32,
  currentTxnFirstOffset: off,
});

// Two producers; every field spelled out in the order of Kafka's entry schema.
const GOLDEN_ENTRIES: SnapshotEntry[] = [
  { producerId: 1000n, epoch: 3, lastSequence: 41, lastOffset: 1234, offsetDelta: 9, timestamp: 1_700_000_000_000, coordinatorEpoch: 0, currentTxnFirstOffset: -1 },
  { producerId: 1001n, epoch: 0, lastSequence: 4, lastOffset: 1240, offsetDelta: 4, timestamp: 1_700_000_000_500, coordinatorEpoch: 2, currentTxnFirstOffset: 1236 },
];
const GOLDEN = Buffer.from(
  [
    '0001', //               version (int16) = 1
    '9083428b', //           crc (uint32): CRC-32C of bytes 6..101
    '00000002', //           producer_entries: array length (int32) = 2
    '00000000000003e8', //   producer_id = 1000
    '0003', //               epoch = 3
    '00000029', //           last_sequence = 41
    '00000000000004d2', //   last_offset = 1234
    '00000009', //           offset_delta = 9
    '0000018bcfe56800', //   timestamp = 1700000000000
    '00000000', //           coordinator_epoch = 0
    'ffffffffffffffff', //   current_txn_first_offset = -1
    '00000000000003e9', //   producer_id = 1001
    '0000', //               epoch = 0
    '00000004', //           last_sequence = 4
    '00000000000004d8', //   last_offset = 1240
    '00000004', //           offset_delta = 4
    '0000018bcfe569f4', //   timestamp = 1700000000500
    '00000002', //           coordinator_epoch = 2
    '00000000000004d4', //   current_txn_first_offset = 1236
  ].join(''),
  'hex',
);

describe('producer-state snapshot format', () => {
  it('writes and reads Kafka’s version-1 layout byte for byte', () => {
    expect(GOLDEN.length).toBe(10 + 2 * 46);
    expect(encodeSnapshot(GOLDEN_ENTRIES).equals(GOLDEN)).toBe(true);
    expect(decodeSnapshot(GOLDEN)).toEqual(GOLDEN_ENTRIES);
    // No producers: version, the CRC of the empty array's length, length 0.
    expect(encodeSnapshot([]).toString('hex')).toBe('0001' + '48674bc7' + '00000000');
  });

  it('round-trips any producer state', () => {
    fc.assert(
      fc.property(fc.array(snapshotEntry, { maxLength: 8 }), (entries) => {
        expect(decodeSnapshot(encodeSnapshot(entries))).toEqual(entries);
      }),
    );
  });

  it('refuses any single flipped byte or any truncation (CRC, lengths), never returns a partial state', () => {
    fc.assert(
      fc.property(fc.array(snapshotEntry, { minLength: 1, maxLength: 4 }), fc.nat(), fc.integer({ min: 1, max: 255 }), (entries, at, flip) => {
        const good = encodeSnapshot(entries);
        const bad = Buffer.from(good);
        bad[at % bad.length]! ^= flip;
        expect(() => decodeSnapshot(bad)).toThrow();
        expect(() => decodeSnapshot(good.subarray(0, at % good.length))).toThrow();
      }),
    );
  });

  it('says why a file is refused', () => {
    const flipped = Buffer.from(GOLDEN);
    flipped[20]! ^= 1;
    expect(() => decodeSnapshot(flipped)).toThrow(/CRC mismatch/);
    const v2 = Buffer.from(GOLDEN);
    v2.writeInt16BE(2, 0);
    expect(() => decodeSnapshot(v2)).toThrow(/unknown snapshot version 2/);
  });

  it('writeSnapshot keeps the newest file and the newest two at or below the active segment base', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'snap-'));
    dirs.push(dir);
    const p = GOLDEN_ENTRIES[1]!;
    // Rolls at 10, 20, 30 (each snapshot at the new active base).
    for (const o of [10, 20, 30]) writeSnapshot(dir, o, [p], o);
    expect(listSnapshotOffsets(dir)).toEqual([20, 30]);
    expect(fs.existsSync(snapshotPath(dir, 10))).toBe(false);
    expect(path.basename(snapshotPath(dir, 30))).toBe('00000000000000000030.snapshot');
    // Clean shutdowns at 35 and 38 (active segment still at 30): the roll snapshots stay.
    writeSnapshot(dir, 35, [p], 30);
    writeSnapshot(dir, 38, [p], 30);
    expect(listSnapshotOffsets(dir)).toEqual([20, 30, 38]);
    expect(readSnapshot(dir, 38)).toEqual([p]);
  });
});
