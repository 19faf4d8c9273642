/*
 * Repartition plan nodes: where the DSL sends records through an internal topic so that records
 * with equal keys land in the same partition (and task) before a grouping.
 *
 * Stream repartition (Kafka 3.x/4.x naming, KStreamImpl.createRepartitionedSource):
 *   <topic>-filter (drops null keys)  →  <topic>-sink  →  [topic <topic>]  →  <topic>-source
 *   where <topic> = "<prefix>-repartition" and prefix is the Grouped name or the store name.
 *   When the prefix is itself generated ("KSTREAM…-0000000007") the three nodes use the
 *   generated KSTREAM-SINK/FILTER/SOURCE names instead. Three indexes are burned either way.
 *
 * Table groupBy repartition (KGroupedTableImpl): sink → [topic <store>-repartition] → source,
 * no filter; it carries Change values (the old and new value of a re-keyed row).
 *
 * The topic is relative and marked internal, so tasks see "<applicationId>-<topic>".
 */
import type { Serde } from '../serde/serde.ts';
import type { AnyProcessorSupplier } from '../processor/processor.ts';
import { InternalTopicType, type StreamPartitioner, type DefaultWrappingSerde } from '../topology/node-specs.ts';
import type { Topology } from '../topology/topology.ts';
import { GraphNode } from './graph-node.ts';

export interface RepartitionSpec {
  readonly topic: string;
  readonly sinkName: string;
  readonly sourceName: string;
  /** Null-key filter (stream repartitions only). */
  readonly filter: { name: string; supplier: AnyProcessorSupplier } | undefined;
  readonly keySerde: Serde<unknown> | undefined;
  /** May wrap the default serde (a table repartition's Change serde). */
  readonly valueSerde: Serde<unknown> | DefaultWrappingSerde | undefined;
  readonly numberOfPartitions: number | undefined;
  readonly partitioner?: StreamPartitioner<unknown, unknown> | undefined;
  /**
   * Kafka's OptimizableRepartitionNode (a grouping's, a join's or toTable's repartition) rather
   * than KStream.repartition()'s UnoptimizableRepartitionNode: merge.repartition.topics may
   * merge it with its siblings (repartition-merge.ts).
   */
  readonly optimizable?: boolean;
}

export class RepartitionNode extends GraphNode {
  constructor(readonly spec: RepartitionSpec) {
    // Kafka reuses the source name as the graph node name.
    super(spec.sourceName);
  }

  writeToTopology(topology: Topology): void {
    const { spec } = this;
    topology.addInternalTopic(spec.topic, InternalTopicType.REPARTITION, spec.numberOfPartitions);
    let sinkParents = this.parentNames();
    if (spec.filter !== undefined) {
      topology.addProcessor(spec.filter.name, spec.filter.supplier, ...sinkParents);
      sinkParents = [spec.filter.name];
    }
    topology.addSink(spec.sinkName, spec.topic, { keySerializer: spec.keySerde, valueSerializer: spec.valueSerde, partitioner: spec.partitioner }, ...sinkParents);
    topology.addSource(spec.sourceName, [spec.topic], { keyDeserializer: spec.keySerde, valueDeserializer: spec.valueSerde });
  }
}
