import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CHECKPOINT_FILE, checkpointKey, readCheckpoint, writeCheckpoint } from '../../../../src/streams/runtime/global/global-checkpoint.ts';

describe('global checkpoint file', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tributary-ckpt-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("is written in Kafka's OffsetCheckpoint text format", () => {
    writeCheckpoint(dir, new Map([[checkpointKey('products', 1), 7], [checkpointKey('products', 0), 12]]));
    expect(readFileSync(join(dir, CHECKPOINT_FILE), 'utf8')).toBe('0\n2\nproducts 0 12\nproducts 1 7\n');
  });

  it('reads back what it wrote (any topics, partitions and offsets)', () => {
    const topic = fc.stringMatching(/^[a-zA-Z0-9._-]{1,20}$/);
    fc.assert(
      fc.property(fc.array(fc.tuple(topic, fc.nat(1000), fc.nat(2 ** 40)), { maxLength: 20 }), (entries) => {
        const offsets = new Map(entries.map(([t, p, o]) => [checkpointKey(t, p), o]));
        writeCheckpoint(dir, offsets);
        expect(readCheckpoint(dir).offsets).toEqual(offsets);
      }),
      { numRuns: 50 },
    );
  });

  it('is absent without a problem when there is no file, and unusable with the reason when it is damaged', () => {
    expect(readCheckpoint(dir)).toEqual({ offsets: undefined, problem: undefined });
    for (const [text, reason] of [
      ['1\n0\n', /version "1"/],
      ['0\n2\nproducts 0 12\n', /announces 2 entries but holds 1/],
      ['0\n1\nproducts zero 12\n', /malformed entry/],
    ] as const) {
      writeFileSync(join(dir, CHECKPOINT_FILE), text);
      const read = readCheckpoint(dir);
      expect(read.offsets).toBeUndefined();
      expect('problem' in read ? read.problem : '').toMatch(reason);
    }
  });
});
