/*
 * The logical plan the DSL builds: a DAG of graph nodes under a root, each of which knows how to
 * write itself into a Topology (one graph node may become several topology nodes: a repartition
 * node is a filter processor, a sink and a source; a table source is a source and a processor).
 *
 * Invariants:
 *  - buildPriority is the order nodes were added to the plan; `build()` writes nodes in that
 *    order (Kafka walks a priority queue by it), which fixes the topology's insertion order and
 *    therefore sub-topology numbering.
 *  - `outputName` is the topology node downstream nodes connect to (the source of a repartition,
 *    the processor of a table source).
 *  - Mutable flags (a table source's `materialized`, a table processor's `sendOldValues`) may be
 *    switched on by later DSL calls; they are read only at build time.
 *  - A build may rewrite the plan before writing it (Kafka's InternalStreamsBuilder
 *    buildAndOptimizeTopology: duplicate sources merged, then the optimization rules). Rewrites
 *    only move edges and set `replacedBy`; `writeTo` snapshots every edge first and restores it
 *    afterwards, so each build starts from the plan the DSL wrote and builds with different
 *    configs do not see each other's rewrites.
 *  - Only nodes reachable from the root are written (a rewrite detaches the nodes it removes),
 *    in buildPriority order; a node a rewrite adds takes a fractional priority right after the
 *    node it hangs under.
 */
import type { Topology } from '../topology/topology.ts';

/** What a build applies to the plan (dsl/topology-optimization.ts parses it from the user's config). */
export interface TopologyBuildOptions {
  /** Optimization rules to apply, by Kafka's name (e.g. "single.store.self.join"). */
  readonly optimizations: ReadonlySet<string>;
}

const NO_OPTIMIZATION: TopologyBuildOptions = { optimizations: new Set() };

export abstract class GraphNode {
  readonly parents: GraphNode[] = [];
  readonly children: GraphNode[] = [];
  buildPriority = -1;
  /** Kafka's keyChangingOperation: map, flatMap, selectKey, groupBy's key selector. */
  keyChanging = false;
  /** Kafka's valueChangingOperation: mapValues, flatMapValues (and their async forms). */
  valueChanging = false;
  /** Kafka's mergeNode: KStream.merge. */
  mergeNode = false;
  /**
   * Set (for one build) by a rewrite that took this node out of the plan: the node whose output
   * now stands for it (a merged duplicate source's surviving twin, a removed repartition's parent).
   */
  replacedBy: GraphNode | undefined;

  constructor(readonly nodeName: string) {}

  /** The topology node downstream nodes connect to (its replacement's, if a rewrite removed it). */
  get outputName(): string {
    return this.replacedBy !== undefined ? this.replacedBy.outputName : this.nodeName;
  }

  /** The node that stands for this one in the current build (itself unless a rewrite removed it). */
  resolved(): GraphNode {
    return this.replacedBy !== undefined ? this.replacedBy.resolved() : this;
  }

  /** Kafka's GraphNode.addChild: appends the edge (both directions) unless present. */
  addChild(child: GraphNode): void {
    if (!this.children.includes(child)) this.children.push(child);
    if (!child.parents.includes(this)) child.parents.push(this);
  }

  /** Kafka's GraphNode.removeChild: drops the edge in both directions. */
  removeChild(child: GraphNode): void {
    const i = this.children.indexOf(child);
    if (i >= 0) this.children.splice(i, 1);
    const j = child.parents.indexOf(this);
    if (j >= 0) child.parents.splice(j, 1);
  }

  parentNames(): string[] {
    return this.parents.map((p) => p.outputName);
  }

  /** `build`: the optimizations of this build; nodes that no rule rewrites ignore it. */
  abstract writeToTopology(topology: Topology, build: TopologyBuildOptions): void;
}

export class RootNode extends GraphNode {
  constructor() {
    super('root');
  }
  writeToTopology(): void {}
}

/** Holds the plan, the name counter's companion priority counter, and compiles the plan. */
export class LogicalPlan {
  readonly root = new RootNode();
  #priority = 0;
  readonly #all: GraphNode[] = [];

  addNode(parents: GraphNode | readonly GraphNode[], child: GraphNode): GraphNode {
    const list = Array.isArray(parents) ? (parents as readonly GraphNode[]) : [parents as GraphNode];
    if (list.length === 0) throw new Error(`Graph node "${child.nodeName}" needs a parent.`);
    for (const p of list) {
      if (!child.parents.includes(p)) child.parents.push(p);
      if (!p.children.includes(child)) p.children.push(child);
    }
    if (child.buildPriority < 0) {
      child.buildPriority = this.#priority++;
      this.#all.push(child);
    }
    return child;
  }

  nodes(): readonly GraphNode[] {
    return this.#all;
  }

  /**
   * Writes the plan into `topology`, after `rewrite` (if given) has rewritten it for this build.
   * The rewrite's edge changes and `replacedBy` marks are undone before returning.
   */
  writeTo(topology: Topology, build: TopologyBuildOptions = NO_OPTIMIZATION, rewrite?: (plan: LogicalPlan) => void): Topology {
    const saved = [this.root, ...this.#all].map((n) => ({ n, parents: [...n.parents], children: [...n.children] }));
    try {
      rewrite?.(this);
      for (const node of this.#reachable()) node.writeToTopology(topology, build);
      return topology;
    } finally {
      for (const { n, parents, children } of saved) {
        n.parents.splice(0, n.parents.length, ...parents);
        n.children.splice(0, n.children.length, ...children);
        n.replacedBy = undefined;
      }
    }
  }

  /** Nodes reachable from the root, in buildPriority order (parents always precede children). */
  #reachable(): GraphNode[] {
    const seen = new Set<GraphNode>();
    const stack: GraphNode[] = [...this.root.children];
    while (stack.length > 0) {
      const n = stack.pop()!;
      if (seen.has(n)) continue;
      seen.add(n);
      stack.push(...n.children);
    }
    return [...seen].sort((a, b) => a.buildPriority - b.buildPriority);
  }
}
