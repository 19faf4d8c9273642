/*
 * Lays a topology graph (src/streams/topology/topology-graph.ts, as an app publishes it) out
 * for drawing as SVG: dagre's layered layout, top to bottom, with one cluster per
 * sub-topology. Pure (no DOM), so it is tested under Node.
 *
 * Output invariants: every node of the input has a box (x, y = centre); every edge has at least
 * two points; clusters enclose their processors; width/height bound everything.
 */
import dagre from '@dagrejs/dagre';
import type { TopologyGraph, TopologyNodeKind } from '../../streams/topology/topology-graph.ts';

export interface LaidNode {
  readonly id: string;
  readonly kind: TopologyNodeKind;
  readonly label: string;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface LaidEdge {
  readonly from: string;
  readonly to: string;
  readonly store: boolean;
  readonly points: readonly { x: number; y: number }[];
}

export interface LaidCluster {
  readonly id: number;
  readonly label: string;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface TopologyLayout {
  readonly width: number;
  readonly height: number;
  readonly nodes: readonly LaidNode[];
  readonly edges: readonly LaidEdge[];
  readonly clusters: readonly LaidCluster[];
}

/** Monospace-ish estimate: the page draws labels at 12 px, about 7 px a character. */
const CHAR_PX = 7;
const NODE_HEIGHT = 34;

const KIND_PREFIX: Record<TopologyNodeKind, string> = { source: 'Source: ', processor: '', sink: 'Sink: ', topic: '', store: '' };

export function nodeText(kind: TopologyNodeKind, label: string): string {
  return KIND_PREFIX[kind] + label;
}

export function layoutTopology(graph: TopologyGraph): TopologyLayout {
  const g = new dagre.graphlib.Graph({ compound: true, multigraph: true });
  g.setGraph({ rankdir: 'TB', nodesep: 24, ranksep: 36, marginx: 12, marginy: 12 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const sub of graph.subtopologies) g.setNode(`cluster${sub.id}`, { label: sub.global ? `Sub-topology ${sub.id} (global)` : `Sub-topology ${sub.id}` });
  for (const n of graph.nodes) {
    g.setNode(n.id, { width: Math.max(60, nodeText(n.kind, n.label).length * CHAR_PX + 24), height: NODE_HEIGHT });
    if (n.subtopology !== undefined) g.setParent(n.id, `cluster${n.subtopology}`);
  }
  graph.edges.forEach((e, i) => g.setEdge(e.from, e.to, { minlen: e.store === true ? 1 : 1 }, `e${i}`));
  dagre.layout(g);
  const nodes = graph.nodes.map((n) => {
    const laid = g.node(n.id) as { x: number; y: number; width: number; height: number };
    return { id: n.id, kind: n.kind, label: n.label, x: laid.x, y: laid.y, width: laid.width, height: laid.height };
  });
  const edges = graph.edges.map((e, i) => {
    const laid = g.edge({ v: e.from, w: e.to, name: `e${i}` }) as { points?: { x: number; y: number }[] } | undefined;
    const a = g.node(e.from) as { x: number; y: number };
    const b = g.node(e.to) as { x: number; y: number };
    const points = laid?.points !== undefined && laid.points.length >= 2 ? laid.points.map((p) => ({ x: p.x, y: p.y })) : [{ x: a.x, y: a.y }, { x: b.x, y: b.y }];
    return { from: e.from, to: e.to, store: e.store === true, points };
  });
  const clusters = graph.subtopologies.map((sub) => {
    const c = g.node(`cluster${sub.id}`) as { x: number; y: number; width: number; height: number; label: string };
    return { id: sub.id, label: c.label, x: c.x, y: c.y, width: c.width, height: c.height };
  });
  const size = g.graph() as { width?: number; height?: number };
  return { width: size.width ?? 0, height: size.height ?? 0, nodes, edges, clusters };
}
