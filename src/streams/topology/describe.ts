/*
 * TopologyDescription: a read-only view of a topology and its text form, byte-for-byte the
 * format of Kafka Streams' `TopologyDescription.toString()` so the output can be compared with
 * (or pasted next to) a Java application's describe() — and read by tools that parse it.
 *
 * Format (each sub-topology, then a blank line):
 *   "Topologies:\n "
 *   "  Sub-topology: <id>\n"
 *   "    Source: <name> (topics: [<t1>, <t2>])\n      --> <succ, …>\n"
 *   "    Processor: <name> (stores: [<s>])\n      --> <succ, …>\n      <-- <pred, …>\n"
 *   "    Sink: <name> (topic: <topic>)\n      <-- <pred, …>\n"
 *   "\n"
 * A global store prints as "  Sub-topology: <id> for global store (will not generate tasks)\n"
 * followed by its source and processor lines (no trailing blank line).
 * Empty neighbour lists print "none". A pattern source prints the regex source instead of
 * "[…]". A sink with a topic extractor prints "(extractor class: <text>)", where text is the
 * extractor's own toString() if it defines one, else its function name.
 *
 * Order (Kafka's NodeComparator): nodes are sorted by "size" descending, then by name. A node's
 * size is 1 + the sizes of its successors within the sub-topology (so sources of long chains come
 * first). Each node's successors and predecessors are in the order Kafka's TreeSets hold them,
 * which depends on the sizes at the time each edge was added (describe-order.ts). Store and topic
 * sets print in java.util.HashSet order (java-hash-order.ts).
 */
import { replayDescribe } from './describe-order.ts';
import { javaSetToString } from './java-hash-order.ts';
import type { NodeSpec } from './node-specs.ts';
import type { Topology } from './topology.ts';

export interface NodeDescription {
  readonly type: 'source' | 'processor' | 'sink';
  readonly name: string;
  /** Source topics (relative names); undefined for a pattern source. */
  readonly topics?: readonly string[] | undefined;
  readonly pattern?: RegExp | undefined;
  readonly stores?: readonly string[] | undefined;
  /** Sink topic; undefined when the sink uses a topic extractor. */
  readonly topic?: string | undefined;
  /** Sink only: how the topic extractor prints (its own toString(), or its function name). */
  readonly extractor?: string | undefined;
  readonly predecessors: readonly string[];
  readonly successors: readonly string[];
}

export interface SubtopologyDescription {
  readonly id: number;
  readonly nodes: readonly NodeDescription[];
}

/** A global store's group: its source and the processor that keeps the store. */
export interface GlobalStoreDescription {
  readonly id: number;
  readonly source: NodeDescription;
  readonly processor: NodeDescription;
}

export class TopologyDescription {
  constructor(
    readonly subtopologies: readonly SubtopologyDescription[],
    readonly globalStores: readonly GlobalStoreDescription[] = [],
  ) {}

  /** Sub-topologies and global stores in id order (ids are one sequence over both, as in Kafka). */
  toString(): string {
    const parts = [
      ...this.subtopologies.map((s) => ({ id: s.id, text: subtopologyToString(s) })),
      ...this.globalStores.map((g) => ({ id: g.id, text: globalStoreToString(g) })),
    ].sort((a, b) => a.id - b.id);
    let out = 'Topologies:\n ';
    for (const p of parts) out += '  ' + p.text;
    return out;
  }
}

function globalStoreToString(g: GlobalStoreDescription): string {
  return `Sub-topology: ${g.id} for global store (will not generate tasks)\n    ${nodeToString(g.source)}\n    ${nodeToString(g.processor)}\n`;
}

function subtopologyToString(sub: SubtopologyDescription): string {
  let nodes = '';
  for (const node of sub.nodes) nodes += '    ' + nodeToString(node) + '\n';
  return `Sub-topology: ${sub.id}\n${nodes}\n`;
}

function names(list: readonly string[]): string {
  return list.length === 0 ? 'none' : list.join(', ');
}

function nodeToString(node: NodeDescription): string {
  switch (node.type) {
    case 'source': {
      const topics = node.topics !== undefined ? javaSetToString(node.topics) : node.pattern!.source;
      return `Source: ${node.name} (topics: ${topics})\n      --> ${names(node.successors)}`;
    }
    case 'processor':
      return `Processor: ${node.name} (stores: ${javaSetToString(node.stores ?? [])})\n      --> ${names(node.successors)}\n      <-- ${names(node.predecessors)}`;
    case 'sink':
      return node.topic !== undefined
        ? `Sink: ${node.name} (topic: ${node.topic})\n      <-- ${names(node.predecessors)}`
        : `Sink: ${node.name} (extractor class: ${node.extractor})\n      <-- ${names(node.predecessors)}`;
  }
}

/** Kafka prints the extractor's toString(); a plain JS function prints its name instead of its source. */
function extractorName(fn: (...args: never[]) => unknown): string {
  if (fn.toString !== Function.prototype.toString) return fn.toString();
  return fn.name.length > 0 ? fn.name : 'anonymous topic name extractor';
}

function predecessorsOf(spec: NodeSpec): readonly string[] {
  return spec.kind === 'source' ? [] : spec.predecessors;
}

export function describeTopology(topology: Topology): TopologyDescription {
  const specs = topology.nodes();
  const subs: SubtopologyDescription[] = [];
  const globals: GlobalStoreDescription[] = [];
  for (const g of topology.globalSubtopologies()) {
    const [sourceName, processorName] = g.nodes;
    const source = specs.get(sourceName!)!;
    const processor = specs.get(processorName!)!;
    globals.push({
      id: g.id,
      source: { type: 'source', name: source.name, topics: source.kind === 'source' ? source.topics : [], predecessors: [], successors: [processor.name] },
      processor: { type: 'processor', name: processor.name, stores: [...g.stores], predecessors: [source.name], successors: [] },
    });
  }
  const globalIds = new Set(globals.map((g) => g.id));
  for (const [id, members] of topology.nodeGroups()) {
    if (globalIds.has(id)) continue;
    const { size, predecessors, successors } = replayDescribe(members, (n) => predecessorsOf(specs.get(n)!));
    // the sub-topology's own node set is sorted once all sizes are final
    const compare = (a: string, b: string): number => size.get(b)! - size.get(a)! || (a < b ? -1 : a > b ? 1 : 0);
    const nodes: NodeDescription[] = [...members].sort(compare).map((name) => {
      const spec = specs.get(name)!;
      const preds = predecessors.get(name)!;
      const succs = successors.get(name)!;
      if (spec.kind === 'source') {
        return { type: 'source', name, topics: spec.topics, pattern: spec.pattern, predecessors: [], successors: succs };
      }
      if (spec.kind === 'processor') {
        return { type: 'processor', name, stores: [...spec.stores], predecessors: preds, successors: succs };
      }
      return {
        type: 'sink',
        name,
        topic: typeof spec.topic === 'string' ? spec.topic : undefined,
        extractor: typeof spec.topic === 'string' ? undefined : extractorName(spec.topic),
        predecessors: preds,
        successors: [],
      };
    });
    subs.push({ id, nodes });
  }
  return new TopologyDescription(subs, globals);
}
