// build({ topologyOptimization }): Kafka's topology.optimization values (StreamsConfig
// verifyTopologyOptimizationConfigs in apache/kafka: 'none', 'all', or a comma-separated list of
// rules, 'none'/'all' standing alone) — parsing, the zod errors naming the field, and that 'all'
// applies every rule. Each rule's own behaviour is tested beside its code (test/streams/graph/,
// test/streams/dsl/joins/kstream-kstream-self-join.test.ts).
import { describe, expect, it } from 'vitest';
import { StreamsBuilder } from '../../../src/streams/dsl/streams-builder.ts';
import { Grouped } from '../../../src/streams/dsl/options/grouped.ts';
import { Materialized } from '../../../src/streams/dsl/options/materialized.ts';
import { JoinWindows } from '../../../src/streams/dsl/joins/join-windows.ts';
import { parseBuildConfig, type BuildConfig } from '../../../src/streams/dsl/topology-optimization.ts';

/** A plan every rule rewrites: a source table, two groupings after one key change, a self-join. */
function everyRule(config?: BuildConfig) {
  const b = new StreamsBuilder();
  b.table('prices', undefined, Materialized.as('prices-store'));
  const keyed = b.stream<string, string>('in').selectKey((_k, v) => v);
  keyed.groupByKey(Grouped.as('a')).count();
  keyed.groupByKey(Grouped.as('b')).count();
  const s = b.stream<string, string>('clicks');
  s.join(s, (x, y) => x + y, JoinWindows.ofTimeDifferenceWithNoGrace(10));
  const t = b.build(config);
  return {
    sourceChangelogs: t.subtopologies().flatMap((x) => [...x.sourceChangelogTopics.keys()]),
    repartitions: [...t.internalTopics().keys()].filter((n) => n.endsWith('-repartition')).sort(),
    joinStores: [...t.stores().keys()].filter((n) => n.includes('JOIN')).length,
  };
}

describe('topologyOptimization', () => {
  it("'all' applies every rule; 'none' (the default) none", () => {
    expect(everyRule({ topologyOptimization: 'all' })).toEqual({ sourceChangelogs: ['prices-store'], repartitions: ['a-repartition'], joinStores: 1 });
    expect(everyRule()).toEqual({ sourceChangelogs: [], repartitions: ['a-repartition', 'b-repartition'], joinStores: 2 });
    expect(everyRule({ topologyOptimization: 'none' })).toEqual(everyRule());
  });

  it('applies exactly the rules listed, as a comma-separated string or an array', () => {
    expect(everyRule({ topologyOptimization: 'reuse.ktable.source.topics, single.store.self.join' })).toEqual({ sourceChangelogs: ['prices-store'], repartitions: ['a-repartition', 'b-repartition'], joinStores: 1 });
    expect(everyRule({ topologyOptimization: ['merge.repartition.topics'] })).toEqual({ sourceChangelogs: [], repartitions: ['a-repartition'], joinStores: 2 });
    expect([...parseBuildConfig({ topologyOptimization: 'all' }).optimizations]).toEqual(['reuse.ktable.source.topics', 'merge.repartition.topics', 'single.store.self.join']);
  });

  it('rejects values it does not know, naming the field', () => {
    const b = new StreamsBuilder();
    b.stream('t');
    expect(() => b.build({ topologyOptimization: 'fast' })).toThrow(/topologyOptimization: unknown optimization "fast"; expected "none", "all" or a list of "reuse.ktable.source.topics", "merge.repartition.topics", "single.store.self.join"/);
    expect(() => b.build({ topologyOptimization: 'all,single.store.self.join' })).toThrow(/"none" and "all" cannot be combined/);
    expect(() => b.build({ topologyOptimization: ['none', 'merge.repartition.topics'] })).toThrow(/"none" and "all" cannot be combined/);
    expect(() => b.build({ topologyOptimisation: 'all' } as never)).toThrow(/topologyOptimisation/);
  });
});
