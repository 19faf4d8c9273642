/*
 * KGroupedTable<K, V>: a table re-grouped by `KTable.groupBy`, aggregated with an adder AND a
 * subtractor — Kafka Streams' KGroupedTableImpl. Each source-row update arrives as "subtract the
 * old row from its old group, add the new row to its new group" (see ops/ktable-grouping.ts),
 * so the aggregate always equals the aggregate of the current table's rows.
 *
 * Plan: KTABLE-SELECT → sink → [<prefix>-repartition] → source → KTABLE-AGGREGATE/REDUCE, where
 * prefix is the Grouped name or else the store name; the topic carries Change<V>.
 * Name order (as Kafka): store name → sink → source → processor name.
 */
import type { GraphNode } from '../graph/graph-node.ts';
import { Prefix } from '../graph/naming.ts';
import { ProcessorGraphNode } from '../graph/processor-nodes.ts';
import { RepartitionNode } from '../graph/repartition-nodes.ts';
import type { AnyProcessorSupplier, ProcessorSupplier } from '../processor/processor.ts';
import type { Serde } from '../serde/serde.ts';
import { Serdes } from '../serde/serdes.ts';
import { REPARTITION_SUFFIX } from '../topology/topology.ts';
import type { InternalBuilder } from './internal-builder.ts';
import { KTable, aggregateOrigin } from './ktable.ts';
import { KeyValueMaterializer } from './materialized-store.ts';
import { Materialized } from './options/materialized.ts';
import { nameOf, type NameLike } from './options/named.ts';
import { changeSerde, type Change } from './ops/change.ts';
import { tableAggregateSupplier, tableReduceSupplier } from './ops/ktable-grouping.ts';
import type { TableOpConfig } from './ops/table-forwarder.ts';

export class KGroupedTable<K, V> {
  #repartitionNode: RepartitionNode | undefined;

  /** @internal */
  constructor(
    private readonly builder: InternalBuilder,
    private readonly graphNode: GraphNode,
    readonly keySerde: Serde<K> | undefined,
    readonly valueSerde: Serde<V> | undefined,
    private readonly groupedName: string | undefined,
  ) {}

  count(materialized?: Materialized<NoInfer<K>, number>, named?: NameLike): KTable<K, number> {
    const m = materialized ?? Materialized.with<K, number>(this.keySerde, Serdes.int64());
    const storeName = this.#storeName(m);
    const config: TableOpConfig = { sendOldValues: false };
    const supplier = tableAggregateSupplier<K, V, number>(storeName, () => 0, (_k, _v, n) => n + 1, (_k, _v, n) => n - 1, config);
    return this.#build(named, Prefix.KTABLE_AGGREGATE, storeName, m, supplier, m.valueSerde ?? Serdes.int64(), config);
  }

  reduce(adder: (aggregate: V, value: V) => V, subtractor: (aggregate: V, value: V) => V, materialized?: Materialized<NoInfer<K>, NoInfer<V>>, named?: NameLike): KTable<K, V> {
    const m = materialized ?? Materialized.with<K, V>(this.keySerde, this.valueSerde);
    const storeName = this.#storeName(m);
    const config: TableOpConfig = { sendOldValues: false };
    return this.#build(named, Prefix.KTABLE_REDUCE, storeName, m, tableReduceSupplier<K, V>(storeName, adder, subtractor, config), m.valueSerde ?? this.valueSerde, config);
  }

  aggregate<VA>(
    initializer: () => VA,
    adder: (key: K, value: V, aggregate: VA) => VA,
    subtractor: (key: K, value: V, aggregate: VA) => VA,
    materialized?: Materialized<NoInfer<K>, NoInfer<VA>>,
    named?: NameLike,
  ): KTable<K, VA> {
    const m = materialized ?? Materialized.with<K, VA>(this.keySerde, undefined);
    const storeName = this.#storeName(m);
    const config: TableOpConfig = { sendOldValues: false };
    return this.#build(named, Prefix.KTABLE_AGGREGATE, storeName, m, tableAggregateSupplier<K, V, VA>(storeName, initializer, adder, subtractor, config), m.valueSerde, config);
  }

  #storeName(m: Materialized<unknown, unknown>): string {
    // Kafka generates KGroupedTable store names with the KTABLE-AGGREGATE- prefix, reduce included.
    const name = m.storeName ?? this.builder.names.newStoreName(Prefix.KTABLE_AGGREGATE);
    this.builder.claimStoreName(name);
    return name;
  }

  #build<VA>(
    named: NameLike,
    prefix: string,
    storeName: string,
    m: Materialized<unknown, unknown>,
    supplier: ProcessorSupplier<K, Change<V>, K, Change<VA>>,
    valueSerde: Serde<VA> | undefined,
    config: TableOpConfig,
  ): KTable<K, VA> {
    const given = nameOf(named);
    const names = this.builder.names;
    const sinkName = names.suffixOrElseGenerate(given, '-sink', Prefix.KSTREAM_SINK);
    const sourceName = names.suffixOrElseGenerate(given, '-source', Prefix.KSTREAM_SOURCE);
    const funcName = names.orElseGenerate(given, prefix);
    if (this.#repartitionNode === undefined || this.groupedName === undefined) {
      this.#repartitionNode = new RepartitionNode({
        topic: (this.groupedName ?? storeName) + REPARTITION_SUFFIX,
        sinkName,
        sourceName,
        filter: undefined,
        keySerde: this.keySerde as Serde<unknown> | undefined,
        valueSerde: changeSerde(this.valueSerde) as Serde<unknown>,
        numberOfPartitions: undefined,
      });
    }
    this.builder.add(this.graphNode, this.#repartitionNode);
    const keySerde = (m.keySerde ?? this.keySerde) as Serde<K> | undefined;
    const factory = new KeyValueMaterializer(storeName, m, keySerde, valueSerde);
    const node = this.builder.add(this.#repartitionNode, new ProcessorGraphNode(funcName, supplier as unknown as AnyProcessorSupplier, [factory]));
    return new KTable<K, VA>(this.builder, node, keySerde, valueSerde, m.storeName, aggregateOrigin(config, storeName));
  }
}
