/*
 * Draws a published topology graph as SVG from layoutTopology (topology-layout.ts): clusters
 * for sub-topologies, boxes for processors (sources and sinks tinted), pills for topics,
 * cylinders for stores, arrows for record flow and dashed lines for store access. The Mermaid
 * text the app published is offered below it, for pasting into other tools.
 */
import { useMemo } from 'preact/hooks';
import type { TopologyGraph } from '../../streams/topology/topology-graph.ts';
import { html } from './html.ts';
import { layoutTopology, nodeText, type LaidNode } from './topology-layout.ts';

function shape(n: LaidNode) {
  const x = n.x - n.width / 2;
  const y = n.y - n.height / 2;
  if (n.kind === 'topic') return html`<rect class="topic" x=${x} y=${y} width=${n.width} height=${n.height} rx=${n.height / 2} />`;
  if (n.kind === 'store') {
    const ry = 5;
    return html`<path class="store" d=${`M${x},${y + ry} a${n.width / 2},${ry} 0 0,0 ${n.width},0 a${n.width / 2},${ry} 0 0,0 ${-n.width},0 v${n.height - 2 * ry} a${n.width / 2},${ry} 0 0,0 ${n.width},0 v${-(n.height - 2 * ry)}`} />`;
  }
  return html`<rect class=${n.kind} x=${x} y=${y} width=${n.width} height=${n.height} rx="4" />`;
}

export function TopologyView(props: { graph: TopologyGraph; mermaid: string }) {
  const layout = useMemo(() => layoutTopology(props.graph), [props.graph]);
  return html`<div class="topology">
    <svg class="topology-svg" width=${layout.width} height=${layout.height} viewBox=${`0 0 ${layout.width} ${layout.height}`} role="img" aria-label="topology">
      <defs>
        <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#475569" /></marker>
      </defs>
      ${layout.clusters.map(
        (c) => html`<g class="cluster"><rect x=${c.x - c.width / 2} y=${c.y - c.height / 2} width=${c.width} height=${c.height} rx="6" /><text x=${c.x - c.width / 2 + 8} y=${c.y - c.height / 2 + 14}>${c.label}</text></g>`,
      )}
      ${layout.edges.map(
        (e) => html`<polyline class=${e.store ? 'edge store-edge' : 'edge'} points=${e.points.map((p) => `${p.x},${p.y}`).join(' ')} marker-end=${e.store ? undefined : 'url(#arrow)'} />`,
      )}
      ${layout.nodes.map((n) => html`<g class="node" data-kind=${n.kind} data-label=${n.label}>${shape(n)}<text x=${n.x} y=${n.y + 4} text-anchor="middle">${nodeText(n.kind, n.label)}</text></g>`)}
    </svg>
    <details><summary>Mermaid</summary><pre>${props.mermaid}</pre></details>
  </div>`;
}
