/*
 * A topology as plain data: nodes (processors, topics, stores) and edges, the one walk of the
 * topology that both the Mermaid text (mermaid.ts) and the web console's drawing use.
 *
 * Invariants: node ids are generated (n0… processors in sub-topology order, t0… topics, s0…
 * stores, each in order of first mention), so they are stable for one topology and hold only
 * [a-z0-9]; the real Kafka names are in `label`. Edges point the way records flow (topic →
 * source, processor → child, sink → topic); a store edge (`store: true`) joins a processor to a
 * store it uses and has no direction.
 */
import type { Topology } from './topology.ts';

export const TopologyNodeKinds = ['source', 'processor', 'sink', 'topic', 'store'] as const;
export type TopologyNodeKind = (typeof TopologyNodeKinds)[number];

export interface TopologyGraphNode {
  readonly id: string;
  readonly kind: TopologyNodeKind;
  /** The processor, topic or store name. */
  readonly label: string;
  /** The sub-topology a processor belongs to; absent for topics and stores. */
  readonly subtopology?: number;
}

export interface TopologyGraphEdge {
  readonly from: string;
  readonly to: string;
  readonly store?: true;
}

export interface TopologySubgraph {
  readonly id: number;
  readonly global: boolean;
  /** Processor node ids, in the sub-topology's order. */
  readonly nodes: readonly string[];
}

export interface TopologyGraph {
  readonly subtopologies: readonly TopologySubgraph[];
  readonly nodes: readonly TopologyGraphNode[];
  readonly edges: readonly TopologyGraphEdge[];
}

export function topologyGraph(topology: Topology): TopologyGraph {
  const nodeId = new Map<string, string>();
  const topicId = new Map<string, string>();
  const storeId = new Map<string, string>();
  const idFor = (map: Map<string, string>, prefix: string, key: string): string => {
    let id = map.get(key);
    if (id === undefined) {
      id = `${prefix}${map.size}`;
      map.set(key, id);
    }
    return id;
  };
  const specs = topology.nodes();
  const nodes: TopologyGraphNode[] = [];
  const edges: TopologyGraphEdge[] = [];
  const subtopologies: TopologySubgraph[] = [];
  for (const sub of topology.allSubtopologies()) {
    const members: string[] = [];
    for (const name of sub.nodes) {
      const spec = specs.get(name)!;
      const id = idFor(nodeId, 'n', name);
      members.push(id);
      nodes.push({ id, kind: spec.kind === 'source' ? 'source' : spec.kind === 'sink' ? 'sink' : 'processor', label: name, subtopology: sub.id });
      if (spec.kind === 'source') {
        const topics = spec.topics ?? [`/${spec.pattern!.source}/`];
        for (const t of topics) edges.push({ from: idFor(topicId, 't', t), to: id });
      } else {
        for (const p of spec.predecessors) edges.push({ from: idFor(nodeId, 'n', p), to: id });
        if (spec.kind === 'sink') {
          const topic = typeof spec.topic === 'string' ? spec.topic : `(topic extractor of ${name})`;
          edges.push({ from: id, to: idFor(topicId, 't', topic) });
        } else {
          for (const s of spec.stores) edges.push({ from: id, to: idFor(storeId, 's', s), store: true });
        }
      }
    }
    subtopologies.push({ id: sub.id, global: sub.global, nodes: members });
  }
  for (const [topic, id] of topicId) nodes.push({ id, kind: 'topic', label: topic });
  for (const [store, id] of storeId) nodes.push({ id, kind: 'store', label: store });
  return { subtopologies, nodes, edges };
}
