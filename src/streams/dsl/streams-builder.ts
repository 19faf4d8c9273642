/*
 * StreamsBuilder: the entry point of the DSL — Kafka Streams' StreamsBuilder. It creates source
 * streams and tables, collects the logical plan the operators build, and compiles it into a
 * Topology with `build()` (which may be called more than once; each call compiles afresh).
 *
 * Types start here: `stream('t', Consumed.with(Serdes.string(), Serdes.json(schema)))` is a
 * KStream<string, z.output<typeof schema>>; without Consumed, pass the types explicitly
 * (`stream<string, string>('t')`) and configure default serdes.
 *
 * Naming (as Kafka): stream → KSTREAM-SOURCE-<n>; table → store "<topic>-STATE-STORE-<n>"
 * (unless named), source KSTREAM-SOURCE-<n+1>, processor KTABLE-SOURCE-<n+2>; a source table is
 * materialized only if its store is named or a downstream operator needs it.
 */
import { Prefix, TABLE_SOURCE_SUFFIX } from '../graph/naming.ts';
import { StateStoreNode } from '../graph/processor-nodes.ts';
import { GlobalTableSourceNode, StreamSourceNode, TableSourceNode } from '../graph/source-nodes.ts';
import type { AnyProcessorSupplier } from '../processor/processor.ts';
import type { Serde } from '../serde/serde.ts';
import type { StoreFactory } from '../topology/node-specs.ts';
import { Topology } from '../topology/topology.ts';
import { InternalBuilder } from './internal-builder.ts';
import { parseBuildConfig, rewritePlan, type BuildConfig } from './topology-optimization.ts';
import { GlobalKTable } from './global-ktable.ts';
import { KStream } from './kstream.ts';
import { KTable, tableSourceOrigin } from './ktable.ts';
import { KeyValueMaterializer } from './materialized-store.ts';
import type { Consumed } from './options/consumed.ts';
import { Materialized } from './options/materialized.ts';
import { tableSourceSupplier, type TableSourceState } from './ops/ktable-source.ts';

export class StreamsBuilder {
  readonly #b = new InternalBuilder();

  /** A stream of the records in one topic, several topics, or every topic matching a RegExp. */
  stream<K = unknown, V = unknown>(topics: string | readonly string[] | RegExp, consumed?: Consumed<K, V>): KStream<K, V> {
    const list = typeof topics === 'string' ? [topics] : topics;
    const name = this.#b.names.orElseGenerate(consumed?.processorName, Prefix.KSTREAM_SOURCE);
    const node = this.#b.add(
      this.#b.plan.root,
      new StreamSourceNode(name, list instanceof RegExp ? list : [...list], {
        keyDeserializer: consumed?.keySerde as Serde<unknown> | undefined,
        valueDeserializer: consumed?.valueSerde as Serde<unknown> | undefined,
        timestampExtractor: consumed?.timestampExtractor,
      }),
    );
    return new KStream<K, V>(this.#b, node, consumed?.keySerde, consumed?.valueSerde, false);
  }

  /** The topic read as a changelog: latest value per key. Name the store to query it. */
  table<K = unknown, V = unknown>(topic: string, consumed?: Consumed<K, V>, materialized?: Materialized<NoInfer<K>, NoInfer<V>>): KTable<K, V> {
    const m = materialized ?? Materialized.with<K, V>(consumed?.keySerde, consumed?.valueSerde);
    const { storeName, sourceName, processorName, keySerde, valueSerde, deserializers } = this.#tableSource(topic, consumed, m);
    const state: TableSourceState = { storeName: undefined, sendOldValues: false };
    const node = this.#b.add(
      this.#b.plan.root,
      new TableSourceNode(
        sourceName,
        processorName,
        topic,
        deserializers,
        tableSourceSupplier<K, V>(state) as unknown as AnyProcessorSupplier,
        new KeyValueMaterializer(storeName, m, keySerde, valueSerde, { sourceTable: true }),
        false,
      ),
    );
    const origin = tableSourceOrigin(node, state, storeName, m.versionedSupplier?.historyRetentionMs);
    if (m.storeName !== undefined) origin.materialize();
    return new KTable<K, V>(this.#b, node, keySerde, valueSerde, m.storeName, origin);
  }

  /**
   * The whole topic (all partitions) as a table on every instance. The store is always
   * materialized, named "<topic>-STATE-STORE-<n>" unless Materialized names it, without logging.
   */
  globalTable<K = unknown, V = unknown>(topic: string, consumed?: Consumed<K, V>, materialized?: Materialized<NoInfer<K>, NoInfer<V>>): GlobalKTable<K, V> {
    const m = (materialized ?? Materialized.with<K, V>(consumed?.keySerde, consumed?.valueSerde)).withLoggingDisabled();
    const { storeName, sourceName, processorName, keySerde, valueSerde, deserializers } = this.#tableSource(topic, consumed, m);
    const state: TableSourceState = { storeName, sendOldValues: false };
    this.#b.add(
      this.#b.plan.root,
      new GlobalTableSourceNode(
        sourceName,
        processorName,
        topic,
        deserializers,
        tableSourceSupplier<K, V>(state) as unknown as AnyProcessorSupplier,
        new KeyValueMaterializer(storeName, m, keySerde, valueSerde),
      ),
    );
    return new GlobalKTable<K, V>(storeName, m.storeName, keySerde, valueSerde);
  }

  /** Adds a store for Processor API operators (`KStream.process(supplier, named, storeName)`). */
  addStateStore(factory: StoreFactory): this {
    this.#b.claimStoreName(factory.name);
    this.#b.add(this.#b.plan.root, new StateStoreNode(factory));
    return this;
  }

  /**
   * Compiles the plan into a Topology (sub-topologies, internal topics, stores). `config` is
   * Kafka's build(props): `topologyOptimization` ('none' by default, 'all', or rule names such
   * as 'merge.repartition.topics'; dsl/topology-optimization.ts) rewrites the plan as it is
   * written. Two stream() calls on one topic always become one source (graph/source-merge.ts).
   */
  build(config?: BuildConfig): Topology {
    const options = parseBuildConfig(config);
    return this.#b.plan.writeTo(new Topology(), options, (plan) => rewritePlan(plan, options));
  }

  /**
   * The names and serdes of a table or global-table source, generated in Kafka's order (store
   * name, then source, then table-source processor) so describe() matches Kafka Streams.
   */
  #tableSource<K, V>(topic: string, consumed: Consumed<K, V> | undefined, m: Materialized<K, V>) {
    const storeName = m.storeName ?? this.#b.names.newStoreName(`${topic}-`);
    this.#b.claimStoreName(storeName);
    const given = consumed?.processorName;
    const sourceName = this.#b.names.suffixOrElseGenerate(given, TABLE_SOURCE_SUFFIX, Prefix.KSTREAM_SOURCE);
    const processorName = this.#b.names.orElseGenerate(given, Prefix.KTABLE_SOURCE);
    const keySerde = m.keySerde ?? consumed?.keySerde;
    const valueSerde = m.valueSerde ?? consumed?.valueSerde;
    const deserializers = {
      keyDeserializer: consumed?.keySerde as Serde<unknown> | undefined,
      valueDeserializer: consumed?.valueSerde as Serde<unknown> | undefined,
      timestampExtractor: consumed?.timestampExtractor,
    };
    return { storeName, sourceName, processorName, keySerde, valueSerde, deserializers };
  }
}
