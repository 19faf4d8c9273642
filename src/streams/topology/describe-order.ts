/*
 * The neighbour order of Kafka Streams' describe(): a replay of
 * InternalTopologyBuilder.describeSubtopology (apache/kafka, streams/src/main/java/org/apache/
 * kafka/streams/processor/internals/InternalTopologyBuilder.java).
 *
 * Kafka's phases, replayed step for step:
 *   1. The sub-topology's node names sit in a HashSet filled in topology (insertion) order, then
 *      in a HashMap<name, node> filled from it: edges are processed in that hash order.
 *   2. For each node, for each predecessor name in the order the node was added with:
 *        node.predecessors.add(pred); pred.successors.add(node)   (TreeSets, NodeComparator)
 *        updateSize(pred, node.size): pred.size += node.size, and so on up pred's CURRENT
 *        predecessors (every size starts at 1).
 *   NodeComparator: larger size first, then name. The TreeSets compare with the sizes of the
 *   moment and never re-sort, so two parents of equal final size (a join's this/other
 *   processors feeding its merge) print in the order their edges happened to be added.
 * Final sizes equal 1 + Σ successor sizes whatever the edge order (each path counts once).
 */
import { javaHashSetOrder } from './java-hash-order.ts';
import { JavaTreeSet } from './java-tree-set.ts';

export interface DescribeOrder {
  /** Final sub-topology size of each node. */
  readonly size: ReadonlyMap<string, number>;
  /** Each node's predecessors / successors in Kafka's print order. */
  readonly predecessors: ReadonlyMap<string, string[]>;
  readonly successors: ReadonlyMap<string, string[]>;
}

/** `members` in topology order; `parentsOf(n)` in the order n was added with (other groups' names are ignored). */
export function replayDescribe(members: readonly string[], parentsOf: (name: string) => readonly string[]): DescribeOrder {
  const inGroup = new Set(members);
  const size = new Map<string, number>(members.map((m) => [m, 1]));
  const compare = (a: string, b: string): number => {
    if (a === b) return 0;
    return size.get(b)! - size.get(a)! || (a < b ? -1 : 1);
  };
  const preds = new Map(members.map((m) => [m, new JavaTreeSet<string>(compare)]));
  const succs = new Map(members.map((m) => [m, new JavaTreeSet<string>(compare)]));
  const updateSize = (node: string, delta: number): void => {
    size.set(node, size.get(node)! + delta);
    for (const p of preds.get(node)!.values()) updateSize(p, delta);
  };
  for (const node of javaHashSetOrder(members, true)) {
    for (const pred of parentsOf(node)) {
      if (!inGroup.has(pred)) continue;
      preds.get(node)!.add(pred);
      succs.get(pred)!.add(node);
      updateSize(pred, size.get(node)!);
    }
  }
  const lists = (sets: Map<string, JavaTreeSet<string>>) => new Map([...sets].map(([k, v]) => [k, v.values()]));
  return { size, predecessors: lists(preds), successors: lists(succs) };
}
