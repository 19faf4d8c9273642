// The topology drawing's layout: every node placed without overlap, every edge drawn between
// its two nodes, processors inside their sub-topology's cluster.
import { describe, expect, it } from 'vitest';
import { layoutTopology } from '../../../src/console/ui/topology-layout.ts';
import { topologyGraph } from '../../../src/streams/topology/topology-graph.ts';
import { StreamsBuilder } from '../../../src/streams/dsl/streams-builder.ts';
import { Consumed } from '../../../src/streams/dsl/options/consumed.ts';
import { Serdes } from '../../../src/streams/serde/serdes.ts';

function twoSubtopologies() {
  const b = new StreamsBuilder();
  b.stream('words', Consumed.with(Serdes.string(), Serdes.string()))
    .selectKey((_k, v) => v)
    .groupByKey()
    .count()
    .toStream()
    .to('counts');
  return b.build();
}

describe('layoutTopology', () => {
  const graph = topologyGraph(twoSubtopologies());
  const layout = layoutTopology(graph);

  it('places every node inside the drawing, with no two boxes overlapping', () => {
    expect(layout.nodes.map((n) => n.id).sort()).toEqual(graph.nodes.map((n) => n.id).sort());
    for (const n of layout.nodes) {
      expect(n.x - n.width / 2).toBeGreaterThanOrEqual(0);
      expect(n.y + n.height / 2).toBeLessThanOrEqual(layout.height);
    }
    for (const a of layout.nodes) {
      for (const b of layout.nodes) {
        if (a === b) continue;
        const apart = Math.abs(a.x - b.x) >= (a.width + b.width) / 2 || Math.abs(a.y - b.y) >= (a.height + b.height) / 2;
        expect(apart, `${a.label} / ${b.label}`).toBe(true);
      }
    }
  });

  it('draws records flowing downwards: each flow edge ends lower than it starts', () => {
    expect(layout.edges).toHaveLength(graph.edges.length);
    const byId = new Map(layout.nodes.map((n) => [n.id, n]));
    for (const e of layout.edges.filter((x) => !x.store)) {
      expect(e.points.length).toBeGreaterThanOrEqual(2);
      expect(byId.get(e.to)!.y).toBeGreaterThan(byId.get(e.from)!.y);
    }
  });

  it('keeps each processor inside its sub-topology cluster; the repartition topic is between the two', () => {
    expect(layout.clusters.map((c) => c.id)).toEqual([0, 1]);
    for (const n of layout.nodes) {
      const sub = graph.nodes.find((g) => g.id === n.id)!.subtopology;
      if (sub === undefined) continue;
      const c = layout.clusters[sub]!;
      expect(Math.abs(n.x - c.x) + n.width / 2).toBeLessThanOrEqual(c.width / 2 + 0.5);
      expect(Math.abs(n.y - c.y) + n.height / 2).toBeLessThanOrEqual(c.height / 2 + 0.5);
    }
    const repartition = layout.nodes.find((n) => n.kind === 'topic' && n.label.endsWith('-repartition'))!;
    expect(repartition.y).toBeGreaterThan(layout.clusters[0]!.y);
    expect(repartition.y).toBeLessThan(layout.clusters[1]!.y);
  });
});
