import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { OffsetStore } from '../../../src/broker/coordinator/offset-store.ts';
import type { CoordinatorLog, CoordinatorRecord } from '../../../src/broker/coordinator/offset-store.ts';
import { decodeKey, decodeOffsetValue, encodeOffsetKey } from '../../../src/broker/coordinator/offset-records.ts';

/** An in-memory stand-in for the __consumer_offsets partition: an append-only record list. */
class MemoryLog implements CoordinatorLog {
  records: CoordinatorRecord[] = [];
  failNext = false;
  async append(records: CoordinatorRecord[]): Promise<void> {
    await Promise.resolve();
    if (this.failNext) {
      this.failNext = false;
      throw new Error('disk full');
    }
    this.records.push(...records);
  }
  async replay(visit: (r: CoordinatorRecord) => void): Promise<void> {
    for (const r of this.records) visit(r);
  }
}

const entry = (topic: string, partition: number, offset: number) => ({ topic, partition, offset: BigInt(offset), leaderEpoch: -1, metadata: '' });

describe('OffsetStore', () => {
  it('is loading until load() finishes, then serves what was committed before a restart', async () => {
    const log = new MemoryLog();
    const a = new OffsetStore(log, () => 42);
    expect(a.loading).toBe(true);
    await a.load();
    expect(a.loading).toBe(false);
    await a.commit('g', [entry('t', 0, 10), entry('t', 1, 20)]);
    await a.commit('g', [entry('t', 0, 15)]);
    await a.commit('h', [{ ...entry('u', 3, 7), metadata: 'meta', leaderEpoch: 4 }]);
    const b = new OffsetStore(log);
    await b.load();
    expect(b.get('g', 't', 0)?.offset).toBe(15n);
    expect(b.get('g', 't', 1)?.offset).toBe(20n);
    expect(b.get('h', 'u', 3)).toEqual({ offset: 7n, leaderEpoch: 4, metadata: 'meta', commitTimestamp: 42n });
    expect(b.knownGroups().sort()).toEqual(['g', 'h']);
  });

  it('writes Kafka-format keys and values', async () => {
    const log = new MemoryLog();
    const s = new OffsetStore(log, () => 1000);
    await s.load();
    await s.commit('grp', [entry('topic', 2, 99)]);
    const r = log.records[0]!;
    expect(r.key).toEqual(encodeOffsetKey('grp', 'topic', 2));
    expect(r.key.readInt16BE(0)).toBe(1);
    expect(decodeKey(r.key)).toEqual({ kind: 'offset', group: 'grp', topic: 'topic', partition: 2 });
    expect(r.value!.readInt16BE(0)).toBe(3);
    expect(decodeOffsetValue(r.value!)).toEqual({ offset: 99n, leaderEpoch: -1, metadata: '', commitTimestamp: 1000n });
  });

  it('deleting a group writes tombstones, so it stays deleted after a restart', async () => {
    const log = new MemoryLog();
    const s = new OffsetStore(log);
    await s.load();
    await s.commit('g', [entry('t', 0, 1), entry('t', 1, 2)]);
    await s.writeGroupMetadata('g', { protocolType: 'consumer', generationId: 3, protocolName: 'range', leader: null, stateTimestamp: 0n });
    await s.deleteGroup('g');
    expect(s.groupOffsets('g')).toEqual([]);
    expect(log.records.filter((r) => r.value === null)).toHaveLength(3);
    const again = new OffsetStore(log);
    await again.load();
    expect(again.knownGroups()).toEqual([]);
  });

  it('a failed append is reported and changes nothing', async () => {
    const log = new MemoryLog();
    const s = new OffsetStore(log);
    await s.load();
    log.failNext = true;
    await expect(s.commit('g', [entry('t', 0, 1)])).rejects.toThrow('disk full');
    expect(s.get('g', 't', 0)).toBeUndefined();
  });

  it('skips undecodable records at load instead of failing', async () => {
    const log = new MemoryLog();
    log.records.push({ key: Buffer.from([0, 1, 0]), value: Buffer.from([1]) });
    const s = new OffsetStore(log);
    await s.load();
    expect(s.loading).toBe(false);
    expect(s.loadProblems).toHaveLength(1);
  });

  it('property: after any commits and deletes, a reloaded store equals a map of the last writes', async () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('commit' as const), group: fc.constantFrom('a', 'b'), partition: fc.integer({ min: 0, max: 3 }), offset: fc.integer({ min: 0, max: 1e9 }) }),
      fc.record({ kind: fc.constant('delete' as const), group: fc.constantFrom('a', 'b') }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 40 }), async (ops) => {
        const log = new MemoryLog();
        const s = new OffsetStore(log);
        await s.load();
        const model = new Map<string, number>();
        for (const o of ops) {
          if (o.kind === 'commit') {
            await s.commit(o.group, [entry('t', o.partition, o.offset)]);
            model.set(`${o.group}/${o.partition}`, o.offset);
          } else {
            await s.deleteGroup(o.group);
            for (const k of [...model.keys()]) if (k.startsWith(`${o.group}/`)) model.delete(k);
          }
        }
        const r = new OffsetStore(log);
        await r.load();
        const got = new Map<string, number>();
        for (const g of r.knownGroups()) for (const o of r.groupOffsets(g)) got.set(`${g}/${o.partition}`, Number(o.committed.offset));
        expect(got).toEqual(model);
      }),
      { numRuns: 100 },
    );
  });
});
