// reuse.ktable.source.topics at the topology level. Ported from Apache Kafka Streams'
// StreamsBuilderTest (streams/src/test/java/org/apache/kafka/streams/StreamsBuilderTest.java:
// shouldReuseSourceTopicAsChangelogsWithOptimization20, shouldNotReuseRepartitionTopicAsChangelogs,
// shouldNotReuseSourceTopicAsChangelogsByDefault) and TableSourceNodeTest
// (streams/src/test/java/org/apache/kafka/streams/kstream/internals/graph/TableSourceNodeTest.java).
// Kafka asserts the store's logging is off; Tributary keeps the store's logging layer (its restore
// converts values) with a collector that sends nothing, so the test asserts what a user sees: the
// store's changelog is the source topic and no "-changelog" topic is among the changelogs.
// The runtime side (restore from the source topic on the broker) is
// test/integration/streams-reuse-source-topic.test.ts.
import { describe, expect, it } from 'vitest';
import { StreamsBuilder } from '../../../src/streams/dsl/streams-builder.ts';
import { Materialized } from '../../../src/streams/dsl/options/materialized.ts';
import { Stores } from '../../../src/streams/state/stores.ts';
import { TopologyError, Topology } from '../../../src/streams/topology/topology.ts';

function changelogs(topology: Topology) {
  return topology.subtopologies().map((s) => ({ id: s.id, changelog: Object.fromEntries(s.changelogTopics), source: Object.fromEntries(s.sourceChangelogTopics) }));
}

describe('StreamsBuilderTest: source topics as changelogs', () => {
  it('shouldReuseSourceTopicAsChangelogsWithOptimization20', () => {
    const b = new StreamsBuilder();
    b.table('topic', undefined, Materialized.as('store'));
    const topology = b.build({ topologyOptimization: 'all' });
    expect([...topology.stores().keys()]).toEqual(['store']);
    expect(changelogs(topology)).toEqual([{ id: 0, changelog: {}, source: { store: 'topic' } }]);
    expect([...topology.internalTopics().keys()]).toEqual([]);
  });

  it('shouldNotReuseRepartitionTopicAsChangelogs', () => {
    const b = new StreamsBuilder();
    b.stream('topic').repartition().toTable(undefined, Materialized.as('store'));
    const topology = b.build({ topologyOptimization: 'all' });
    expect(changelogs(topology)).toEqual([
      { id: 0, changelog: {}, source: {} },
      { id: 1, changelog: { store: 'store-changelog' }, source: {} },
    ]);
    expect(Topology.changelogTopic('appId', 'store')).toBe('appId-store-changelog');
  });

  it('shouldNotReuseSourceTopicAsChangelogsByDefault', () => {
    const b = new StreamsBuilder();
    b.table('topic', undefined, Materialized.as('store'));
    expect(changelogs(b.build())).toEqual([{ id: 0, changelog: { store: 'store-changelog' }, source: {} }]);
    expect(changelogs(b.build({ topologyOptimization: 'merge.repartition.topics' }))[0]!.source).toEqual({});
  });
});

describe('TableSourceNodeTest', () => {
  it('shouldConnectStateStoreToInputTopicIfInputTopicIsUsedAsChangelog', () => {
    const b = new StreamsBuilder();
    b.table('input', undefined, Materialized.as('store'));
    expect(b.build({ topologyOptimization: ['reuse.ktable.source.topics'] }).subtopologies()[0]!.sourceChangelogTopics.get('store')).toBe('input');
  });

  it('shouldConnectStateStoreToChangelogTopic', () => {
    const b = new StreamsBuilder();
    b.table('input', undefined, Materialized.as('store'));
    const sub = b.build().subtopologies()[0]!;
    expect(sub.sourceChangelogTopics.size).toBe(0);
    expect(sub.changelogTopics.get('store')).toBe('store-changelog');
  });

  it('leaves an unmaterialized table, a table whose logging is off, and a versioned table alone', () => {
    const build = (m?: Materialized<unknown, unknown>) => {
      const b = new StreamsBuilder();
      b.table('input', undefined, m);
      return b.build({ topologyOptimization: 'all' }).subtopologies()[0]!;
    };
    expect(build().stores).toEqual([]);
    expect(build(Materialized.as('quiet').withLoggingDisabled()).sourceChangelogTopics.size).toBe(0);
    const versioned = build(Materialized.as(Stores.persistentVersionedKeyValueStore('history', 60_000)));
    expect(versioned.sourceChangelogTopics.size).toBe(0);
    expect(versioned.changelogTopics.get('history')).toBe('history-changelog');
  });

  it('refuses a store and topic the Processor API connects wrongly, naming them', () => {
    const t = new Topology().addSource('s', ['input']).addProcessor('p', () => ({ process() {} }), 's');
    expect(() => t.connectSourceStoreAndTopic('missing', 'input')).toThrow(TopologyError);
    t.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore('kv'), undefined as never, undefined as never), 'p');
    expect(() => t.connectSourceStoreAndTopic('kv', 'elsewhere')).toThrow(/Topic "elsewhere" is not read by any source/);
    t.connectSourceStoreAndTopic('kv', 'input');
    expect(t.subtopologies()[0]!.sourceChangelogTopics.get('kv')).toBe('input');
  });
});
