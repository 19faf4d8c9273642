import { describe, expect, it } from 'vitest';
import { NameProvider, Prefix } from '../../../src/streams/graph/naming.ts';
import { LogicalPlan } from '../../../src/streams/graph/graph-node.ts';
import { ProcessorGraphNode } from '../../../src/streams/graph/processor-nodes.ts';
import { StreamSourceNode } from '../../../src/streams/graph/source-nodes.ts';
import { Topology } from '../../../src/streams/topology/topology.ts';

describe('NameProvider', () => {
  it('numbers processors and stores from one counter, as Kafka Streams', () => {
    const n = new NameProvider();
    expect(n.newProcessorName(Prefix.KSTREAM_SOURCE)).toBe('KSTREAM-SOURCE-0000000000');
    expect(n.newStoreName(Prefix.KSTREAM_AGGREGATE)).toBe('KSTREAM-AGGREGATE-STATE-STORE-0000000001');
    expect(n.newStoreName('topic-')).toBe('topic-STATE-STORE-0000000002');
  });

  it('burns an index even when the user names the operator', () => {
    const n = new NameProvider();
    expect(n.orElseGenerate('mine', Prefix.KSTREAM_FILTER)).toBe('mine');
    expect(n.suffixOrElseGenerate('mine', '-source', Prefix.KSTREAM_SOURCE)).toBe('mine-source');
    expect(n.orElseGenerate(undefined, Prefix.KSTREAM_MAP)).toBe('KSTREAM-MAP-0000000002');
  });
});

describe('LogicalPlan', () => {
  it('writes nodes to the topology in the order they were added', () => {
    const plan = new LogicalPlan();
    const src = plan.addNode(plan.root, new StreamSourceNode('src', ['in'], { keyDeserializer: undefined, valueDeserializer: undefined, timestampExtractor: undefined }));
    const a = plan.addNode(src, new ProcessorGraphNode('a', () => ({ process() {} })));
    plan.addNode(src, new ProcessorGraphNode('b', () => ({ process() {} })));
    plan.addNode(a, new ProcessorGraphNode('c', () => ({ process() {} })));
    // Re-adding an existing node as a child of another parent keeps its priority.
    plan.addNode(a, a.children[0]!);
    const t = plan.writeTo(new Topology());
    expect([...t.nodes().keys()]).toEqual(['src', 'a', 'b', 'c']);
    expect(plan.nodes().map((n) => n.buildPriority)).toEqual([0, 1, 2, 3]);
  });
});
