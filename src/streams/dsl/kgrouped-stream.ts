/*
 * KGroupedStream<K, V>: a stream grouped by key, ready for count / reduce / aggregate into a
 * KTable — Kafka Streams' KGroupedStreamImpl + GroupedStreamAggregateBuilder.
 *
 * Repartitioning: if the stream was marked (a key-changing operator upstream, or groupBy), the
 * aggregation reads from an internal topic "<prefix>-repartition", prefix = the Grouped name or
 * else the store name, so equal keys meet in one task. With a Grouped name, several
 * aggregations of the same KGroupedStream share that one repartition topic; without, each gets
 * its own (as Kafka Streams does).
 *
 * Name generation order matches Kafka (so describe() matches): [count(Materialized) without a
 * store name burns one store index] → store name → processor name → 3 repartition names.
 * Null keys and null values are skipped and counted as dropped by the aggregate processor.
 */
import type { GraphNode } from '../graph/graph-node.ts';
import { Prefix } from '../graph/naming.ts';
import { ProcessorGraphNode } from '../graph/processor-nodes.ts';
import type { RepartitionNode } from '../graph/repartition-nodes.ts';
import type { AnyProcessorSupplier, ProcessorSupplier } from '../processor/processor.ts';
import type { Serde } from '../serde/serde.ts';
import { Serdes } from '../serde/serdes.ts';
import type { InternalBuilder } from './internal-builder.ts';
import { CogroupedKStream } from './cogrouped-kstream.ts';
import { KTable, aggregateOrigin } from './ktable.ts';
import { KeyValueMaterializer } from './materialized-store.ts';
import { Materialized } from './options/materialized.ts';
import { nameOf, type NameLike } from './options/named.ts';
import { aggregateSupplier, reduceSupplier, type Aggregator, type Initializer, type Reducer } from './ops/kstream-aggregate.ts';
import type { Change } from './ops/change.ts';
import type { TableOpConfig } from './ops/table-forwarder.ts';
import type { SessionWindowedKStream } from './windowed/session-windowed-kstream.ts';
import type { TimeWindowedKStream } from './windowed/time-windowed-kstream.ts';
import { windowedBy } from './windowed/windowed-by.ts';
import type { SessionWindows } from '../windows/session-windows.ts';
import type { SlidingWindows } from '../windows/sliding-windows.ts';
import type { TimeWindows } from '../windows/time-windows.ts';
import type { UnlimitedWindows } from '../windows/unlimited-windows.ts';

export class KGroupedStream<K, V> {
  #repartitionNode: RepartitionNode | undefined;

  /** @internal */
  constructor(
    readonly builder: InternalBuilder,
    private readonly graphNode: GraphNode,
    readonly keySerde: Serde<K> | undefined,
    readonly valueSerde: Serde<V> | undefined,
    private readonly groupedName: string | undefined,
    private readonly repartitionRequired: boolean,
  ) {}

  /** Number of records per key. `materialized` may name the store ("counts-store"). */
  count(materialized?: Materialized<NoInfer<K>, number>, named?: NameLike): KTable<K, number> {
    if (materialized !== undefined && materialized.storeName === undefined) {
      // Kafka burns a store index here for topology compatibility.
      this.builder.names.newStoreName(Prefix.KSTREAM_AGGREGATE);
    }
    const m = materialized ?? Materialized.with<K, number>(this.keySerde, Serdes.int64());
    const config: TableOpConfig = { sendOldValues: false };
    const storeName = this.#storeName(m, Prefix.KSTREAM_AGGREGATE);
    const name = this.builder.names.orElseGenerate(nameOf(named), Prefix.KSTREAM_AGGREGATE);
    const supplier = aggregateSupplier<K, V, number>(storeName, () => 0, (_k, _v, n) => n + 1, config);
    return this.#build(name, storeName, m, supplier, m.keySerde ?? this.keySerde, m.valueSerde ?? Serdes.int64(), config);
  }

  /** Combines the values of a key with `reducer(aggregate, value)`; the first value starts it. */
  reduce(reducer: Reducer<V>, materialized?: Materialized<NoInfer<K>, NoInfer<V>>, named?: NameLike): KTable<K, V> {
    const m = materialized ?? Materialized.with<K, V>(this.keySerde, this.valueSerde);
    const config: TableOpConfig = { sendOldValues: false };
    const storeName = this.#storeName(m, Prefix.KSTREAM_REDUCE);
    const name = this.builder.names.orElseGenerate(nameOf(named), Prefix.KSTREAM_REDUCE);
    return this.#build(name, storeName, m, reduceSupplier<K, V>(storeName, reducer, config), m.keySerde ?? this.keySerde, m.valueSerde ?? this.valueSerde, config);
  }

  /** Folds values into an aggregate that starts at `initializer()`. */
  aggregate<VA>(initializer: Initializer<VA>, aggregator: Aggregator<K, V, VA>, materialized?: Materialized<NoInfer<K>, NoInfer<VA>>, named?: NameLike): KTable<K, VA> {
    const m = materialized ?? Materialized.with<K, VA>(this.keySerde, undefined);
    const config: TableOpConfig = { sendOldValues: false };
    const storeName = this.#storeName(m, Prefix.KSTREAM_AGGREGATE);
    const name = this.builder.names.orElseGenerate(nameOf(named), Prefix.KSTREAM_AGGREGATE);
    return this.#build(name, storeName, m, aggregateSupplier<K, V, VA>(storeName, initializer, aggregator, config), m.keySerde ?? this.keySerde, m.valueSerde, config);
  }

  #storeName(m: Materialized<unknown, unknown>, prefix: string): string {
    const name = m.storeName ?? this.builder.names.newStoreName(prefix);
    this.builder.claimStoreName(name);
    return name;
  }

  /**
   * Starts a cogroup (cogrouped-kstream.ts): this stream's records fold into an aggregate of
   * type VOut with `aggregator`; add other grouped streams with .cogroup(other, aggregator).
   */
  cogroup<VOut>(aggregator: Aggregator<K, V, VOut>): CogroupedKStream<K, VOut> {
    return new CogroupedKStream<K, VOut>([{ grouped: this as KGroupedStream<K, unknown>, aggregator: aggregator as Aggregator<K, unknown, VOut> }]);
  }

  /** Windowed aggregations (dsl/windowed/): time and sliding windows, or sessions. */
  windowedBy(windows: TimeWindows | SlidingWindows | UnlimitedWindows): TimeWindowedKStream<K, V>;
  windowedBy(windows: SessionWindows): SessionWindowedKStream<K, V>;
  windowedBy(windows: TimeWindows | SlidingWindows | UnlimitedWindows | SessionWindows): TimeWindowedKStream<K, V> | SessionWindowedKStream<K, V> {
    return windowedBy<K, V>(this, windows);
  }

  /** @internal — the node an aggregation with store `storeName` hangs off, repartitioning if needed. */
  aggregationParent(storeName: string): GraphNode {
    if (!this.repartitionRequired) return this.graphNode;
    const node = this.builder.streamRepartitionNode(this.groupedName ?? storeName, this.keySerde as Serde<unknown> | undefined, this.valueSerde as Serde<unknown> | undefined);
    if (this.#repartitionNode === undefined || this.groupedName === undefined) this.#repartitionNode = node;
    return this.builder.add(this.graphNode, this.#repartitionNode);
  }

  #build<VA>(
    name: string,
    storeName: string,
    m: Materialized<unknown, unknown>,
    supplier: ProcessorSupplier<K, V, K, Change<VA>>,
    keySerde: Serde<K> | undefined,
    valueSerde: Serde<VA> | undefined,
    config: TableOpConfig,
  ): KTable<K, VA> {
    const parent = this.aggregationParent(storeName);
    const factory = new KeyValueMaterializer(storeName, m, keySerde, valueSerde);
    const node = this.builder.add(parent, new ProcessorGraphNode(name, supplier as unknown as AnyProcessorSupplier, [factory]));
    return new KTable<K, VA>(this.builder, node, keySerde, valueSerde, m.storeName, aggregateOrigin(config, storeName));
  }
}
