/*
 * What every DSL object shares: the name counter and the logical plan of one StreamsBuilder,
 * plus the repartition construction both KStream.repartition() and grouped aggregations use.
 *
 * Naming of a stream repartition (Kafka's KStreamImpl.createRepartitionedSource): the topic is
 * "<prefix>-repartition" (unless the prefix already ends so); three names are generated —
 * KSTREAM-SINK, KSTREAM-FILTER, KSTREAM-SOURCE, in that order — and used only when the prefix
 * itself is a generated name (matches /^KSTREAM.*-\d{10}$/); otherwise the nodes are
 * "<topic>-sink", "<topic>-filter", "<topic>-source". Every repartition but KStream.repartition()'s
 * is optimizable (merge.repartition.topics may merge it).
 */
import { LogicalPlan, type GraphNode } from '../graph/graph-node.ts';
import { NameProvider, Prefix } from '../graph/naming.ts';
import { RepartitionNode } from '../graph/repartition-nodes.ts';
import type { Serde } from '../serde/serde.ts';
import type { AnyProcessorSupplier } from '../processor/processor.ts';
import { REPARTITION_SUFFIX } from '../topology/topology.ts';
import type { DefaultWrappingSerde, StreamPartitioner } from '../topology/node-specs.ts';
import { passThroughSupplier } from './ops/stateless.ts';

export class InternalBuilder {
  readonly names = new NameProvider();
  readonly plan = new LogicalPlan();
  /** Store names already used by the DSL, to fail early on duplicates. */
  readonly storeNames = new Set<string>();

  add<N extends GraphNode>(parents: GraphNode | readonly GraphNode[], child: N): N {
    this.plan.addNode(parents, child);
    return child;
  }

  claimStoreName(name: string): void {
    if (this.storeNames.has(name)) {
      throw new Error(`A state store named "${name}" already exists in this topology; give each Materialized a unique name.`);
    }
    this.storeNames.add(name);
  }

  /** Builds (but does not add) a stream repartition node for `prefix`. */
  streamRepartitionNode(
    prefix: string,
    keySerde: Serde<unknown> | undefined,
    valueSerde: Serde<unknown> | DefaultWrappingSerde | undefined,
    numberOfPartitions?: number,
    partitioner?: StreamPartitioner<unknown, unknown>,
    optimizable = true,
  ): RepartitionNode {
    const topic = prefix.endsWith(REPARTITION_SUFFIX) ? prefix : prefix + REPARTITION_SUFFIX;
    const genSink = this.names.newProcessorName(Prefix.KSTREAM_SINK);
    const genFilter = this.names.newProcessorName(Prefix.KSTREAM_FILTER);
    const genSource = this.names.newProcessorName(Prefix.KSTREAM_SOURCE);
    const generated = /^KSTREAM.*-[0-9]{10}$/.test(prefix);
    return new RepartitionNode({
      topic,
      sinkName: generated ? genSink : `${topic}-sink`,
      sourceName: generated ? genSource : `${topic}-source`,
      filter: { name: generated ? genFilter : `${topic}-filter`, supplier: passThroughSupplier() as AnyProcessorSupplier },
      keySerde,
      valueSerde,
      numberOfPartitions,
      partitioner,
      optimizable,
    });
  }
}
