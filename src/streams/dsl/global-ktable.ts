/*
 * GlobalKTable<K, V>: a table fully replicated on every instance — every partition of its topic
 * is read into one store, so any task can look up any key (Kafka Streams' GlobalKTable). It has
 * no operators of its own; it is read through its store (queryable by name) and, once the joins
 * issue lands, joined from KStreams without co-partitioning. Its store never has a changelog:
 * the source topic is the changelog.
 */
import type { Serde } from '../serde/serde.ts';

export class GlobalKTable<K, V> {
  /** @internal */
  constructor(
    /** The store that holds the table; processors may read it without connecting it. */
    readonly storeName: string,
    /** The store name users asked for (Materialized.as), if any. */
    readonly queryableStoreName: string | undefined,
    readonly keySerde: Serde<K> | undefined,
    readonly valueSerde: Serde<V> | undefined,
  ) {}
}
