/*
 * SessionWindowedKStream<K, V>: a grouped stream windowed by SessionWindows, ready for count /
 * reduce / aggregate into a KTable<Windowed<K>, VA> — Kafka Streams'
 * SessionWindowedKStreamImpl. aggregate needs a merger, which combines the aggregates of two
 * sessions that a new record bridges (count adds, reduce applies the reducer).
 *
 * Names are generated in Kafka's order (see time-windowed-kstream.ts); the result table's key
 * serde is Serdes.sessionWindowed(keySerde) when the key serde is known.
 */
import { Prefix } from '../../graph/naming.ts';
import type { ProcessorSupplier } from '../../processor/processor.ts';
import type { Serde } from '../../serde/serde.ts';
import { Serdes } from '../../serde/serdes.ts';
import { sessionWindowedSerde, type Windowed } from '../../serde/windowed-serdes.ts';
import type { SessionWindows } from '../../windows/session-windows.ts';
import { KTable, aggregateOrigin } from '../ktable.ts';
import { windowedValueGetter } from './windowed-value-getter.ts';
import { Materialized } from '../options/materialized.ts';
import type { NameLike } from '../options/named.ts';
import { sessionWindowAggregateSupplier } from './session-window-aggregate.ts';
import type { Aggregator, Initializer, Merger, Reducer } from './window-aggregate-support.ts';
import type { GroupedStreamHandle } from './windowed-graph.ts';
import { addWindowedAggregate } from './windowed-aggregate-node.ts';
import { WindowedKStreamBase } from './windowed-kstream-base.ts';
import { WindowedMaterializer } from './windowed-materializer.ts';

export class SessionWindowedKStream<K, V> extends WindowedKStreamBase<K, V> {
  /** @internal */
  constructor(
    grouped: GroupedStreamHandle<K, V>,
    readonly windows: SessionWindows,
  ) {
    super(grouped);
  }

  count(materialized?: Materialized<NoInfer<K>, number>, named?: NameLike): KTable<Windowed<K>, number> {
    if (materialized !== undefined && materialized.storeName === undefined) this.grouped.builder.names.newStoreName(Prefix.KSTREAM_AGGREGATE);
    const m = materialized ?? Materialized.with<K, number>(this.grouped.keySerde, Serdes.int64());
    return this.#build<number>(Prefix.KSTREAM_AGGREGATE, named, m, () => 0, (_k, _v, n) => (n ?? 0) + 1, (_k, a, b) => (a ?? 0) + b, m.valueSerde ?? Serdes.int64());
  }

  reduce(reducer: Reducer<V>, materialized?: Materialized<NoInfer<K>, NoInfer<V>>, named?: NameLike): KTable<Windowed<K>, V> {
    const m = materialized ?? Materialized.with<K, V>(this.grouped.keySerde, this.grouped.valueSerde);
    const fold = (_k: K, v: V, agg: V | null): V => (agg === null ? v : reducer(agg, v));
    // Kafka's mergerForAggregator: merge(a, b) = aggregator(key, b, a).
    return this.#build<V>(Prefix.KSTREAM_REDUCE, named, m, () => null, fold, (k, a, b) => fold(k, b, a), m.valueSerde ?? this.grouped.valueSerde);
  }

  aggregate<VA>(
    initializer: Initializer<VA>,
    aggregator: Aggregator<K, V, VA>,
    merger: Merger<K, VA>,
    materialized?: Materialized<NoInfer<K>, NoInfer<VA>>,
    named?: NameLike,
  ): KTable<Windowed<K>, VA> {
    const m = materialized ?? Materialized.with<K, VA>(this.grouped.keySerde, undefined);
    return this.#build<VA>(Prefix.KSTREAM_AGGREGATE, named, m, initializer, (k, v, agg) => aggregator(k, v, agg as VA), (k, a, b) => merger(k, a as VA, b), m.valueSerde);
  }

  #build<VA>(
    prefix: string,
    named: NameLike,
    m: Materialized<unknown, unknown>,
    initializer: () => VA | null,
    aggregator: (key: K, value: V, agg: VA | null) => VA,
    merger: (key: K, a: VA | null, b: VA) => VA | null,
    valueSerde: Serde<VA> | undefined,
  ): KTable<Windowed<K>, VA> {
    const b = this.grouped.builder;
    const { storeName, name, keySerde, config } = this.resolveNames(prefix, named, m);
    const w = this.windows;
    const factory = new WindowedMaterializer(storeName, m, keySerde as Serde<unknown> | undefined, valueSerde as Serde<unknown> | undefined, {
      kind: 'session',
      windowSizeMs: 0,
      retentionMs: sessionRetention(storeName, w, m.retentionMs),
    });
    const emitStrategy = this.currentEmitStrategy;
    // A session closes gap + grace after its end (Kafka's GraphGraceSearchUtil does the same sum).
    const node = addWindowedAggregate(
      this.grouped,
      name,
      storeName,
      factory,
      config,
      this.late,
      (outputs) => sessionWindowAggregateSupplier<K, V, VA>(w, { storeName, emitStrategy, initializer, aggregator, merger, ...outputs }) as ProcessorSupplier<K, V, unknown, unknown>,
      w.gracePeriodMs() + w.inactivityGap(),
    );
    const windowedSerde = keySerde === undefined ? undefined : sessionWindowedSerde(keySerde);
    return new KTable<Windowed<K>, VA>(b, node, windowedSerde, valueSerde, m.storeName, aggregateOrigin(config, storeName, () => windowedValueGetter(storeName, 'session')));
  }
}

/** Materialized.withRetention, else Kafka's default gap + grace; below that is Kafka's error. */
export function sessionRetention(storeName: string, w: SessionWindows, explicit: number | undefined): number {
  const minimum = w.inactivityGap() + w.gracePeriodMs();
  if (explicit !== undefined && explicit < minimum) {
    throw new RangeError(
      `The retention period of the session store ${storeName} must be no smaller than the session inactivity gap plus the grace period. Got gap=[${w.inactivityGap()}], grace=[${w.gracePeriodMs()}], retention=[${explicit}]`,
    );
  }
  return explicit ?? minimum;
}
