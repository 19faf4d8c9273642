/*
 * Cuts a topology into sub-topologies: the connected components of the node graph, where an
 * edge joins a processor or sink to each predecessor and a state store joins all its users.
 * Topics are not edges, so a repartition topic (a sink in one component, a source in another)
 * is exactly where the graph is cut — as Kafka Streams' QuickUnion nodeGrouper does.
 *
 * Numbering: components are numbered 0, 1, … in the order their first node was added to the
 * topology (Kafka's makeNodeGroups walks nodeFactories in insertion order), so upstream
 * sub-topologies come first.
 */

/** Union-find over node names with path compression. */
export class NodeGrouper {
  private readonly parent = new Map<string, string>();

  add(name: string): void {
    if (!this.parent.has(name)) this.parent.set(name, name);
  }

  root(name: string): string {
    let r = this.parent.get(name);
    if (r === undefined) throw new Error(`NodeGrouper: unknown node "${name}"`);
    let cur = name;
    while (r !== cur) {
      cur = r;
      r = this.parent.get(cur)!;
    }
    // compress
    let n = name;
    while (n !== r) {
      const next = this.parent.get(n)!;
      this.parent.set(n, r);
      n = next;
    }
    return r;
  }

  unite(name: string, others: Iterable<string>): void {
    for (const other of others) {
      const a = this.root(name);
      const b = this.root(other);
      if (a !== b) this.parent.set(b, a);
    }
  }
}

/** id → node names, ids in order of each group's first node in `orderedNodes`. */
export function makeNodeGroups(orderedNodes: Iterable<string>, grouper: NodeGrouper): Map<number, string[]> {
  const groups = new Map<number, string[]>();
  const byRoot = new Map<string, string[]>();
  let next = 0;
  for (const node of orderedNodes) {
    const root = grouper.root(node);
    let group = byRoot.get(root);
    if (group === undefined) {
      group = [];
      byRoot.set(root, group);
      groups.set(next++, group);
    }
    group.push(node);
  }
  return groups;
}
