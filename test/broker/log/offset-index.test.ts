import { afterEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { OffsetIndex } from '../../../src/broker/log/offset-index.ts';
import { TimeIndex } from '../../../src/broker/log/time-index.ts';
import { PartitionLog } from '../../../src/broker/log/partition-log.ts';
import { segmentFileName } from '../../../src/broker/log/log-segment.ts';
import { simpleBatch, tempDir } from './batch-fixture.ts';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function dir(): string {
  const t = tempDir();
  cleanups.push(t.remove);
  return t.dir;
}

describe('offset index', () => {
  it('returns the position of the greatest entry ≤ target, like a linear search', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 10_000 }), { minLength: 0, maxLength: 60 }), fc.integer({ min: -5, max: 10_100 }), (rels, target) => {
        const sorted = [...rels].sort((a, b) => a - b);
        const idx = OffsetIndex.create(path.join(dir(), 'x.index'));
        sorted.forEach((r, i) => idx.append(r, (i + 1) * 100));
        let expected = 0;
        sorted.forEach((r, i) => {
          if (r <= target) expected = (i + 1) * 100;
        });
        expect(idx.lookup(target)).toBe(expected);
      }),
      { numRuns: 100 },
    );
  });

  it('writes 8-byte big-endian entries and loads them back; rejects malformed files', () => {
    const d = dir();
    const file = path.join(d, 'a.index');
    const idx = OffsetIndex.create(file);
    idx.append(3, 4100);
    idx.append(9, 8300);
    idx.append(8, 9000); // not increasing: ignored
    idx.flush();
    const bytes = fs.readFileSync(file);
    expect(bytes.toString('hex')).toBe('00000003' + '00001004' + '00000009' + '0000206c');
    const loaded = OffsetIndex.load(file, 10_000)!;
    expect(loaded.entries).toBe(2);
    expect(loaded.lookup(10)).toBe(8300);
    expect(OffsetIndex.load(file, 8300)).toBeNull(); // a position beyond the log
    fs.writeFileSync(file, bytes.subarray(0, 12));
    expect(OffsetIndex.load(file, 10_000)).toBeNull(); // torn entry
    expect(OffsetIndex.load(path.join(d, 'missing.index'), 10)).toBeNull();
  });

  it('time index: 12-byte entries and the greatest entry strictly before a timestamp', () => {
    const file = path.join(dir(), 'a.timeindex');
    const idx = TimeIndex.create(file);
    idx.maybeAppend(1000, 0);
    idx.maybeAppend(1000, 5); // same timestamp: ignored
    idx.maybeAppend(2000, 7);
    idx.flush();
    expect(fs.readFileSync(file).toString('hex')).toBe('00000000000003e8' + '00000000' + '00000000000007d0' + '00000007');
    const loaded = TimeIndex.load(file)!;
    expect(loaded.lookupBefore(1000)).toBe(-1);
    expect(loaded.lookupBefore(1001)).toBe(0);
    expect(loaded.lookupBefore(5000)).toBe(7);
    expect(loaded.last()).toEqual({ timestamp: 2000, relativeOffset: 7 });
  });

  it('a segment gets about one index entry per index.interval.bytes of log', async () => {
    const d = dir();
    const log = PartitionLog.open({ dir: d, fsync: 'never', config: { indexIntervalBytes: 4096 } });
    let bytes = 0;
    for (let i = 0; i < 400; i++) {
      const batch = simpleBatch(1, 200);
      bytes += batch.length;
      log.append(batch);
    }
    await log.close();
    const entries = fs.statSync(path.join(d, segmentFileName(0, '.index'))).size / 8;
    expect(entries).toBeGreaterThanOrEqual(Math.floor(bytes / (4096 + 300)) - 1);
    expect(entries).toBeLessThanOrEqual(Math.ceil(bytes / 4096));
  });
});
