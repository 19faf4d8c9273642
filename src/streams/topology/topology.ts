/*
 * Topology: the physical plan of a streams application — sources, processors, sinks, state
 * stores and internal topics — built either by the DSL (`StreamsBuilder.build()`) or directly
 * through this Processor API (addSource / addProcessor / addSink / addStateStore), as Kafka
 * Streams' Topology + InternalTopologyBuilder.
 *
 * Invariants:
 *  - Node names are unique; predecessors must exist when a node is added, so insertion order
 *    is a topological order and is the order tasks instantiate nodes in.
 *  - A topic is read by at most one source node (a record must have one entry point per task).
 *  - Sub-topologies are the connected components of nodes (edges: parent→child, store users),
 *    numbered in insertion order of their first node; topics never connect components, so a
 *    repartition topic cuts the graph (see node-groups.ts).
 *  - Internal topic names are relative; `resolveTopic(name, applicationId)` decorates them as
 *    "<applicationId>-<name>"; store changelogs are "<applicationId>-<store>-changelog", except
 *    for a store connected to its source topic (connectSourceStoreAndTopic: a source table under
 *    reuse.ktable.source.topics), whose changelog is that topic: no changelog topic is created or
 *    written, and the store restores from the source topic up to the committed offset.
 */
import type { Deserializer, Serializer } from '../serde/serde.ts';
import type { ProcessorSupplier } from '../processor/processor.ts';
import { NodeGrouper, makeNodeGroups } from './node-groups.ts';
import { storeLoggingEnabled } from './node-specs.ts';
import { TopologyDescription, describeTopology } from './describe.ts';
import { topologyToMermaid } from './mermaid.ts';
import type {
  DefaultWrappingSerde,
  InternalTopicSpec,
  InternalTopicType,
  NodeSpec,
  ProcessorNodeSpec,
  SinkNodeSpec,
  SourceNodeSpec,
  StoreFactory,
  StoreSpec,
  StreamPartitioner,
  TimestampExtractor,
  TopicNameExtractor,
} from './node-specs.ts';

export class TopologyError extends Error {
  override readonly name = 'TopologyError';
}

export interface SourceOptions<K = unknown, V = unknown> {
  keyDeserializer?: Deserializer<K> | DefaultWrappingSerde | undefined;
  valueDeserializer?: Deserializer<V> | DefaultWrappingSerde | undefined;
  timestampExtractor?: TimestampExtractor | undefined;
}

export interface SinkOptions<K = unknown, V = unknown> {
  keySerializer?: Serializer<K> | DefaultWrappingSerde | undefined;
  valueSerializer?: Serializer<V> | DefaultWrappingSerde | undefined;
  partitioner?: StreamPartitioner<K, V> | undefined;
}

/** One sub-topology: what a task for it consumes, produces and keeps. Topic names are relative. */
export interface SubtopologyInfo {
  readonly id: number;
  /** Node names in topology (topological) order. */
  readonly nodes: readonly string[];
  readonly sourceTopics: readonly string[];
  readonly sourcePatterns: readonly RegExp[];
  readonly sinkTopics: readonly string[];
  /** Source topics that are internal repartition topics. */
  readonly repartitionSourceTopics: readonly string[];
  readonly stores: readonly string[];
  /** store name → relative changelog topic, for stores with logging on (source changelogs excluded). */
  readonly changelogTopics: ReadonlyMap<string, string>;
  /** store name → the source topic it restores from instead (Kafka's source-topic changelogs). */
  readonly sourceChangelogTopics: ReadonlyMap<string, string>;
  /** A global store's group: read on every instance from all partitions; no tasks. */
  readonly global: boolean;
}

export const CHANGELOG_SUFFIX = '-changelog';
export const REPARTITION_SUFFIX = '-repartition';

export class Topology {
  readonly #nodes = new Map<string, NodeSpec>();
  readonly #stores = new Map<string, StoreSpec>();
  readonly #internalTopics = new Map<string, InternalTopicSpec>();
  readonly #topicToSource = new Map<string, string>();
  readonly #grouper = new NodeGrouper();
  readonly #copartitionSourceGroups: string[][] = [];
  /** Source node names of global stores (their node groups are global). */
  readonly #globalSources = new Set<string>();
  /** store → source topic used as its changelog (connectSourceStoreAndTopic). */
  readonly #sourceChangelogs = new Map<string, string>();

  addSource<K = unknown, V = unknown>(name: string, topics: string | readonly string[] | RegExp, options: SourceOptions<K, V> = {}): this {
    this.#checkNewName(name);
    let topicList: string[] | undefined;
    let pattern: RegExp | undefined;
    if (topics instanceof RegExp) {
      // A global or sticky regex keeps state between test() calls; matching must not.
      pattern = new RegExp(topics.source, topics.flags.replace(/[gy]/g, ''));
    } else {
      topicList = typeof topics === 'string' ? [topics] : [...topics];
      if (topicList.length === 0) throw new TopologyError(`Source "${name}" needs at least one topic; pass a topic name, a list, or a RegExp.`);
      for (const topic of topicList) {
        const other = this.#topicToSource.get(topic);
        if (other !== undefined) {
          throw new TopologyError(`Topic "${topic}" is already read by source "${other}"; source "${name}" cannot read it too. Read it once and branch the stream instead.`);
        }
      }
      for (const topic of topicList) this.#topicToSource.set(topic, name);
    }
    const spec: SourceNodeSpec = {
      kind: 'source',
      name,
      topics: topicList,
      pattern,
      keyDeserializer: options.keyDeserializer as SourceNodeSpec['keyDeserializer'],
      valueDeserializer: options.valueDeserializer as SourceNodeSpec['valueDeserializer'],
      timestampExtractor: options.timestampExtractor,
    };
    this.#nodes.set(name, spec);
    this.#grouper.add(name);
    return this;
  }

  addProcessor<KIn, VIn, KOut, VOut>(name: string, supplier: ProcessorSupplier<KIn, VIn, KOut, VOut>, ...parentNames: string[]): this {
    this.#checkNewName(name);
    this.#checkParents(name, parentNames);
    const spec: ProcessorNodeSpec = {
      kind: 'processor',
      name,
      supplier: supplier as unknown as ProcessorNodeSpec['supplier'],
      predecessors: [...parentNames],
      stores: [],
    };
    this.#nodes.set(name, spec);
    this.#grouper.add(name);
    this.#grouper.unite(name, parentNames);
    return this;
  }

  addSink<K = unknown, V = unknown>(
    name: string,
    topic: string | TopicNameExtractor<K, V>,
    options: SinkOptions<K, V> = {},
    ...parentNames: string[]
  ): this {
    this.#checkNewName(name);
    this.#checkParents(name, parentNames);
    this.#nodes.set(name, {
      kind: 'sink',
      name,
      topic: topic as string | TopicNameExtractor<unknown, unknown>,
      keySerializer: options.keySerializer as SinkNodeSpec['keySerializer'],
      valueSerializer: options.valueSerializer as SinkNodeSpec['valueSerializer'],
      partitioner: options.partitioner as StreamPartitioner<unknown, unknown> | undefined,
      predecessors: [...parentNames],
    });
    this.#grouper.add(name);
    this.#grouper.unite(name, parentNames);
    return this;
  }

  /** Adds a store and connects it to the named processors (more can be connected later). */
  addStateStore(factory: StoreFactory, ...processorNames: string[]): this {
    if (this.#stores.has(factory.name)) {
      throw new TopologyError(`A state store named "${factory.name}" already exists; store names must be unique within a topology.`);
    }
    // Validate before registering, so a failed call leaves the topology unchanged.
    for (const p of processorNames) this.#checkStoreUser(p, factory.name);
    this.#stores.set(factory.name, { factory, users: [] });
    this.connectProcessorAndStateStores(...processorNames.map((p) => [p, factory.name] as const));
    return this;
  }

  /** Connects each (processor, store) pair; a store used by two processors joins their sub-topologies. */
  connectProcessorAndStateStores(...pairs: ReadonlyArray<readonly [processorName: string, storeName: string]>): this {
    for (const [processorName, storeName] of pairs) {
      const store = this.#stores.get(storeName);
      if (store === undefined) throw new TopologyError(`State store "${storeName}" is not added yet; call addStateStore first.`);
      const node = this.#checkStoreUser(processorName, storeName);
      if (node.stores.includes(storeName)) continue;
      const firstUser = store.users[0];
      if (firstUser !== undefined) this.#grouper.unite(firstUser, [processorName]);
      store.users.push(processorName);
      node.stores.push(storeName);
    }
    return this;
  }

  /**
   * A global store: `processorName` keeps `factory`'s store up to date from every partition of
   * `topic`, on every instance; any processor may read it without connecting it. Logging must be
   * off (the topic itself is the changelog).
   */
  addGlobalStore<K, V>(
    factory: StoreFactory,
    sourceName: string,
    topic: string,
    processorName: string,
    supplier: ProcessorSupplier<K, V, never, never>,
    options: SourceOptions<K, V> = {},
  ): this {
    if (storeLoggingEnabled(factory)) {
      throw new TopologyError(`State store "${factory.name}" for a global table must not have logging enabled; its topic is already its changelog.`);
    }
    if (sourceName === processorName) throw new TopologyError(`Global store "${factory.name}": sourceName and processorName must differ ("${sourceName}").`);
    this.#checkNewName(sourceName);
    this.#checkNewName(processorName);
    if (this.#stores.has(factory.name)) throw new TopologyError(`A state store named "${factory.name}" already exists; store names must be unique within a topology.`);
    this.addSource(sourceName, [topic], options);
    this.addProcessor(processorName, supplier, sourceName);
    this.addStateStore(factory, processorName);
    this.#globalSources.add(sourceName);
    return this;
  }

  /**
   * Kafka's InternalTopologyBuilder.connectSourceStoreAndTopic: `topic` (read by a source of this
   * topology) is the changelog of `storeName`, which must have logging on — its writes then go
   * nowhere (the topic already holds them) and it restores from `topic`.
   */
  connectSourceStoreAndTopic(storeName: string, topic: string): this {
    const store = this.#stores.get(storeName);
    if (store === undefined) throw new TopologyError(`State store "${storeName}" is not added yet; call addStateStore first.`);
    if (!this.#topicToSource.has(topic)) throw new TopologyError(`Topic "${topic}" is not read by any source; only a source topic can be a store's changelog.`);
    if (!storeLoggingEnabled(store.factory)) throw new TopologyError(`State store "${storeName}" has logging disabled; a source topic can stand in only for a changelog the store would write.`);
    const other = this.#sourceChangelogs.get(storeName);
    if (other !== undefined && other !== topic) throw new TopologyError(`State store "${storeName}" already uses topic "${other}" as its changelog.`);
    this.#sourceChangelogs.set(storeName, topic);
    return this;
  }

  /** Names of the stores kept by global stores. */
  globalStoreNames(): string[] {
    return this.globalSubtopologies().flatMap((s) => [...s.stores]);
  }

  /** Marks a topic as internal: its name gets the application id prefix at run time. */
  addInternalTopic(name: string, type: InternalTopicType, numberOfPartitions?: number): this {
    this.#internalTopics.set(name, { name, type, numberOfPartitions });
    return this;
  }

  /** Records that these source nodes' topics must have equal partition counts (joins). */
  copartitionSources(sourceNames: readonly string[]): this {
    this.#copartitionSourceGroups.push([...sourceNames]);
    return this;
  }

  // ---- read side ---------------------------------------------------------------------------

  nodes(): ReadonlyMap<string, NodeSpec> {
    return this.#nodes;
  }

  stores(): ReadonlyMap<string, StoreSpec> {
    return this.#stores;
  }

  internalTopics(): ReadonlyMap<string, InternalTopicSpec> {
    return this.#internalTopics;
  }

  isInternalTopic(topic: string): boolean {
    return this.#internalTopics.has(topic);
  }

  /** "<applicationId>-<topic>" for internal topics, the topic itself otherwise. */
  resolveTopic(topic: string, applicationId: string): string {
    return this.#internalTopics.has(topic) ? `${applicationId}-${topic}` : topic;
  }

  static changelogTopic(applicationId: string, storeName: string): string {
    return `${applicationId}-${storeName}${CHANGELOG_SUFFIX}`;
  }

  /** Node groups as Kafka numbers them: id → node names in insertion order. */
  nodeGroups(): Map<number, string[]> {
    return makeNodeGroups(this.#nodes.keys(), this.#grouper);
  }

  /** Every node group, global ones included, by id. */
  allSubtopologies(): SubtopologyInfo[] {
    const result: SubtopologyInfo[] = [];
    for (const [id, names] of this.nodeGroups()) {
      const sourceTopics: string[] = [];
      const sourcePatterns: RegExp[] = [];
      const sinkTopics: string[] = [];
      const stores: string[] = [];
      for (const name of names) {
        const node = this.#nodes.get(name)!;
        if (node.kind === 'source') {
          if (node.topics) sourceTopics.push(...node.topics);
          if (node.pattern) sourcePatterns.push(node.pattern);
        } else if (node.kind === 'sink') {
          if (typeof node.topic === 'string') sinkTopics.push(node.topic);
        } else {
          for (const s of node.stores) if (!stores.includes(s)) stores.push(s);
        }
      }
      const changelogTopics = new Map<string, string>();
      const sourceChangelogTopics = new Map<string, string>();
      for (const s of stores) {
        const sourceTopic = this.#sourceChangelogs.get(s);
        if (sourceTopic !== undefined) sourceChangelogTopics.set(s, sourceTopic);
        else if (storeLoggingEnabled(this.#stores.get(s)!.factory)) changelogTopics.set(s, `${s}${CHANGELOG_SUFFIX}`);
      }
      result.push({
        id,
        nodes: names,
        sourceTopics,
        sourcePatterns,
        sinkTopics,
        repartitionSourceTopics: sourceTopics.filter((t) => this.#internalTopics.has(t)),
        stores,
        changelogTopics,
        sourceChangelogTopics,
        global: names.some((n) => this.#globalSources.has(n)),
      });
    }
    return result;
  }

  /** The sub-topologies that become tasks (global store groups excluded; ids keep their gaps). */
  subtopologies(): SubtopologyInfo[] {
    return this.allSubtopologies().filter((s) => !s.global);
  }

  /** The global store groups ("Sub-topology: N for global store"). */
  globalSubtopologies(): SubtopologyInfo[] {
    return this.allSubtopologies().filter((s) => s.global);
  }

  /** Groups of (relative) topic names that must be co-partitioned. */
  copartitionGroups(): string[][] {
    return this.#copartitionSourceGroups.map((group) =>
      [...new Set(group.flatMap((n) => {
        const node = this.#nodes.get(n);
        return node?.kind === 'source' && node.topics ? [...node.topics] : [];
      }))].sort(),
    );
  }

  describe(): TopologyDescription {
    return describeTopology(this);
  }

  toMermaid(): string {
    return topologyToMermaid(this);
  }

  #checkStoreUser(processorName: string, storeName: string): ProcessorNodeSpec {
    const node = this.#nodes.get(processorName);
    if (node === undefined) throw new TopologyError(`Processor "${processorName}" is not added yet; add it before connecting store "${storeName}".`);
    if (node.kind !== 'processor') throw new TopologyError(`Cannot connect state store "${storeName}" to ${node.kind} node "${processorName}"; only processors use stores.`);
    return node;
  }

  #checkNewName(name: string): void {
    if (name.length === 0) throw new TopologyError('Node names must not be empty.');
    if (this.#nodes.has(name)) throw new TopologyError(`Processor "${name}" is already added; node names must be unique.`);
  }

  #checkParents(name: string, parents: readonly string[]): void {
    if (parents.length === 0) throw new TopologyError(`Node "${name}" needs at least one parent node.`);
    for (const p of parents) {
      if (p === name) throw new TopologyError(`Node "${name}" cannot be its own parent.`);
      const parent = this.#nodes.get(p);
      if (parent === undefined) throw new TopologyError(`Parent node "${p}" of "${name}" is not added yet; add parents first.`);
      if (parent.kind === 'sink') throw new TopologyError(`Sink "${p}" cannot be the parent of "${name}"; sinks have no children.`);
    }
  }
}
