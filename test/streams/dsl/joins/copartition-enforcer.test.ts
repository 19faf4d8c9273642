// Co-partition enforcement over the groups the joins record (Kafka's CopartitionedTopicsEnforcer).
import { describe, expect, it } from 'vitest';
import { CopartitionError, enforceCopartitioning } from '../../../../src/streams/dsl/joins/copartition-enforcer.ts';
import { JoinWindows } from '../../../../src/streams/dsl/joins/join-windows.ts';
import { Consumed } from '../../../../src/streams/dsl/options/consumed.ts';
import { StreamsBuilder } from '../../../../src/streams/dsl/streams-builder.ts';
import { Serdes } from '../../../../src/streams/serde/serdes.ts';

const S = Serdes.string();

function rekeyedJoinTopology() {
  const b = new StreamsBuilder();
  const left = b.stream('left', Consumed.with(S, S)).selectKey((_k, v) => v);
  const right = b.stream('right', Consumed.with(S, S));
  left.join(right, (a, c) => a + c, JoinWindows.ofTimeDifferenceWithNoGrace(10)).to('out');
  return b.build();
}

describe('enforceCopartitioning', () => {
  it('accepts equal counts and gives an unsized repartition topic the group count', () => {
    const t = rekeyedJoinTopology();
    const [group] = t.copartitionGroups();
    expect(group).toEqual(['KSTREAM-KEY-SELECT-0000000001-repartition', 'right']);
    const counts = { left: 8, right: 4 } as Record<string, number>;
    const decided = enforceCopartitioning({ groups: t.copartitionGroups(), internalTopics: t.internalTopics(), partitionsOf: (x) => counts[x] });
    expect(decided.get('KSTREAM-KEY-SELECT-0000000001-repartition')).toBe(4);
  });

  it('rejects user topics with different partition counts, naming each', () => {
    const b = new StreamsBuilder();
    b.stream('a', Consumed.with(S, S)).join(b.table('t', Consumed.with(S, S)), (x, y) => x + y).to('out');
    const t = b.build();
    const counts = { a: 3, t: 5 } as Record<string, number>;
    expect(() => enforceCopartitioning({ groups: t.copartitionGroups(), internalTopics: t.internalTopics(), partitionsOf: (x) => counts[x] })).toThrow(CopartitionError);
    expect(() => enforceCopartitioning({ groups: t.copartitionGroups(), internalTopics: t.internalTopics(), partitionsOf: (x) => counts[x] })).toThrow(/a=3, t=5/);
  });

  it('rejects a missing user topic', () => {
    const t = rekeyedJoinTopology();
    expect(() => enforceCopartitioning({ groups: t.copartitionGroups(), internalTopics: t.internalTopics(), partitionsOf: () => undefined })).toThrow(/"right" does not exist/);
  });

  it('a group of internal topics only takes the largest count decided for them', () => {
    const internal = new Map([['x-repartition', { numberOfPartitions: undefined }], ['y-repartition', { numberOfPartitions: undefined }]]);
    const decided = enforceCopartitioning({
      groups: [['x-repartition', 'y-repartition']],
      internalTopics: internal,
      partitionsOf: () => undefined,
      decided: new Map([['x-repartition', 2], ['y-repartition', 6]]),
    });
    expect([...decided]).toEqual([['x-repartition', 6], ['y-repartition', 6]]);
  });
});
