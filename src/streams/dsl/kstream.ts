/*
 * KStream<K, V>: an unbounded stream of key/value records — Kafka Streams' KStream. Every
 * operator adds a node to the logical plan and returns a new KStream/KTable whose K and V are
 * inferred from the mapper, so types flow from the source serdes to the sink.
 *
 * Repartition marking: map, flatMap, selectKey (and groupBy) may change the key, so the stream
 * they return is marked `repartitionRequired`; filter/mapValues/flatMapValues/peek/split/merge
 * keep the mark. A later groupByKey/groupBy aggregation or toTable then inserts a repartition
 * topic automatically (see KGroupedStream), as Kafka Streams does.
 *
 * Serdes: operators that keep K or V keep its serde; one that computes a new K or V drops it (the
 * default serde applies unless a later Grouped/Produced/Materialized gives one).
 */
import { MaterializableProcessorNode, ProcessorGraphNode, SinkGraphNode } from '../graph/processor-nodes.ts';
import type { GraphNode } from '../graph/graph-node.ts';
import { Prefix } from '../graph/naming.ts';
import type { AnyProcessorSupplier, ProcessorSupplier } from '../processor/processor.ts';
import type { Serde } from '../serde/serde.ts';
import type { TopicNameExtractor } from '../topology/node-specs.ts';
import { BranchedKStream } from './branched-kstream.ts';
import type { InternalBuilder } from './internal-builder.ts';
import { KGroupedStream } from './kgrouped-stream.ts';
import { KTable, tableSourceOrigin } from './ktable.ts';
import { KeyValueMaterializer } from './materialized-store.ts';
import { Grouped } from './options/grouped.ts';
import { Materialized } from './options/materialized.ts';
import { nameOf, type NameLike } from './options/named.ts';
import type { Produced } from './options/produced.ts';
import { Repartitioned } from './options/repartitioned.ts';
import {
  filterSupplier,
  flatMapSupplier,
  flatMapValuesSupplier,
  mapSupplier,
  mapValuesSupplier,
  passThroughSupplier,
  peekSupplier,
  selectKeySupplier,
  type KeyValueMapper,
  type Predicate,
  type ValueMapper,
} from './ops/stateless.ts';
import { tableSourceSupplier, type TableSourceState } from './ops/ktable-source.ts';
import type { GlobalKTable } from './global-ktable.ts';
import { fixedKeySupplier } from './joins/fixed-key-processor.ts';
import type { JoinWindows } from './joins/join-windows.ts';
import { kstreamJoin } from './joins/kstream-join-dsl.ts';
import type { Joined } from './options/joined.ts';
import type { StreamJoined } from './options/stream-joined.ts';
import type { AsyncOptions } from '../async/async-options.ts';
import {
  filterAsyncSupplier,
  flatMapValuesAsyncSupplier,
  mapValuesAsyncSupplier,
  processAsyncSupplier,
  type AsyncPredicate,
  type AsyncRecordProcessor,
  type AsyncValueMapper,
} from '../async/async-operators.ts';

export class KStream<K, V> {
  /** @internal */
  constructor(
    readonly builder: InternalBuilder,
    readonly graphNode: GraphNode,
    readonly keySerde: Serde<K> | undefined,
    readonly valueSerde: Serde<V> | undefined,
    readonly repartitionRequired: boolean,
  ) {}

  #processor<KR, VR>(
    prefix: string,
    named: NameLike,
    supplier: ProcessorSupplier<K, V, KR, VR>,
    keySerde: Serde<KR> | undefined,
    valueSerde: Serde<VR> | undefined,
    repartitionRequired: boolean,
    changes?: 'key' | 'value',
  ): KStream<KR, VR> {
    const name = this.builder.names.orElseGenerate(nameOf(named), prefix);
    const node = this.builder.add(this.graphNode, new ProcessorGraphNode(name, supplier as unknown as AnyProcessorSupplier));
    // Kafka's key/value-changing marks, read by merge.repartition.topics (graph/repartition-merge.ts).
    node.keyChanging = changes === 'key';
    node.valueChanging = changes === 'value';
    return new KStream<KR, VR>(this.builder, node, keySerde, valueSerde, repartitionRequired);
  }

  filter(predicate: Predicate<K, V>, named?: NameLike): KStream<K, V> {
    return this.#processor(Prefix.KSTREAM_FILTER, named, filterSupplier(predicate, false), this.keySerde, this.valueSerde, this.repartitionRequired);
  }

  filterNot(predicate: Predicate<K, V>, named?: NameLike): KStream<K, V> {
    return this.#processor(Prefix.KSTREAM_FILTER, named, filterSupplier(predicate, true), this.keySerde, this.valueSerde, this.repartitionRequired);
  }

  /** New key and value per record: `map((k, v) => [newKey, newValue])`. Marks for repartition. */
  map<KR, VR>(mapper: KeyValueMapper<K, V, readonly [KR, VR]>, named?: NameLike): KStream<KR, VR> {
    return this.#processor<KR, VR>(Prefix.KSTREAM_MAP, named, mapSupplier(mapper), undefined, undefined, true, 'key');
  }

  mapValues<VR>(mapper: ValueMapper<K, V, VR>, named?: NameLike): KStream<K, VR> {
    return this.#processor<K, VR>(Prefix.KSTREAM_MAPVALUES, named, mapValuesSupplier(mapper), this.keySerde, undefined, this.repartitionRequired, 'value');
  }

  flatMap<KR, VR>(mapper: KeyValueMapper<K, V, Iterable<readonly [KR, VR]>>, named?: NameLike): KStream<KR, VR> {
    return this.#processor<KR, VR>(Prefix.KSTREAM_FLATMAP, named, flatMapSupplier(mapper), undefined, undefined, true, 'key');
  }

  flatMapValues<VR>(mapper: ValueMapper<K, V, Iterable<VR>>, named?: NameLike): KStream<K, VR> {
    return this.#processor<K, VR>(Prefix.KSTREAM_FLATMAPVALUES, named, flatMapValuesSupplier(mapper), this.keySerde, undefined, this.repartitionRequired, 'value');
  }

  /**
   * Async operators (src/streams/async/): the call runs with up to `concurrency` others per task;
   * records leave in input order (or per-key order with `ordered: false`), and offsets are
   * committed only up to the first record whose call has not finished.
   */
  mapValuesAsync<VR>(mapper: AsyncValueMapper<K, V, VR>, options?: AsyncOptions): KStream<K, VR> {
    const { name, supplier } = mapValuesAsyncSupplier(mapper, options);
    return this.#processor<K, VR>(Prefix.KSTREAM_MAPVALUES_ASYNC, name, supplier, this.keySerde, undefined, this.repartitionRequired, 'value');
  }

  flatMapValuesAsync<VR>(mapper: AsyncValueMapper<K, V, Iterable<VR>>, options?: AsyncOptions): KStream<K, VR> {
    const { name, supplier } = flatMapValuesAsyncSupplier(mapper, options);
    return this.#processor<K, VR>(Prefix.KSTREAM_FLATMAPVALUES_ASYNC, name, supplier, this.keySerde, undefined, this.repartitionRequired, 'value');
  }

  filterAsync(predicate: AsyncPredicate<K, V>, options?: AsyncOptions): KStream<K, V> {
    const { name, supplier } = filterAsyncSupplier(predicate, options);
    return this.#processor(Prefix.KSTREAM_FILTER_ASYNC, name, supplier, this.keySerde, this.valueSerde, this.repartitionRequired);
  }

  /** An async Processor-like callback: it may forward any records (through `out`) before its promise settles. Marks for repartition. */
  processAsync<KR, VR>(fn: AsyncRecordProcessor<K, V, KR, VR>, options?: AsyncOptions): KStream<KR, VR> {
    const { name, supplier } = processAsyncSupplier(fn, options);
    return this.#processor<KR, VR>(Prefix.KSTREAM_PROCESSOR_ASYNC, name, supplier, undefined, undefined, true);
  }

  selectKey<KR>(mapper: KeyValueMapper<K, V, KR>, named?: NameLike): KStream<KR, V> {
    return this.#processor<KR, V>(Prefix.KSTREAM_KEY_SELECT, named, selectKeySupplier(mapper), undefined, this.valueSerde, true, 'key');
  }

  peek(action: (key: K, value: V) => void, named?: NameLike): KStream<K, V> {
    return this.#processor(Prefix.KSTREAM_PEEK, named, peekSupplier(action, true), this.keySerde, this.valueSerde, this.repartitionRequired);
  }

  /** Terminal: runs `action` per record. */
  foreach(action: (key: K, value: V) => void, named?: NameLike): void {
    this.#processor(Prefix.KSTREAM_FOREACH, named, peekSupplier(action, false), this.keySerde, this.valueSerde, this.repartitionRequired);
  }

  /** Routes each record to the first branch whose predicate matches. */
  split(named?: NameLike): BranchedKStream<K, V> {
    return new BranchedKStream(this, nameOf(named));
  }

  merge(other: KStream<K, V>, named?: NameLike): KStream<K, V> {
    const name = this.builder.names.orElseGenerate(nameOf(named), Prefix.KSTREAM_MERGE);
    const node = this.builder.add([this.graphNode, other.graphNode], new ProcessorGraphNode(name, passThroughSupplier() as AnyProcessorSupplier));
    node.mergeNode = true;
    // Kafka drops both serdes: neither is known to fit both inputs.
    return new KStream<K, V>(this.builder, node, undefined, undefined, this.repartitionRequired || other.repartitionRequired);
  }

  /** Writes the stream to a topic, or to the topic `extractor` picks per record. */
  to(topic: string | TopicNameExtractor<K, V>, produced?: Produced<K, V>): void {
    const name = this.builder.names.orElseGenerate(produced?.processorName, Prefix.KSTREAM_SINK);
    this.builder.add(
      this.graphNode,
      new SinkGraphNode(name, topic as string | TopicNameExtractor<unknown, unknown>, {
        keySerializer: (produced?.keySerde ?? this.keySerde) as Serde<unknown> | undefined,
        valueSerializer: (produced?.valueSerde ?? this.valueSerde) as Serde<unknown> | undefined,
        partitioner: produced?.partitioner as never,
      }),
    );
  }

  /** Sends the stream through an internal topic "<applicationId>-<name>-repartition". */
  repartition(repartitioned?: Repartitioned<K, V>): KStream<K, V> {
    const name = repartitioned?.name ?? this.builder.names.newProcessorName(Prefix.KSTREAM_REPARTITION);
    const keySerde = repartitioned?.keySerde ?? this.keySerde;
    const valueSerde = repartitioned?.valueSerde ?? this.valueSerde;
    const node = this.builder.streamRepartitionNode(
      name,
      keySerde as Serde<unknown> | undefined,
      valueSerde as Serde<unknown> | undefined,
      repartitioned?.numberOfPartitions,
      repartitioned?.partitioner as never,
      false, // Kafka's UnoptimizableRepartitionNode: the user asked for this topic
    );
    this.builder.add(this.graphNode, node);
    return new KStream<K, V>(this.builder, node, keySerde, valueSerde, false);
  }

  /** Interprets the stream as a changelog: the latest value per key; a null value deletes. */
  toTable(named?: NameLike, materialized?: Materialized<NoInfer<K>, NoInfer<V>>): KTable<K, V> {
    const name = this.builder.names.orElseGenerate(nameOf(named), Prefix.KSTREAM_TOTABLE);
    const m = materialized ?? Materialized.with<K, V>(undefined, undefined);
    const storeName = m.storeName ?? this.builder.names.newStoreName(Prefix.KSTREAM_TOTABLE);
    const keySerde = m.keySerde ?? this.keySerde;
    const valueSerde = m.valueSerde ?? this.valueSerde;
    let parent = this.graphNode;
    if (this.repartitionRequired) {
      const rep = this.builder.streamRepartitionNode(name, keySerde as Serde<unknown> | undefined, valueSerde as Serde<unknown> | undefined);
      parent = this.builder.add(this.graphNode, rep);
    }
    this.builder.claimStoreName(storeName);
    const state: TableSourceState = { storeName: undefined, sendOldValues: false };
    const factory = new KeyValueMaterializer(storeName, m, keySerde, valueSerde, { sourceTable: true });
    const node = this.builder.add(parent, new MaterializableProcessorNode(name, tableSourceSupplier<K, V>(state) as unknown as AnyProcessorSupplier, factory));
    const origin = tableSourceOrigin(node, state, storeName, m.versionedSupplier?.historyRetentionMs);
    if (m.storeName !== undefined) origin.materialize();
    return new KTable<K, V>(this.builder, node, keySerde, valueSerde, m.storeName, origin);
  }

  groupByKey(grouped?: Grouped<K, V>): KGroupedStream<K, V> {
    const g = grouped ?? Grouped.with(this.keySerde, this.valueSerde);
    return new KGroupedStream<K, V>(this.builder, this.graphNode, g.keySerde ?? this.keySerde, g.valueSerde ?? this.valueSerde, g.name, this.repartitionRequired);
  }

  /** Groups by a new key (always repartitions before aggregating). */
  groupBy<KR>(selector: KeyValueMapper<K, V, KR>, grouped?: Grouped<KR, V>): KGroupedStream<KR, V> {
    const name = this.builder.names.orElseGenerate(grouped?.name, Prefix.KSTREAM_KEY_SELECT);
    const node = this.builder.add(this.graphNode, new ProcessorGraphNode(name, selectKeySupplier(selector) as unknown as AnyProcessorSupplier));
    node.keyChanging = true;
    return new KGroupedStream<KR, V>(this.builder, node, grouped?.keySerde, grouped?.valueSerde ?? this.valueSerde, grouped?.name, true);
  }

  /**
   * Processor API inside the DSL: runs `supplier`'s processor on each record, with access to
   * the named stores (add them with StreamsBuilder.addStateStore first).
   */
  process<KR, VR>(supplier: ProcessorSupplier<K, V, KR, VR>, named?: NameLike, ...storeNames: string[]): KStream<KR, VR> {
    // Kafka's process(supplier, named) burns no index when named (KStreamImpl.process).
    const name = nameOf(named) ?? this.builder.names.newProcessorName(Prefix.KSTREAM_PROCESSOR);
    const node = this.builder.add(this.graphNode, new ProcessorGraphNode(name, supplier as unknown as AnyProcessorSupplier, [], storeNames));
    return new KStream<KR, VR>(this.builder, node, undefined, undefined, true);
  }

  /** Like process(), but the processor may change only values, so no repartition is needed later. */
  processValues<VR>(supplier: ProcessorSupplier<K, V, K, VR>, named?: NameLike, ...storeNames: string[]): KStream<K, VR> {
    const name = nameOf(named) ?? this.builder.names.newProcessorName('KSTREAM-PROCESSVALUES-');
    const node = this.builder.add(this.graphNode, new ProcessorGraphNode(name, fixedKeySupplier(supplier) as unknown as AnyProcessorSupplier, [], storeNames));
    return new KStream<K, VR>(this.builder, node, this.keySerde, undefined, this.repartitionRequired);
  }

  /**
   * Inner join (see joins/kstream-join-dsl.ts): with another KStream within JoinWindows; with a
   * KTable (lookup of the row with the record's key); with a GlobalKTable (lookup of the row
   * `keySelector` picks). Joiners are called (value, otherValue, key).
   */
  join<VO, VR>(other: KStream<K, VO>, joiner: (value: V, otherValue: VO, key: K) => VR, windows: JoinWindows, streamJoined?: StreamJoined<K, V, VO>): KStream<K, VR>;
  join<VO, VR>(table: KTable<K, VO>, joiner: (value: V, tableValue: VO, key: K) => VR, joined?: Joined<K, V, VO>): KStream<K, VR>;
  join<KG, VG, VR>(globalTable: GlobalKTable<KG, VG>, keySelector: (key: K, value: V) => KG, joiner: (value: V, tableValue: VG, key: K) => VR, named?: NameLike): KStream<K, VR>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- overload implementation
  join(...args: unknown[]): KStream<any, any> {
    return kstreamJoin(this as KStream<unknown, unknown>, 'inner', args);
  }

  /** Left join: every record of this stream is emitted, with the match or null (windowed joins: once its window closes). */
  leftJoin<VO, VR>(other: KStream<K, VO>, joiner: (value: V, otherValue: VO | null, key: K) => VR, windows: JoinWindows, streamJoined?: StreamJoined<K, V, VO>): KStream<K, VR>;
  leftJoin<VO, VR>(table: KTable<K, VO>, joiner: (value: V, tableValue: VO | null, key: K) => VR, joined?: Joined<K, V, VO>): KStream<K, VR>;
  leftJoin<KG, VG, VR>(globalTable: GlobalKTable<KG, VG>, keySelector: (key: K, value: V) => KG, joiner: (value: V, tableValue: VG | null, key: K) => VR, named?: NameLike): KStream<K, VR>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- overload implementation
  leftJoin(...args: unknown[]): KStream<any, any> {
    return kstreamJoin(this as KStream<unknown, unknown>, 'left', args);
  }

  /** Outer join with another KStream: unmatched records of either side are emitted with null once their window closes. */
  outerJoin<VO, VR>(other: KStream<K, VO>, joiner: (value: V | null, otherValue: VO | null, key: K) => VR, windows: JoinWindows, streamJoined?: StreamJoined<K, V, VO>): KStream<K, VR> {
    return kstreamJoin(this as KStream<unknown, unknown>, 'outer', [other, joiner, windows, streamJoined]) as KStream<K, VR>;
  }
}
