/*
 * The `.txnindex` file format (Kafka's 34-byte AbortedTxn entries): round trips, byte layout,
 * corruption detection (the loader rebuilds a file `check` rejects), collection for fetches.
 */
import { describe, it, expect, afterEach } from 'vitest';
import fc from 'fast-check';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  TransactionIndex,
  TXN_ENTRY_SIZE,
  collectAborted,
  decodeTxnEntries,
  encodeTxnEntries,
  type AbortedTxnEntry,
} from '../../../src/broker/log/transaction-index.ts';
import { PartitionLog } from '../../../src/broker/log/partition-log.ts';
import { simpleBatch, tempDir } from './batch-fixture.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});
function tmpIndex(): TransactionIndex {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'txnindex-'));
  dirs.push(dir);
  return new TransactionIndex(path.join(dir, '00000000000000000100.txnindex'));
}

const offset = fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER });
const entry: fc.Arbitrary<AbortedTxnEntry> = fc.record({
  producerId: fc.bigInt({ min: 0n, max: (1n << 63n) - 1n }),
  firstOffset: offset,
  lastOffset: offset,
  lastStableOffset: offset,
});

describe('transaction index format', () => {
  it('encode/decode round-trips any entries, 34 bytes each', () => {
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 20 }), (entries) => {
        const bytes = encodeTxnEntries(entries);
        expect(bytes.length).toBe(entries.length * TXN_ENTRY_SIZE);
        expect(decodeTxnEntries(bytes)).toEqual(entries);
      }),
    );
  });

  it("uses Kafka's layout: version int16 0, then producerId, firstOffset, lastOffset, LSO as int64", () => {
    const b = encodeTxnEntries([{ producerId: 7n, firstOffset: 1, lastOffset: 2, lastStableOffset: 3 }]);
    expect(b.toString('hex')).toBe('0000' + '0000000000000007' + '0000000000000001' + '0000000000000002' + '0000000000000003');
  });

  it('rejects a length that is not a multiple of 34 and an unknown version', () => {
    const b = encodeTxnEntries([{ producerId: 1n, firstOffset: 0, lastOffset: 0, lastStableOffset: 1 }]);
    expect(() => decodeTxnEntries(b.subarray(0, 33))).toThrow(/multiple of 34/);
    b.writeInt16BE(1, 0);
    expect(() => decodeTxnEntries(b)).toThrow(/version 1/);
  });
});

describe('TransactionIndex file', () => {
  it('appends, reads back and survives a reopen; check accepts it for its segment and returns its entries', () => {
    const idx = tmpIndex();
    idx.reset();
    expect(idx.entries()).toEqual([]);
    const a = { producerId: 5n, firstOffset: 90, lastOffset: 100, lastStableOffset: 101 };
    const b = { producerId: 6n, firstOffset: 102, lastOffset: 110, lastStableOffset: 111 };
    idx.append(a);
    idx.append(b);
    const reopened = new TransactionIndex(idx.path);
    expect(reopened.entries()).toEqual([a, b]);
    expect(reopened.check(100, 120)).toEqual({ kind: 'ok', entries: [a, b] });
  });

  it('check: missing file, torn entry, marker outside the segment or out of order are reported', () => {
    const idx = tmpIndex();
    expect(idx.check(100, 200)).toEqual({ kind: 'missing' });
    idx.rewrite([{ producerId: 1n, firstOffset: 100, lastOffset: 150, lastStableOffset: 151 }]);
    expect(idx.check(100, 200).kind).toBe('ok');
    // A log truncated below the marker: the entry points past the segment's end.
    expect(idx.check(100, 150)).toMatchObject({ kind: 'corrupt', reason: expect.stringMatching(/outside/) });
    fs.appendFileSync(idx.path, Buffer.alloc(10));
    expect(idx.check(100, 200)).toMatchObject({ kind: 'corrupt', reason: expect.stringMatching(/multiple of 34/) });
    idx.rewrite([
      { producerId: 1n, firstOffset: 100, lastOffset: 150, lastStableOffset: 151 },
      { producerId: 2n, firstOffset: 100, lastOffset: 140, lastStableOffset: 151 },
    ]);
    expect(idx.check(100, 200)).toMatchObject({ kind: 'corrupt', reason: expect.stringMatching(/not after/) });
  });

  it('a missing file reads as no aborted transactions (a live segment the cleaner replaced)', () => {
    expect(tmpIndex().entries()).toEqual([]);
  });
});

describe('collectAborted', () => {
  it('keeps entries overlapping [fetchOffset, upper) and stops at an LSO reaching upper', () => {
    const es = [
      { producerId: 1n, firstOffset: 0, lastOffset: 5, lastStableOffset: 6 },
      { producerId: 2n, firstOffset: 3, lastOffset: 8, lastStableOffset: 9 },
      { producerId: 3n, firstOffset: 9, lastOffset: 12, lastStableOffset: 13 },
    ];
    expect(collectAborted(es, 6, 9)).toEqual({ txns: [es[1]], complete: true });
    expect(collectAborted(es, 0, 100)).toEqual({ txns: es, complete: false });
  });
});

describe('PartitionLog and its .txnindex files', () => {
  it('indexes an abort in the segment of its marker, collects across segments, and loses the file with its segment', async () => {
    const { dir, remove } = tempDir();
    try {
      const log = PartitionLog.open({ dir, config: { segmentBytes: 400 }, fsync: 'never' });
      const aborts: AbortedTxnEntry[] = [];
      for (let i = 0; i < 12; i++) {
        const info = log.append(simpleBatch(3, 40, Date.now())); // recent: retention.ms keeps it
        const e = { producerId: BigInt(i), firstOffset: info.baseOffset, lastOffset: info.lastOffset, lastStableOffset: info.lastOffset + 1 };
        log.appendAbortedTxn(e);
        aborts.push(e);
      }
      const bases = log.segmentBaseOffsets();
      expect(bases.length).toBeGreaterThan(3);
      // Each entry sits in the file of the segment holding its marker.
      for (const base of bases) {
        const next = bases.find((b) => b > base) ?? log.logEndOffset;
        const file = new TransactionIndex(path.join(dir, `${String(base).padStart(20, '0')}.txnindex`));
        expect(file.entries()).toEqual(aborts.filter((a) => a.lastOffset >= base && a.lastOffset < next));
      }
      expect(log.collectAbortedTxns(0, log.logEndOffset)).toEqual(aborts);
      expect(log.collectAbortedTxns(7, 12)).toEqual(aborts.filter((a) => a.lastOffset >= 7 && a.firstOffset < 12));
      // DeleteRecords past the second segment: its files, .txnindex included, are removed.
      await log.deleteRecordsBefore(bases[2]!);
      for (const gone of bases.slice(0, 2)) expect(fs.existsSync(path.join(dir, `${String(gone).padStart(20, '0')}.txnindex`))).toBe(false);
      expect(fs.existsSync(path.join(dir, `${String(bases[2]).padStart(20, '0')}.txnindex`))).toBe(true);
      await log.close();
    } finally {
      remove();
    }
  });
});
