/*
 * Renders a topology as a Mermaid flowchart: one subgraph per sub-topology, topics as
 * stadium-shaped nodes between them (so a repartition topic visibly connects the sink of one
 * sub-topology to the source of the next), stores as cylinders attached to their processors.
 *
 * Mermaid ids cannot hold every character a Kafka name can, so each node gets a generated id
 * (n0, n1, …, t0 … for topics, s0 … for stores) and the real name goes in the label, quoted.
 */
import type { Topology } from './topology.ts';

function label(text: string): string {
  return `"${text.replace(/"/g, '#quot;')}"`;
}

export function topologyToMermaid(topology: Topology): string {
  const lines: string[] = ['flowchart TD'];
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
  const edges: string[] = [];
  for (const sub of topology.allSubtopologies()) {
    const title = sub.global ? `Sub-topology: ${sub.id} (global store)` : `Sub-topology: ${sub.id}`;
    lines.push(`  subgraph sub${sub.id}[${label(title)}]`);
    for (const name of sub.nodes) {
      const spec = specs.get(name)!;
      const id = idFor(nodeId, 'n', name);
      const kind = spec.kind === 'source' ? 'Source' : spec.kind === 'sink' ? 'Sink' : 'Processor';
      lines.push(`    ${id}[${label(`${kind}: ${name}`)}]`);
      if (spec.kind === 'source') {
        const topics = spec.topics ?? [`/${spec.pattern!.source}/`];
        for (const t of topics) edges.push(`  ${idFor(topicId, 't', t)} --> ${id}`);
      } else {
        for (const p of spec.predecessors) edges.push(`  ${idFor(nodeId, 'n', p)} --> ${id}`);
        if (spec.kind === 'sink') {
          const topic = typeof spec.topic === 'string' ? spec.topic : `(topic extractor of ${name})`;
          edges.push(`  ${id} --> ${idFor(topicId, 't', topic)}`);
        } else {
          for (const s of spec.stores) edges.push(`  ${id} -.- ${idFor(storeId, 's', s)}`);
        }
      }
    }
    lines.push('  end');
  }
  for (const [topic, id] of topicId) lines.push(`  ${id}([${label(topic)}])`);
  for (const [store, id] of storeId) lines.push(`  ${id}[(${label(store)})]`);
  lines.push(...edges);
  return lines.join('\n') + '\n';
}
