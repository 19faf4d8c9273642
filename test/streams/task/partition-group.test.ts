import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PartitionGroup, type ConsumedRecord } from '../../../src/streams/task/partition-group.ts';
import { compareTaskIds, parseTaskId, taskIdToString } from '../../../src/streams/task/task-id.ts';

const rec = (topic: string, partition: number, offset: number, timestamp: number): ConsumedRecord => ({
  topic,
  partition,
  offset,
  timestamp,
  key: null,
  value: null,
  headers: {},
});

describe('PartitionGroup', () => {
  it('takes the head record with the lowest timestamp across partitions', () => {
    const g = new PartitionGroup();
    g.add([rec('a', 0, 0, 5), rec('a', 0, 1, 1), rec('b', 0, 0, 3), rec('b', 0, 1, 9)]);
    const order: string[] = [];
    for (let r = g.next(); r; r = g.next()) order.push(`${r.topic}@${r.offset}`);
    // a@0 (5) waits behind nothing in its own queue; b@0 (3) goes first; then a@0, a@1, b@1.
    expect(order).toEqual(['b@0', 'a@0', 'a@1', 'b@1']);
    expect(g.numBuffered()).toBe(0);
  });

  it('never reorders records of one partition and loses none (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom('x', 'y', 'z'), fc.integer({ min: 0, max: 100 })), { maxLength: 60 }), (items) => {
        const g = new PartitionGroup();
        const offsets = new Map<string, number>();
        for (const [t, ts] of items) {
          const o = offsets.get(t) ?? 0;
          offsets.set(t, o + 1);
          g.add([rec(t, 0, o, ts)]);
        }
        const seen = new Map<string, number>();
        let n = 0;
        for (let r = g.next(); r; r = g.next()) {
          expect(r.offset).toBe(seen.get(r.topic) ?? 0);
          seen.set(r.topic, r.offset + 1);
          n++;
        }
        expect(n).toBe(items.length);
      }),
    );
  });
});

describe('task ids', () => {
  it('print and parse as "<subtopology>_<partition>"', () => {
    expect(taskIdToString({ subtopology: 1, partition: 3 })).toBe('1_3');
    expect(parseTaskId('12_0')).toEqual({ subtopology: 12, partition: 0 });
    expect(() => parseTaskId('1-3')).toThrow(/<subtopology>_<partition>/);
    expect([parseTaskId('1_0'), parseTaskId('0_2'), parseTaskId('0_1')].sort(compareTaskIds).map(taskIdToString)).toEqual(['0_1', '0_2', '1_0']);
  });
});
