// The Processor API topology: building, validation, sub-topologies, internal topics, describe(), Mermaid.
import { describe, expect, it } from 'vitest';
import { Topology, TopologyError } from '../../../src/streams/topology/topology.ts';
import { InternalTopicType, type StoreFactory } from '../../../src/streams/topology/node-specs.ts';
import type { StateStore } from '../../../src/streams/state/store-types.ts';

const noop = () => ({ process() {} });
const store = (name: string, loggingEnabled = true): StoreFactory => ({
  name,
  loggingEnabled,
  build: () => ({ name }) as unknown as StateStore,
});

describe('Topology (Processor API)', () => {
  it('prints an empty topology as Kafka does', () => {
    expect(new Topology().describe().toString()).toBe('Topologies:\n ');
  });

  it('connects source → processors → sink in one sub-topology and describes it', () => {
    const t = new Topology()
      .addSource('source', ['topic-a', 'topic-b'])
      .addProcessor('p1', noop, 'source')
      .addProcessor('p2', noop, 'p1')
      .addStateStore(store('s1'), 'p1')
      .addSink('sink', 'out', {}, 'p2');
    expect(t.subtopologies()).toHaveLength(1);
    expect(t.describe().toString()).toBe(
      'Topologies:\n' +
        '   Sub-topology: 0\n' +
        '    Source: source (topics: [topic-a, topic-b])\n' +
        '      --> p1\n' +
        '    Processor: p1 (stores: [s1])\n' +
        '      --> p2\n' +
        '      <-- source\n' +
        '    Processor: p2 (stores: [])\n' +
        '      --> sink\n' +
        '      <-- p1\n' +
        '    Sink: sink (topic: out)\n' +
        '      <-- p2\n\n',
    );
  });

  it('orders nodes by sub-tree size, then name, like Kafka', () => {
    const t = new Topology()
      .addSource('s', 'in')
      .addProcessor('z-long', noop, 's')
      .addProcessor('z-long-2', noop, 'z-long')
      .addProcessor('a-short', noop, 's');
    const d = t.describe().subtopologies[0]!;
    expect(d.nodes.map((n) => n.name)).toEqual(['s', 'z-long', 'a-short', 'z-long-2']);
    expect(d.nodes[0]!.successors).toEqual(['z-long', 'a-short']);
  });

  it('separate sources form separate sub-topologies; a shared store joins them', () => {
    const t = new Topology()
      .addSource('s1', 'a')
      .addProcessor('p1', noop, 's1')
      .addSource('s2', 'b')
      .addProcessor('p2', noop, 's2');
    expect(t.subtopologies().map((s) => s.nodes)).toEqual([['s1', 'p1'], ['s2', 'p2']]);
    t.addStateStore(store('shared'), 'p1', 'p2');
    const subs = t.subtopologies();
    expect(subs).toHaveLength(1);
    expect(subs[0]!.sourceTopics).toEqual(['a', 'b']);
    expect(subs[0]!.stores).toEqual(['shared']);
    expect([...subs[0]!.changelogTopics]).toEqual([['shared', 'shared-changelog']]);
  });

  it('cuts at a repartition topic and marks it internal', () => {
    const t = new Topology()
      .addSource('src', 'in')
      .addSink('to-rep', 'x-repartition', {}, 'src')
      .addInternalTopic('x-repartition', InternalTopicType.REPARTITION)
      .addSource('from-rep', 'x-repartition')
      .addProcessor('agg', noop, 'from-rep')
      .addStateStore(store('nolog', false), 'agg');
    const subs = t.subtopologies();
    expect(subs.map((s) => s.id)).toEqual([0, 1]);
    expect(subs[0]!.sinkTopics).toEqual(['x-repartition']);
    expect(subs[1]!.repartitionSourceTopics).toEqual(['x-repartition']);
    expect(subs[1]!.changelogTopics.size).toBe(0);
    expect(t.resolveTopic('x-repartition', 'app')).toBe('app-x-repartition');
    expect(t.resolveTopic('in', 'app')).toBe('in');
    expect(Topology.changelogTopic('app', 'counts')).toBe('app-counts-changelog');
  });

  it('describes pattern sources with the regex and extractor sinks with the function name', () => {
    function routeByKey(key: unknown) {
      return `out-${String(key)}`;
    }
    const t = new Topology().addSource('src', /topic-\d+/).addSink('sink', routeByKey, {}, 'src');
    const text = t.describe().toString();
    expect(text).toContain('Source: src (topics: topic-\\d+)\n      --> sink');
    expect(text).toContain('Sink: sink (extractor class: routeByKey)');
  });

  it('records co-partition groups as topic sets', () => {
    const t = new Topology().addSource('a', 'left').addSource('b', ['right', 'right2']).copartitionSources(['a', 'b']);
    expect(t.copartitionGroups()).toEqual([['left', 'right', 'right2']]);
  });

  it('rejects invalid wiring with messages that say what to do', () => {
    const t = new Topology().addSource('src', 'in').addSink('sink', 'out', {}, 'src');
    expect(() => t.addSource('src', 'other')).toThrow(/already added/);
    expect(() => t.addSource('src2', 'in')).toThrow(/already read by source "src"/);
    expect(() => t.addProcessor('p', noop)).toThrow(/at least one parent/);
    expect(() => t.addProcessor('p', noop, 'missing')).toThrow(/not added yet/);
    expect(() => t.addProcessor('p', noop, 'sink')).toThrow(/sinks have no children/);
    expect(() => t.addStateStore(store('s'), 'src')).toThrow(/only processors use stores/);
    expect(() => t.connectProcessorAndStateStores(['src', 'nope'])).toThrow(/not added yet/);
    t.addProcessor('p', noop, 'src').addStateStore(store('s'), 'p');
    expect(() => t.addStateStore(store('s'))).toThrow(TopologyError);
    expect(() => t.addSource('empty', [])).toThrow(/at least one topic/);
  });

  it('renders a Mermaid flowchart with sub-topologies, topics and stores', () => {
    const t = new Topology()
      .addSource('src', 'in')
      .addProcessor('agg', noop, 'src')
      .addStateStore(store('counts'), 'agg')
      .addSink('sink', 'out', {}, 'agg');
    const m = t.toMermaid();
    expect(m.startsWith('flowchart TD\n')).toBe(true);
    expect(m).toContain('subgraph sub0["Sub-topology: 0"]');
    expect(m).toContain('n0["Source: src"]');
    expect(m).toContain('t0(["in"])');
    expect(m).toContain('s0[("counts")]');
    expect(m).toContain('t0 --> n0');
    expect(m).toContain('n1 -.- s0');
    expect(m).toContain('n2 --> t1');
  });
});
