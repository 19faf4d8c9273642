// PartitionTimes: per-partition max timestamp, committed per partition and restored on start.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeCommitMetadata, ProcessorMetadata } from '../../../src/streams/task/commit-metadata.ts';
import { PartitionTimes } from '../../../src/streams/task/partition-times.ts';

describe('PartitionTimes', () => {
  it('is the max timestamp observed per partition (reference: a Map of maxima)', () => {
    const obs = fc.array(fc.tuple(fc.constantFrom('a', 'b'), fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 1000 })));
    fc.assert(
      fc.property(obs, (events) => {
        const times = new PartitionTimes();
        const model = new Map<string, number>();
        for (const [t, p, ts] of events) {
          times.observe(t, p, ts);
          model.set(`${t}-${p}`, Math.max(model.get(`${t}-${p}`) ?? -1, ts));
        }
        for (const t of ['a', 'b']) for (let p = 0; p <= 2; p++) expect(times.get(t, p)).toBe(model.get(`${t}-${p}`) ?? -1);
      }),
    );
  });

  it('restores each partition time, merges processor metadata, and starts stream time at the largest', () => {
    const m1 = new ProcessorMetadata();
    m1.put('store', 7);
    const m2 = new ProcessorMetadata();
    m2.put('store', 9);
    const times = new PartitionTimes();
    const merged = new ProcessorMetadata();
    const warnings: string[] = [];
    const start = times.restore(
      [
        { topic: 'left', partition: 0, metadata: encodeCommitMetadata(100, m1) },
        { topic: 'right', partition: 0, metadata: encodeCommitMetadata(40, m2) },
        { topic: 'none', partition: 0, metadata: null },
        { topic: 'bad', partition: 0, metadata: '!!not base64 metadata' },
      ],
      merged,
      (w) => warnings.push(w),
    );
    expect(start).toBe(100);
    expect([times.get('left', 0), times.get('right', 0), times.get('none', 0), times.get('bad', 0)]).toEqual([100, 40, -1, -1]);
    expect(merged.get('store')).toBe(9);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^bad-0: unreadable offset commit metadata/);
  });

  it('never lowers a partition time already observed', () => {
    const times = new PartitionTimes();
    times.observe('t', 0, 50);
    expect(times.restore([{ topic: 't', partition: 0, metadata: encodeCommitMetadata(20, new ProcessorMetadata()) }], new ProcessorMetadata(), () => {})).toBe(50);
    expect(times.get('t', 0)).toBe(50);
  });
});
