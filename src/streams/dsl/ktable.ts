/*
 * KTable<K, V>: a changelog stream read as a table — the latest value per key, where a null
 * value deletes the row. Kafka Streams' KTable.
 *
 * Between table operators records carry Change<V> {newValue, oldValue}. Old values cost a store
 * read, so they are sent only when a downstream operator needs them: `groupBy` does (it must
 * subtract a row's old value from its old group), and asks upstream through
 * `enableSendingOldValues(forceMaterialization)`:
 *   - a source table turns sendOldValues on and, if forced, materializes its store (it needs
 *     the store to know the old value);
 *   - an aggregation turns it on (its store always exists);
 *   - a stateless operator (filter, mapValues) asks its parent first, then turns it on itself.
 * These are flags read when the topology is built and the tasks run, so the order of DSL calls
 * does not matter.
 */
import type { GraphNode } from '../graph/graph-node.ts';
import { Prefix } from '../graph/naming.ts';
import { ProcessorGraphNode } from '../graph/processor-nodes.ts';
import type { AnyProcessorSupplier, ProcessorSupplier } from '../processor/processor.ts';
import type { Serde } from '../serde/serde.ts';
import type { InternalBuilder } from './internal-builder.ts';
import { KGroupedTable } from './kgrouped-table.ts';
import { KStream } from './kstream.ts';
import type { Grouped } from './options/grouped.ts';
import { Materialized } from './options/materialized.ts';
import { KeyValueMaterializer } from './materialized-store.ts';
import { materializedTableViewSupplier } from './ops/ktable-materialized-view.ts';
import { tableTransformValuesSupplier, transformValuesGetter, type ValueTransformerWithKeySupplier } from './ops/ktable-transform-values.ts';
import { Named, nameOf, type NameLike } from './options/named.ts';
import type { TableJoined } from './options/table-joined.ts';
import type { Change } from './ops/change.ts';
import { tableRepartitionMapSupplier } from './ops/ktable-grouping.ts';
import type { TableSourceState } from './ops/ktable-source.ts';
import { tableFilterSupplier, tableMapValuesSupplier, tableToStreamSupplier } from './ops/ktable-stateless.ts';
import type { TableOpConfig } from './ops/table-forwarder.ts';
import type { Suppressed } from './windowed/suppressed.ts';
import { suppressTable } from './windowed/suppress-table.ts';
import type { ValueAndTimestamp } from '../state/value-and-timestamp.ts';
import { derivedValueGetter, storeValueGetter, type TableValueGetterSupplier } from './joins/value-getter.ts';
import { tableTableJoin, type TableTableJoinArgs } from './joins/ktable-join-dsl.ts';

const TRANSFORMVALUES_PREFIX = 'KTABLE-TRANSFORMVALUES-';

/** How a table can be asked for old values; see the file comment. */
export interface TableOrigin {
  /** Returns false when old values are unavailable without forcing materialization. */
  enableSendingOldValues(forceMaterialization: boolean): boolean;
  /** How joins read the current row by key (absent: the table cannot be looked up). See joins/value-getter.ts. */
  valueGetter?(): TableValueGetterSupplier<unknown, unknown>;
}

/** Origin of a source table (builder.table / toTable): materializing attaches its store. */
export function tableSourceOrigin(node: { materialized: boolean }, state: TableSourceState, storeName: string, historyRetentionMs?: number) {
  return {
    materialize(): void {
      node.materialized = true;
      state.storeName = storeName;
    },
    enableSendingOldValues(force: boolean): boolean {
      if (!state.sendOldValues) {
        if (!node.materialized && !force) return false;
        this.materialize();
        state.sendOldValues = true;
      }
      return true;
    },
    /** A lookup needs the store: materializes the table. */
    valueGetter(): TableValueGetterSupplier<unknown, unknown> {
      this.materialize();
      return storeValueGetter(storeName, historyRetentionMs);
    },
  };
}

/**
 * Origin of an aggregation: its store always exists. Lookups read it as a key-value table store,
 * unless `valueGetter` says otherwise (windowed aggregations: windowed/windowed-value-getter.ts).
 */
export function aggregateOrigin(
  config: TableOpConfig,
  storeName?: string,
  valueGetter: (() => TableValueGetterSupplier<unknown, unknown>) | undefined = storeName === undefined ? undefined : () => storeValueGetter(storeName),
): TableOrigin {
  return {
    enableSendingOldValues() {
      config.sendOldValues = true;
      return true;
    },
    ...(valueGetter === undefined ? {} : { valueGetter }),
  };
}

/** Applies a stateless table operator to a looked-up row (see joins/value-getter.ts). */
type RowView<K, V, VR> = (key: K, row: ValueAndTimestamp<V> | null) => ValueAndTimestamp<VR> | null;

function statelessOrigin(parent: TableOrigin, config: TableOpConfig, view?: RowView<never, never, unknown>): TableOrigin {
  const parentGetter = parent.valueGetter;
  return {
    ...(parentGetter === undefined || view === undefined ? {} : { valueGetter: () => derivedValueGetter(parentGetter.call(parent), view as RowView<unknown, unknown, unknown>) }),
    enableSendingOldValues(force) {
      if (!config.sendOldValues) {
        if (!parent.enableSendingOldValues(force)) return false;
        config.sendOldValues = true;
      }
      return true;
    },
  };
}

export class KTable<K, V> {
  /** @internal */
  constructor(
    readonly builder: InternalBuilder,
    readonly graphNode: GraphNode,
    readonly keySerde: Serde<K> | undefined,
    readonly valueSerde: Serde<V> | undefined,
    /** The store name users can query, when the table was materialized by name. */
    readonly queryableStoreName: string | undefined,
    /** @internal */
    readonly origin: TableOrigin,
  ) {}

  /**
   * A stateless table operator (filter, mapValues). With a Materialized that names a store, the
   * result is materialized there and queryable by that name (ops/ktable-materialized-view.ts);
   * an unnamed Materialized only burns a store-name index, as in Kafka (which materializes
   * only queryable stores here).
   */
  #stateless<VR>(
    prefix: string,
    args: readonly unknown[],
    make: (config: TableOpConfig) => ProcessorSupplier<K, Change<V>, K, Change<VR>>,
    valueSerde: Serde<VR> | undefined,
    view: RowView<K, V, VR>,
    compute: (key: K, value: V | null) => VR | null,
    skipWhenBothNull: boolean,
  ): KTable<K, VR> {
    const [a, b] = args;
    const materialized = (a instanceof Materialized ? a : b instanceof Materialized ? b : undefined) as Materialized<K, VR> | undefined;
    const named = a instanceof Materialized ? undefined : (a as NameLike);
    const { storeName, name } = this.#viewNames(prefix, materialized, named);
    const config: TableOpConfig = { sendOldValues: false };
    if (materialized === undefined || storeName === undefined) {
      const node = this.builder.add(this.graphNode, new ProcessorGraphNode(name, make(config) as unknown as AnyProcessorSupplier));
      return new KTable<K, VR>(this.builder, node, this.keySerde, valueSerde, undefined, statelessOrigin(this.origin, config, view as RowView<never, never, unknown>));
    }
    const resultValueSerde = materialized.valueSerde ?? valueSerde;
    const factory = new KeyValueMaterializer(storeName, materialized as Materialized<unknown, unknown>, materialized.keySerde ?? this.keySerde, resultValueSerde);
    const supplier = materializedTableViewSupplier<K, V, VR>(storeName, compute, skipWhenBothNull, config);
    const node = this.builder.add(this.graphNode, new ProcessorGraphNode(name, supplier as unknown as AnyProcessorSupplier, [factory]));
    // Old values come from this store, so the parent need not send them.
    return new KTable<K, VR>(this.builder, node, materialized.keySerde ?? this.keySerde, resultValueSerde, storeName, aggregateOrigin(config, storeName));
  }

  /** Kafka's naming order for a table view: [store name or a burned index] → processor name. */
  #viewNames(prefix: string, materialized: Materialized<unknown, unknown> | undefined, named: NameLike): { storeName: string | undefined; name: string } {
    const storeName = materialized?.storeName;
    if (materialized !== undefined && storeName === undefined) this.builder.names.newStoreName(prefix); // Kafka burns the index
    if (storeName !== undefined) this.builder.claimStoreName(storeName);
    return { storeName, name: this.builder.names.orElseGenerate(nameOf(named), prefix) };
  }

  /**
   * Transforms each row's value with a stateful transformer (ops/ktable-transform-values.ts),
   * Kafka's transformValues: `args` may hold a Materialized (a named one materializes and makes
   * the result queryable), a Named, and the names of stores the transformer reads (add them with
   * StreamsBuilder.addStateStore first). The result's value serde is the Materialized's, if any.
   */
  transformValues<VR>(supplier: ValueTransformerWithKeySupplier<K, V, VR>, ...args: Array<Materialized<NoInfer<K>, VR> | Named | string>): KTable<K, VR> {
    const materialized = args.find((x): x is Materialized<K, VR> => x instanceof Materialized);
    const named = args.find((x): x is Named => x instanceof Named);
    const stores = args.filter((x): x is string => typeof x === 'string');
    const { storeName, name } = this.#viewNames(TRANSFORMVALUES_PREFIX, materialized as Materialized<unknown, unknown> | undefined, named);
    const config: TableOpConfig = { sendOldValues: false };
    const keySerde = materialized?.keySerde ?? this.keySerde;
    const factories = storeName === undefined ? [] : [new KeyValueMaterializer(storeName, materialized as Materialized<unknown, unknown>, keySerde, materialized?.valueSerde)];
    const processor = tableTransformValuesSupplier<K, V, VR>(supplier, storeName, config);
    const node = this.builder.add(this.graphNode, new ProcessorGraphNode(name, processor as unknown as AnyProcessorSupplier, factories, stores));
    if (storeName !== undefined) return new KTable<K, VR>(this.builder, node, keySerde, materialized?.valueSerde, storeName, aggregateOrigin(config, storeName));
    const parent = this.origin;
    const parentGetter = parent.valueGetter;
    return new KTable<K, VR>(this.builder, node, keySerde, materialized?.valueSerde, undefined, {
      ...statelessOrigin(parent, config),
      ...(parentGetter === undefined ? {} : { valueGetter: () => transformValuesGetter(parentGetter.call(parent) as TableValueGetterSupplier<K, V>, supplier, stores) as TableValueGetterSupplier<unknown, unknown> }),
    });
  }

  /** Keeps rows that satisfy the predicate; a row that stops satisfying it is deleted downstream. */
  filter(predicate: (key: K, value: V) => boolean, named?: NameLike | Materialized<NoInfer<K>, NoInfer<V>>, materialized?: Materialized<NoInfer<K>, NoInfer<V>>): KTable<K, V> {
    const keep = (k: K, v: V | null) => (v !== null && predicate(k, v) ? v : null);
    return this.#stateless<V>(Prefix.KTABLE_FILTER, [named, materialized], (c) => tableFilterSupplier(predicate, false, c), this.valueSerde, (k, row) => (row !== null && predicate(k, row.value) ? row : null), keep, true);
  }

  filterNot(predicate: (key: K, value: V) => boolean, named?: NameLike | Materialized<NoInfer<K>, NoInfer<V>>, materialized?: Materialized<NoInfer<K>, NoInfer<V>>): KTable<K, V> {
    const keep = (k: K, v: V | null) => (v !== null && !predicate(k, v) ? v : null);
    return this.#stateless<V>(Prefix.KTABLE_FILTER, [named, materialized], (c) => tableFilterSupplier(predicate, true, c), this.valueSerde, (k, row) => (row !== null && !predicate(k, row.value) ? row : null), keep, true);
  }

  mapValues<VR>(mapper: (value: V, key: K) => VR, named?: NameLike | Materialized<NoInfer<K>, VR>, materialized?: Materialized<NoInfer<K>, VR>): KTable<K, VR> {
    return this.#stateless<VR>(
      Prefix.KTABLE_MAPVALUES,
      [named, materialized],
      (c) => tableMapValuesSupplier(mapper, c),
      undefined,
      (k, row) => (row === null ? null : { value: mapper(row.value, k), timestamp: row.timestamp }),
      (k, v) => (v === null ? null : mapper(v, k)),
      false,
    );
  }

  /**
   * Makes this table's updates carry their old values to the processors below it — Kafka's
   * KTableImpl.enableSendingOldValues(forceMaterialization), the hook its own tests use to watch
   * a table's changes. A source table must be materialized to know old values: it is when
   * `forceMaterialization` (default), otherwise this returns false and changes nothing. To
   * observe the changes, attach a processor under `processorName` in the built Topology
   * (`topology.addProcessor(name, supplier, table.processorName)`): it receives Change values
   * { newValue, oldValue, isLatest? }.
   */
  enableSendingOldValues(forceMaterialization = true): boolean {
    return this.origin.enableSendingOldValues(forceMaterialization);
  }

  /** The name of the topology processor that emits this table's changes (Kafka's KTableImpl.name). */
  get processorName(): string {
    return this.graphNode.outputName;
  }

  /**
   * Holds back updates: final results per window (Suppressed.untilWindowCloses) or rate
   * limiting (Suppressed.untilTimeLimit). See dsl/windowed/suppressed.ts.
   */
  suppress(suppressed: Suppressed): KTable<K, V> {
    return suppressTable(this, suppressed);
  }

  /** The table's update stream: (key, newValue) per change; a delete is a null value. */
  toStream(named?: NameLike): KStream<K, V> {
    const name = this.builder.names.orElseGenerate(nameOf(named), Prefix.KTABLE_TOSTREAM);
    const node = this.builder.add(this.graphNode, new ProcessorGraphNode(name, tableToStreamSupplier<K, V>() as unknown as AnyProcessorSupplier));
    return new KStream<K, V>(this.builder, node, this.keySerde, this.valueSerde, false);
  }

  /**
   * Re-groups rows by `selector(key, value) → [newKey, newValue]` for count/reduce/aggregate
   * with adder and subtractor. Always repartitions; makes this table send old values.
   */
  groupBy<KR, VR>(selector: (key: K, value: V) => readonly [KR, VR], grouped?: Grouped<KR, VR>): KGroupedTable<KR, VR> {
    const name = this.builder.names.orElseGenerate(grouped?.name, Prefix.KTABLE_SELECT);
    const node = this.builder.add(this.graphNode, new ProcessorGraphNode(name, tableRepartitionMapSupplier(selector) as unknown as AnyProcessorSupplier));
    this.origin.enableSendingOldValues(true);
    return new KGroupedTable<KR, VR>(this.builder, node, grouped?.keySerde, grouped?.valueSerde, grouped?.name);
  }

  /**
   * Joins (see joins/ktable-join-dsl.ts): `join(other, joiner, named?, materialized?)` joins on
   * the primary key; `join(other, foreignKeyExtractor, joiner, tableJoined?, materialized?)`
   * joins each row to the `other` row whose key the extractor returns (foreign-key join).
   */
  join<VO, VR>(other: KTable<K, VO>, joiner: (value: V, otherValue: VO) => VR, named?: NameLike | Materialized<NoInfer<K>, NoInfer<VR>>, materialized?: Materialized<NoInfer<K>, NoInfer<VR>>): KTable<K, VR>;
  join<KO, VO, VR>(other: KTable<KO, VO>, foreignKeyExtractor: (value: V) => KO | null, joiner: (value: V, otherValue: VO) => VR, tableJoined?: TableJoined<K, NoInfer<KO>>, materialized?: Materialized<NoInfer<K>, NoInfer<VR>>): KTable<K, VR>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- overload implementation
  join(...args: unknown[]): KTable<any, any> {
    return tableTableJoin(this as KTable<unknown, unknown>, 'inner', args as TableTableJoinArgs);
  }

  /** Left join: every row of this table, with the other row or null. Same two forms as join. */
  leftJoin<VO, VR>(other: KTable<K, VO>, joiner: (value: V, otherValue: VO | null) => VR, named?: NameLike | Materialized<NoInfer<K>, NoInfer<VR>>, materialized?: Materialized<NoInfer<K>, NoInfer<VR>>): KTable<K, VR>;
  leftJoin<KO, VO, VR>(other: KTable<KO, VO>, foreignKeyExtractor: (value: V) => KO | null, joiner: (value: V, otherValue: VO | null) => VR, tableJoined?: TableJoined<K, NoInfer<KO>>, materialized?: Materialized<NoInfer<K>, NoInfer<VR>>): KTable<K, VR>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- overload implementation
  leftJoin(...args: unknown[]): KTable<any, any> {
    return tableTableJoin(this as KTable<unknown, unknown>, 'left', args as TableTableJoinArgs);
  }

  /** Outer join on the primary key: a row exists when either side has one. */
  outerJoin<VO, VR>(other: KTable<K, VO>, joiner: (value: V | null, otherValue: VO | null) => VR, named?: NameLike | Materialized<NoInfer<K>, NoInfer<VR>>, materialized?: Materialized<NoInfer<K>, NoInfer<VR>>): KTable<K, VR> {
    return tableTableJoin(this as KTable<unknown, unknown>, 'outer', [other, joiner, named, materialized] as TableTableJoinArgs) as KTable<K, VR>;
  }
}
