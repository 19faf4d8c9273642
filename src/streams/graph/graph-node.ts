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

  constructor(readonly nodeName: string) {}

  get outputName(): string {
    return this.nodeName;
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

  writeTo(topology: Topology, build: TopologyBuildOptions = NO_OPTIMIZATION): Topology {
    const ordered = [...this.#all].sort((a, b) => a.buildPriority - b.buildPriority);
    for (const node of ordered) node.writeToTopology(topology, build);
    return topology;
  }
}
