/*
 * Plan nodes the joins add, and the co-partitioning bookkeeping they share.
 *
 * Co-partitioning (Kafka's ensureCopartitionWith): records with equal keys must meet in one
 * task, so the topics feeding the two sides of a key-based join must have the same number of
 * partitions. A join node records, at build time, the source nodes that feed each of its sides
 * — found by walking the plan upwards and stopping at the first source: a stream source, a
 * table source, or the source half of a repartition — as one co-partition group
 * (`Topology.copartitionSources`). Global tables are never co-partitioned.
 *
 * `JoinProcessorNode` is a processor that also reads stores it does not own (the other side's
 * value getter or window store): they are connected when the node is written, which puts both
 * sides into one sub-topology, as Kafka's StreamTableJoinNode / KTableKTableJoinNode do.
 */
import { GraphNode, type TopologyBuildOptions } from '../../graph/graph-node.ts';
import { ProcessorGraphNode } from '../../graph/processor-nodes.ts';
import { RepartitionNode } from '../../graph/repartition-nodes.ts';
import { GlobalTableSourceNode, StreamSourceNode, TableSourceNode } from '../../graph/source-nodes.ts';
import type { AnyProcessorSupplier } from '../../processor/processor.ts';
import type { StoreFactory } from '../../topology/node-specs.ts';
import type { Topology } from '../../topology/topology.ts';
import { TopologyOptimization } from '../topology-optimization.ts';

const SINGLE_STORE_SELF_JOIN = TopologyOptimization.SINGLE_STORE_SELF_JOIN;

/** A plan node that starts a sub-topology's input (used by joins' own internal sources). */
export interface CopartitionSource {
  readonly copartitionSourceName: string;
}

function isCopartitionSource(node: GraphNode): node is GraphNode & CopartitionSource {
  return typeof (node as Partial<CopartitionSource>).copartitionSourceName === 'string';
}

/** Names of the topology source nodes that feed `node` (not crossing a repartition). */
export function feedingSourceNames(node: GraphNode): string[] {
  const out = new Set<string>();
  const seen = new Set<GraphNode>();
  const visit = (node: GraphNode): void => {
    // A side a build rewrite removed (a merged duplicate source, a merged repartition) is fed by what replaced it.
    const n = node.resolved();
    if (seen.has(n)) return;
    seen.add(n);
    if (n instanceof GlobalTableSourceNode) return;
    if (n instanceof StreamSourceNode) out.add(n.nodeName);
    else if (n instanceof TableSourceNode) out.add(n.sourceName);
    else if (n instanceof RepartitionNode) out.add(n.spec.sourceName);
    else if (isCopartitionSource(n)) out.add(n.copartitionSourceName);
    else for (const p of n.parents) visit(p);
  };
  visit(node);
  return [...out];
}

/** Registers the sources feeding all `sides` as one co-partition group (if there are two or more). */
export function copartition(topology: Topology, sides: readonly GraphNode[]): void {
  const names = [...new Set(sides.flatMap(feedingSourceNames))];
  if (names.length > 1) topology.copartitionSources(names);
}

/**
 * A join processor: its own stores (if any), stores it reads but does not own, and the plan
 * nodes whose inputs must be co-partitioned with each other.
 */
export class JoinProcessorNode extends ProcessorGraphNode {
  constructor(
    name: string,
    supplier: AnyProcessorSupplier,
    private readonly readStoreNames: () => readonly string[],
    private readonly copartitionSides: readonly GraphNode[] = [],
    storeFactories: readonly StoreFactory[] = [],
  ) {
    super(name, supplier, storeFactories);
  }

  override writeToTopology(topology: Topology): void {
    super.writeToTopology(topology);
    for (const store of this.readStoreNames()) topology.connectProcessorAndStateStores([this.nodeName, store]);
    if (this.copartitionSides.length > 0) copartition(topology, this.copartitionSides);
  }
}

/** One processor of a multi-processor join node, with the node it hangs under. */
export interface JoinPart {
  readonly name: string;
  readonly supplier: AnyProcessorSupplier;
  /** Topology node names of its parents. */
  readonly parents: () => readonly string[];
  readonly readStores: () => readonly string[];
  readonly ownStores: readonly StoreFactory[];
}

/**
 * A join that is several processors in the topology (a two-sided KTable–KTable or
 * KStream–KStream join): the parts are written in order, then the co-partition group. The node
 * is named after its last part (the merge), which is what downstream nodes connect to.
 */
export class MultiPartJoinNode extends GraphNode {
  constructor(
    readonly parts: readonly JoinPart[],
    private readonly copartitionSides: readonly GraphNode[],
    /**
     * The parts to write instead under the single.store.self.join optimization (KIP-862: a
     * stream joined with itself). Its last part carries the same name as `parts`' last.
     */
    readonly selfJoinParts?: readonly JoinPart[],
  ) {
    super(parts[parts.length - 1]!.name);
  }

  /**
   * Whether `build` rewrites this join to its single-store self-join — Kafka's
   * rewriteSingleStoreSelfJoin: the rule is on and the join node has one parent once duplicate
   * sources are merged (`s.join(s)`, or two `builder.stream()` of one topic joined). As in
   * Kafka, the join type is not checked: a left or outer self-join is rewritten too (every
   * record matches itself, so no record is ever unmatched — except a null-key record, which a
   * two-store left/outer join emits unmatched and the self-join drops, as Kafka's does).
   */
  isSelfJoin(build: TopologyBuildOptions): boolean {
    return this.selfJoinParts !== undefined && this.parents.length === 1 && build.optimizations.has(SINGLE_STORE_SELF_JOIN);
  }

  writeToTopology(topology: Topology, build: TopologyBuildOptions): void {
    for (const part of this.isSelfJoin(build) ? this.selfJoinParts! : this.parts) {
      topology.addProcessor(part.name, part.supplier, ...part.parents());
      for (const factory of part.ownStores) {
        if (topology.stores().has(factory.name)) topology.connectProcessorAndStateStores([part.name, factory.name]);
        else topology.addStateStore(factory, part.name);
      }
      for (const store of part.readStores()) topology.connectProcessorAndStateStores([part.name, store]);
    }
    copartition(topology, this.copartitionSides);
  }
}
