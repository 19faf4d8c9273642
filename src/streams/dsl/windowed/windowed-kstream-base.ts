/*
 * What TimeWindowedKStream and SessionWindowedKStream share: the emit strategy and late-records
 * options they carry until an aggregation is built, and the first steps of building one, which
 * must run in Kafka's naming order so describe() matches Kafka Streams:
 *   store name (given, or generated from the operation's prefix) → claim it → processor name.
 * Each subclass then creates its own store factory and processor supplier (window vs session).
 */
import type { Serde } from '../../serde/serde.ts';
import type { Materialized } from '../options/materialized.ts';
import { nameOf, type NameLike } from '../options/named.ts';
import type { Produced } from '../options/produced.ts';
import type { TableOpConfig } from '../ops/table-forwarder.ts';
import { EmitStrategy } from './emit-strategy.ts';
import type { GroupedStreamHandle } from './windowed-graph.ts';
import type { LateRecordsOutput } from './windowed-aggregate-node.ts';

/** Names and settings of one windowed aggregation, resolved in Kafka's order. */
export interface WindowedAggregateNames<K> {
  readonly storeName: string;
  readonly name: string;
  readonly keySerde: Serde<K> | undefined;
  readonly config: TableOpConfig;
}

export abstract class WindowedKStreamBase<K, V> {
  protected currentEmitStrategy: EmitStrategy = EmitStrategy.onWindowUpdate();
  protected late: LateRecordsOutput<K, V> | undefined;

  protected constructor(protected readonly grouped: GroupedStreamHandle<K, V>) {}

  /** When results are forwarded: every update (default) or once per window when it closes. */
  emitStrategy(strategy: EmitStrategy): this {
    this.currentEmitStrategy = strategy;
    return this;
  }

  /**
   * Opt-in (beyond Kafka Streams): records that no window accepted because every window they
   * belong to had closed go to `topic` (with the grouped stream's serdes unless `produced` gives
   * others) instead of only being logged and counted. See windowed-aggregate-node.ts.
   */
  withLateRecords(topic: string, produced?: Produced<K, V>): this {
    this.late = { topic, produced };
    return this;
  }

  /** Store name (claimed), processor name, key serde and table config of a new aggregation. */
  protected resolveNames(prefix: string, named: NameLike, m: Materialized<unknown, unknown>): WindowedAggregateNames<K> {
    const b = this.grouped.builder;
    const storeName = m.storeName ?? b.names.newStoreName(prefix);
    b.claimStoreName(storeName);
    const name = b.names.orElseGenerate(nameOf(named), prefix);
    const keySerde = (m.keySerde ?? this.grouped.keySerde) as Serde<K> | undefined;
    return { storeName, name, keySerde, config: { sendOldValues: false } };
  }
}
