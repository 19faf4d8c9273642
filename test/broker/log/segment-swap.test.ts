/*
 * segment-swap.ts: the index files a cleaner writes beside its cleaned segment take part in the
 * crash-safe swap — renamed into place with a committed swap (also when the crash came after the
 * `.log` rename), deleted with an uncommitted one — and the cleaner's scratch directory never
 * outlives a restart.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { INDEX_SUFFIX, LOG_SUFFIX, segmentFileName, TIME_INDEX_SUFFIX } from '../../../src/broker/log/log-segment.ts';
import { CLEANED_SUFFIX, completeInterruptedSwap, SCRATCH_DIR, SWAP_MANIFEST } from '../../../src/broker/log/segment-swap.ts';
import { tempDir } from './batch-fixture.ts';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});

const file = (dir: string, base: number, suffix: string) => path.join(dir, segmentFileName(base, suffix));

/** Segments 0 and 10 as they were, the cleaned replacement of both at base 0, and a scratch dir. */
function setUp(): string {
  const t = tempDir();
  cleanups.push(t.remove);
  for (const base of [0, 10]) for (const s of [LOG_SUFFIX, INDEX_SUFFIX, TIME_INDEX_SUFFIX]) fs.writeFileSync(file(t.dir, base, s), `old ${base}${s}`);
  for (const s of [LOG_SUFFIX, INDEX_SUFFIX, TIME_INDEX_SUFFIX]) fs.writeFileSync(file(t.dir, 0, s) + CLEANED_SUFFIX, `new${s}`);
  fs.mkdirSync(path.join(t.dir, SCRATCH_DIR));
  fs.writeFileSync(path.join(t.dir, SCRATCH_DIR, segmentFileName(20, LOG_SUFFIX)), 'half-built');
  return t.dir;
}

describe('segment swap with the cleaner-built indexes', () => {
  it('a committed swap puts the new segment and its indexes in place, old files gone', () => {
    const dir = setUp();
    fs.writeFileSync(path.join(dir, SWAP_MANIFEST), JSON.stringify({ base: 0, replaced: [0, 10] }));
    completeInterruptedSwap(dir);
    expect(fs.readdirSync(dir).sort()).toEqual([LOG_SUFFIX, INDEX_SUFFIX, TIME_INDEX_SUFFIX].map((s) => segmentFileName(0, s)).sort());
    for (const s of [LOG_SUFFIX, INDEX_SUFFIX, TIME_INDEX_SUFFIX]) expect(fs.readFileSync(file(dir, 0, s), 'utf8')).toBe(`new${s}`);
  });

  it('a crash after the .log rename still renames the indexes, never deletes them', () => {
    const dir = setUp();
    for (const base of [0, 10]) for (const s of [LOG_SUFFIX, INDEX_SUFFIX, TIME_INDEX_SUFFIX]) fs.rmSync(file(dir, base, s));
    fs.renameSync(file(dir, 0, LOG_SUFFIX) + CLEANED_SUFFIX, file(dir, 0, LOG_SUFFIX));
    fs.writeFileSync(path.join(dir, SWAP_MANIFEST), JSON.stringify({ base: 0, replaced: [0, 10] }));
    completeInterruptedSwap(dir);
    for (const s of [LOG_SUFFIX, INDEX_SUFFIX, TIME_INDEX_SUFFIX]) expect(fs.readFileSync(file(dir, 0, s), 'utf8')).toBe(`new${s}`);
    expect(fs.readdirSync(dir)).toHaveLength(3);
  });

  it('an uncommitted swap leaves the old segments and drops every .cleaned file and the scratch dir', () => {
    const dir = setUp();
    completeInterruptedSwap(dir);
    const expected = [0, 10].flatMap((b) => [LOG_SUFFIX, INDEX_SUFFIX, TIME_INDEX_SUFFIX].map((s) => segmentFileName(b, s)));
    expect(fs.readdirSync(dir).sort()).toEqual(expected.sort());
    expect(fs.readFileSync(file(dir, 0, INDEX_SUFFIX), 'utf8')).toBe(`old 0${INDEX_SUFFIX}`);
  });
});
