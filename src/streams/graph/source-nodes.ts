/*
 * Plan nodes that read topics: a stream source (one source node) and a table source (a source
 * node plus the KTableSource processor that turns records into (new, old) changes, with its
 * store attached only when the table must be materialized — when the user named the store, or a
 * later operator needs the table's old values or a value getter).
 */
import type { Deserializer } from '../serde/serde.ts';
import type { AnyProcessorSupplier } from '../processor/processor.ts';
import type { StoreFactory, TimestampExtractor } from '../topology/node-specs.ts';
import { storeLoggingEnabled } from '../topology/node-specs.ts';
import type { Topology } from '../topology/topology.ts';
import { GraphNode, type TopologyBuildOptions } from './graph-node.ts';

/** Kafka's StreamsConfig.REUSE_KTABLE_SOURCE_TOPICS (dsl/topology-optimization.ts lists the rules). */
const REUSE_KTABLE_SOURCE_TOPICS = 'reuse.ktable.source.topics';

export interface SourceSerdes {
  keyDeserializer: Deserializer<unknown> | undefined;
  valueDeserializer: Deserializer<unknown> | undefined;
  timestampExtractor: TimestampExtractor | undefined;
}

export class StreamSourceNode extends GraphNode {
  constructor(
    name: string,
    readonly topics: readonly string[] | RegExp,
    readonly serdes: SourceSerdes,
  ) {
    super(name);
  }

  writeToTopology(topology: Topology): void {
    topology.addSource(this.nodeName, this.topics instanceof RegExp ? this.topics : [...this.topics], this.serdes);
  }
}

function isVersioned(factory: StoreFactory): boolean {
  return (factory as { historyRetentionMs?: unknown }).historyRetentionMs !== undefined;
}

export class TableSourceNode extends GraphNode {
  /** Switched on by materialize(); read at build time. */
  materialized: boolean;

  constructor(
    readonly sourceName: string,
    processorName: string,
    readonly topic: string,
    readonly serdes: SourceSerdes,
    readonly supplier: AnyProcessorSupplier,
    readonly storeFactory: StoreFactory,
    queryable: boolean,
  ) {
    super(processorName);
    this.materialized = queryable;
  }

  /**
   * Under reuse.ktable.source.topics (Kafka's TableSourceNode.reuseSourceTopicForChangeLog) a
   * materialized store restores from the table's own topic and gets no "-changelog" topic.
   * Kafka also does this for a store whose logging the user disabled (it turns logging off
   * either way); Tributary leaves such a store without any changelog, as without the rule,
   * since its restore path lives in the logging layer. A versioned store keeps its own
   * changelog too (its changelog layout is not the topic's; restoring it from the topic is not
   * implemented).
   */
  writeToTopology(topology: Topology, build: TopologyBuildOptions): void {
    topology.addSource(this.sourceName, [this.topic], this.serdes);
    topology.addProcessor(this.nodeName, this.supplier, this.sourceName);
    if (!this.materialized) return;
    topology.addStateStore(this.storeFactory, this.nodeName);
    if (build.optimizations.has(REUSE_KTABLE_SOURCE_TOPICS) && storeLoggingEnabled(this.storeFactory) && !isVersioned(this.storeFactory)) {
      topology.connectSourceStoreAndTopic(this.storeFactory.name, this.topic);
    }
  }
}

/**
 * A global table: its own node group ("Sub-topology: N for global store"), a source over every
 * partition of the topic and the KTableSource processor that keeps the store (logging off).
 */
export class GlobalTableSourceNode extends GraphNode {
  constructor(
    readonly sourceName: string,
    processorName: string,
    readonly topic: string,
    readonly serdes: SourceSerdes,
    readonly supplier: AnyProcessorSupplier,
    readonly storeFactory: StoreFactory,
  ) {
    super(processorName);
  }

  writeToTopology(topology: Topology): void {
    topology.addGlobalStore(this.storeFactory, this.sourceName, this.topic, this.nodeName, this.supplier as never, this.serdes);
  }
}
