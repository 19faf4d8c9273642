/*
 * CogroupedKStream<K, VOut>: several grouped streams folded into ONE aggregate per key, each
 * with its own aggregator — Kafka Streams' CogroupedKStreamImpl + CogroupedStreamAggregateBuilder.
 *
 *   builder.stream('a').groupByKey().cogroup(aggA)
 *     .cogroup(builder.stream('b').groupByKey(), aggB)
 *     .aggregate(initializer, materialized?)           → KTable<K, VOut>
 *     (or .windowedBy(TimeWindows | SlidingWindows | SessionWindows).aggregate(...): windowed)
 *
 * Plan (names as Kafka generates them, so describe() matches):
 *   store      Materialized name, else COGROUPKSTREAM-AGGREGATE-STATE-STORE-<n>
 *   per grouped stream, in cogroup order: its repartition (when it needs one: "<Grouped name or
 *              store>-repartition", as a single aggregation's) → an aggregate processor
 *              "<named>-cogroup-agg-<i>" or COGROUPKSTREAM-AGGREGATE-<n>, all sharing the store
 *              (so all land in one sub-topology)
 *   merge      "<named>-cogroup-merge" or COGROUPKSTREAM-MERGE-<n>: a pass-through all the
 *              aggregate processors feed; it is the result table's node
 * Each aggregate processor is the ordinary one of its kind (key-value, time/sliding window,
 * session) over the shared store, so results, timestamps, caching and old values behave as a
 * single aggregation's. The result table looks rows up in the shared store.
 */
import type { GraphNode } from '../graph/graph-node.ts';
import { ProcessorGraphNode } from '../graph/processor-nodes.ts';
import type { AnyProcessorSupplier, ProcessorSupplier } from '../processor/processor.ts';
import type { Serde } from '../serde/serde.ts';
import type { StoreFactory } from '../topology/node-specs.ts';
import type { KGroupedStream } from './kgrouped-stream.ts';
import { KTable, aggregateOrigin } from './ktable.ts';
import { KeyValueMaterializer } from './materialized-store.ts';
import { Materialized } from './options/materialized.ts';
import { nameOf, type NameLike } from './options/named.ts';
import { aggregateSupplier, type Aggregator, type Initializer } from './ops/kstream-aggregate.ts';
import { passThroughSupplier } from './ops/stateless.ts';
import { SessionWindowedCogroupedKStream, TimeWindowedCogroupedKStream } from './windowed/cogrouped-windowed.ts';
import { SessionWindows } from '../windows/session-windows.ts';
import type { SlidingWindows } from '../windows/sliding-windows.ts';
import type { TimeWindows } from '../windows/time-windows.ts';
import type { UnlimitedWindows } from '../windows/unlimited-windows.ts';
import type { TableOpConfig } from './ops/table-forwarder.ts';

export const COGROUP_AGGREGATE_PREFIX = 'COGROUPKSTREAM-AGGREGATE-';
export const COGROUP_MERGE_PREFIX = 'COGROUPKSTREAM-MERGE-';

/** One grouped stream of a cogroup and its aggregator (types erased: each has its own V). */
export interface CogroupPart<K, VOut> {
  readonly grouped: KGroupedStream<K, unknown>;
  readonly aggregator: Aggregator<K, unknown, VOut>;
}

/**
 * Builds the plan of the file comment and returns the merge node. `makeSupplier(part)` gives the
 * aggregate processor of one part over the store; `factory` is the shared store.
 */
export function buildCogroup<K, VOut>(
  parts: readonly CogroupPart<K, VOut>[],
  storeName: string,
  named: string | undefined,
  factory: StoreFactory,
  makeSupplier: (part: CogroupPart<K, VOut>) => ProcessorSupplier<K, unknown, unknown, unknown>,
): GraphNode {
  const b = parts[0]!.grouped.builder;
  const parents = parts.map((p) => p.grouped.aggregationParent(storeName));
  const aggregates = parts.map((part, i) => {
    const name = named !== undefined ? `${named}-cogroup-agg-${i}` : b.names.newProcessorName(COGROUP_AGGREGATE_PREFIX);
    const stores = i === 0 ? [factory] : [];
    const node = new ProcessorGraphNode(name, makeSupplier(part) as unknown as AnyProcessorSupplier, stores, i === 0 ? [] : [storeName]);
    return b.add(parents[i]!, node);
  });
  const mergeName = named !== undefined ? `${named}-cogroup-merge` : b.names.newProcessorName(COGROUP_MERGE_PREFIX);
  return b.add(aggregates, new ProcessorGraphNode(mergeName, passThroughSupplier() as AnyProcessorSupplier));
}

export class CogroupedKStream<K, VOut> {
  /** @internal */
  constructor(readonly parts: readonly CogroupPart<K, VOut>[]) {}

  /** Adds another grouped stream (same key type) with its own aggregator. */
  cogroup<V>(grouped: KGroupedStream<K, V>, aggregator: Aggregator<K, V, VOut>): CogroupedKStream<K, VOut> {
    if (this.parts.some((p) => p.grouped === (grouped as KGroupedStream<K, unknown>))) {
      throw new Error('cogroup: this grouped stream is already part of the cogroup; each KGroupedStream may appear once.');
    }
    return new CogroupedKStream<K, VOut>([...this.parts, { grouped: grouped as KGroupedStream<K, unknown>, aggregator: aggregator as Aggregator<K, unknown, VOut> }]);
  }

  /** Windowed cogroup (windowed/cogrouped-windowed.ts): time and sliding windows, or sessions. */
  windowedBy(windows: TimeWindows | SlidingWindows | UnlimitedWindows): TimeWindowedCogroupedKStream<K, VOut>;
  windowedBy(windows: SessionWindows): SessionWindowedCogroupedKStream<K, VOut>;
  windowedBy(windows: TimeWindows | SlidingWindows | UnlimitedWindows | SessionWindows): TimeWindowedCogroupedKStream<K, VOut> | SessionWindowedCogroupedKStream<K, VOut> {
    return windows instanceof SessionWindows ? new SessionWindowedCogroupedKStream<K, VOut>(this.parts, windows) : new TimeWindowedCogroupedKStream<K, VOut>(this.parts, windows);
  }

  /** Folds every part's records into one aggregate per key that starts at `initializer()`. */
  aggregate(initializer: Initializer<VOut>, named?: NameLike | Materialized<NoInfer<K>, VOut>, materialized?: Materialized<NoInfer<K>, VOut>): KTable<K, VOut> {
    const m = (named instanceof Materialized ? named : materialized) ?? Materialized.with<K, VOut>(undefined, undefined);
    const givenName = named instanceof Materialized ? undefined : nameOf(named);
    const b = this.parts[0]!.grouped.builder;
    const storeName = m.storeName ?? b.names.newStoreName(COGROUP_AGGREGATE_PREFIX);
    b.claimStoreName(storeName);
    const keySerde = (m.keySerde ?? this.parts[0]!.grouped.keySerde) as Serde<K> | undefined;
    const factory = new KeyValueMaterializer(storeName, m as Materialized<unknown, unknown>, keySerde, m.valueSerde);
    const config: TableOpConfig = { sendOldValues: false };
    const merge = buildCogroup<K, VOut>(this.parts, storeName, givenName, factory, (part) => aggregateSupplier<K, unknown, VOut>(storeName, initializer, part.aggregator, config) as ProcessorSupplier<K, unknown, unknown, unknown>);
    return new KTable<K, VOut>(b, merge, keySerde, m.valueSerde, m.storeName, aggregateOrigin(config, storeName));
  }
}
