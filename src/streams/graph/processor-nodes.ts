/*
 * Plan nodes for processors and sinks. A stateful processor node carries the factories of the
 * stores it creates and the names of stores (created elsewhere) it only reads; both are
 * connected when the node is written, so the store joins the processor's sub-topology.
 */
import type { AnyProcessorSupplier } from '../processor/processor.ts';
import type { Serializer } from '../serde/serde.ts';
import type { StoreFactory, StreamPartitioner, TopicNameExtractor } from '../topology/node-specs.ts';
import type { Topology } from '../topology/topology.ts';
import { GraphNode } from './graph-node.ts';

export class ProcessorGraphNode extends GraphNode {
  constructor(
    name: string,
    readonly supplier: AnyProcessorSupplier,
    readonly storeFactories: readonly StoreFactory[] = [],
    readonly connectedStoreNames: readonly string[] = [],
  ) {
    super(name);
  }

  writeToTopology(topology: Topology): void {
    topology.addProcessor(this.nodeName, this.supplier, ...this.parentNames());
    for (const factory of this.storeFactories) topology.addStateStore(factory, this.nodeName);
    for (const store of this.connectedStoreNames) topology.connectProcessorAndStateStores([this.nodeName, store]);
  }
}

export interface SinkSerdes {
  keySerializer: Serializer<unknown> | undefined;
  valueSerializer: Serializer<unknown> | undefined;
  partitioner: StreamPartitioner<unknown, unknown> | undefined;
}

export class SinkGraphNode extends GraphNode {
  constructor(
    name: string,
    readonly topic: string | TopicNameExtractor<unknown, unknown>,
    readonly serdes: SinkSerdes,
  ) {
    super(name);
  }

  writeToTopology(topology: Topology): void {
    topology.addSink(this.nodeName, this.topic, this.serdes, ...this.parentNames());
  }
}

/**
 * A table-source processor (toTable, or the processor half of a table source) whose store is
 * attached only if something materializes the table before build time.
 */
export class MaterializableProcessorNode extends ProcessorGraphNode {
  materialized = false;

  constructor(
    name: string,
    supplier: AnyProcessorSupplier,
    readonly storeFactory: StoreFactory,
  ) {
    super(name, supplier);
  }

  override writeToTopology(topology: Topology): void {
    topology.addProcessor(this.nodeName, this.supplier, ...this.parentNames());
    if (this.materialized) topology.addStateStore(this.storeFactory, this.nodeName);
  }
}

/** A store added with StreamsBuilder.addStateStore, for processors that name it (process()). */
export class StateStoreNode extends GraphNode {
  constructor(readonly storeFactory: StoreFactory) {
    super(`STATE-STORE:${storeFactory.name}`);
  }

  writeToTopology(topology: Topology): void {
    topology.addStateStore(this.storeFactory);
  }
}
