/*
 * Renders a topology as a Mermaid flowchart: one subgraph per sub-topology, topics as
 * stadium-shaped nodes between them (so a repartition topic visibly connects the sink of one
 * sub-topology to the source of the next), stores as cylinders attached to their processors.
 *
 * Mermaid ids cannot hold every character a Kafka name can, so each node gets a generated id
 * (n0, n1, …, t0 … for topics, s0 … for stores; topology-graph.ts) and the real name goes in the
 * label, quoted.
 */
import type { Topology } from './topology.ts';
import { topologyGraph } from './topology-graph.ts';

function label(text: string): string {
  return `"${text.replace(/"/g, '#quot;')}"`;
}

const KIND_TITLE = { source: 'Source', sink: 'Sink', processor: 'Processor' } as const;

export function topologyToMermaid(topology: Topology): string {
  const graph = topologyGraph(topology);
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const lines: string[] = ['flowchart TD'];
  for (const sub of graph.subtopologies) {
    const title = sub.global ? `Sub-topology: ${sub.id} (global store)` : `Sub-topology: ${sub.id}`;
    lines.push(`  subgraph sub${sub.id}[${label(title)}]`);
    for (const id of sub.nodes) {
      const node = byId.get(id)!;
      lines.push(`    ${id}[${label(`${KIND_TITLE[node.kind as keyof typeof KIND_TITLE]}: ${node.label}`)}]`);
    }
    lines.push('  end');
  }
  for (const n of graph.nodes) if (n.kind === 'topic') lines.push(`  ${n.id}([${label(n.label)}])`);
  for (const n of graph.nodes) if (n.kind === 'store') lines.push(`  ${n.id}[(${label(n.label)})]`);
  for (const e of graph.edges) lines.push(`  ${e.from} ${e.store === true ? '-.-' : '-->'} ${e.to}`);
  return lines.join('\n') + '\n';
}
