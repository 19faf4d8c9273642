// The `.position` checkpoint (Kafka's RocksDBStore position file in OffsetCheckpoint format,
// StoreQueryUtils.checkpointPosition / readPositionFromCheckpoint).
import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Position } from '../../../../src/streams/iq/v2/position.ts';
import { formatPositionCheckpoint, parsePositionCheckpoint, positionCheckpointPath, readPositionCheckpoint, writePositionCheckpoint } from '../../../../src/streams/iq/v2/position-checkpoint.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'tributary-poscp-'));
  dirs.push(d);
  return d;
};

describe('position checkpoint', () => {
  it('uses Kafka’s OffsetCheckpoint layout: version, count, "topic partition offset" lines', () => {
    const p = Position.emptyPosition().withComponent('orders', 1, 7).withComponent('orders', 0, 41).withComponent('a', 0, 0);
    expect(formatPositionCheckpoint(p)).toBe('0\n3\na 0 0\norders 0 41\norders 1 7\n');
    expect(formatPositionCheckpoint(Position.emptyPosition())).toBe('0\n0\n');
  });

  it('parses what it formats (property)', () => {
    const entries = fc.array(fc.tuple(fc.stringMatching(/^[a-zA-Z0-9._-]{1,30}$/), fc.integer({ min: 0, max: 5000 }), fc.maxSafeNat()), { maxLength: 20 });
    fc.assert(
      fc.property(entries, (cs) => {
        const p = cs.reduce((acc, [t, part, o]) => acc.withComponent(t, part, o), Position.emptyPosition());
        expect(parsePositionCheckpoint(formatPositionCheckpoint(p)).toString()).toBe(p.toString());
      }),
    );
  });

  it('rejects a wrong version, count or line, naming it', () => {
    expect(() => parsePositionCheckpoint('1\n0\n')).toThrow(/version "1"/);
    expect(() => parsePositionCheckpoint('0\n2\nt 0 1\n')).toThrow('expected 2 entries but found 1');
    expect(() => parsePositionCheckpoint('0\n1\nt x 1\n')).toThrow(/line 3/);
  });

  it('a missing file is an empty position; a malformed one too, with a warning; written files read back', async () => {
    const dir = tmp();
    const warnings: string[] = [];
    const file = positionCheckpointPath(dir, 'counts');
    expect(file).toBe(join(dir, 'counts.position'));
    expect((await readPositionCheckpoint(file, (m) => warnings.push(m))).isEmpty()).toBe(true);
    expect(warnings).toEqual([]);
    writeFileSync(file, 'garbage');
    expect((await readPositionCheckpoint(file, (m) => warnings.push(m))).isEmpty()).toBe(true);
    expect(warnings[0]).toMatch(/counts\.position is malformed/);
    const p = Position.emptyPosition().withComponent('in', 3, 99);
    await writePositionCheckpoint(file, p);
    expect((await readPositionCheckpoint(file, () => {})).toString()).toBe(p.toString());
  });
});
