/*
 * TimeWindowedKStream<K, V>: a grouped stream windowed by TimeWindows, SlidingWindows or
 * UnlimitedWindows, ready
 * for count / reduce / aggregate into a KTable<Windowed<K>, VA> — Kafka Streams'
 * TimeWindowedKStreamImpl and SlidingWindowedKStreamImpl.
 *
 * Names are generated in Kafka's order (so describe() matches): [count(Materialized) without a
 * store name burns one store index] → store name → processor name → repartition names.
 * The result table's key serde is Serdes.timeWindowed(keySerde, window size) when the key serde
 * is known (sliding windows: size = time difference).
 *
 * Beyond Kafka (opt-in): withLateRecords(topic) sends each record that no window accepted (all
 * of its windows had closed) to a topic, e.g. a dead-letter topic; without it late records are
 * only logged and counted, as in Kafka.
 */
import { Prefix } from '../../graph/naming.ts';
import type { ProcessorSupplier } from '../../processor/processor.ts';
import type { Serde } from '../../serde/serde.ts';
import { Serdes } from '../../serde/serdes.ts';
import type { Windowed } from '../../serde/windowed-serdes.ts';
import { timeWindowedSerde } from '../../serde/windowed-serdes.ts';
import { SlidingWindows } from '../../windows/sliding-windows.ts';
import type { TimeWindows } from '../../windows/time-windows.ts';
import type { UnlimitedWindows } from '../../windows/unlimited-windows.ts';
import { KTable, aggregateOrigin } from '../ktable.ts';
import { windowedValueGetter } from './windowed-value-getter.ts';
import { Materialized } from '../options/materialized.ts';
import type { NameLike } from '../options/named.ts';
import type { Change } from '../ops/change.ts';
import { EmitStrategyType } from './emit-strategy.ts';
import { slidingWindowAggregateSupplier } from './sliding-window-aggregate.ts';
import { checkEmitStrategy, timeWindowAggregateSupplier, type WindowAggregateOptions } from './time-window-aggregate.ts';
import type { Aggregator, Initializer, Reducer } from './window-aggregate-support.ts';
import type { GroupedStreamHandle } from './windowed-graph.ts';
import { addWindowedAggregate } from './windowed-aggregate-node.ts';
import { WindowedKStreamBase } from './windowed-kstream-base.ts';
import { WindowedMaterializer } from './windowed-materializer.ts';

export class TimeWindowedKStream<K, V> extends WindowedKStreamBase<K, V> {
  /** @internal */
  constructor(
    grouped: GroupedStreamHandle<K, V>,
    readonly windows: TimeWindows | SlidingWindows | UnlimitedWindows,
  ) {
    super(grouped);
  }

  get #sizeMs(): number {
    return this.windows instanceof SlidingWindows ? this.windows.timeDifferenceMs : this.windows.size();
  }

  count(materialized?: Materialized<NoInfer<K>, number>, named?: NameLike): KTable<Windowed<K>, number> {
    // Kafka burns a store index here for TimeWindows (topology compatibility), not for sliding windows.
    if (materialized !== undefined && materialized.storeName === undefined && !(this.windows instanceof SlidingWindows)) {
      this.grouped.builder.names.newStoreName(Prefix.KSTREAM_AGGREGATE);
    }
    const m = materialized ?? Materialized.with<K, number>(this.grouped.keySerde, Serdes.int64());
    return this.#build<number>(Prefix.KSTREAM_AGGREGATE, named, m, () => 0, (_k, _v, n) => (n ?? 0) + 1, m.valueSerde ?? Serdes.int64());
  }

  reduce(reducer: Reducer<V>, materialized?: Materialized<NoInfer<K>, NoInfer<V>>, named?: NameLike): KTable<Windowed<K>, V> {
    const m = materialized ?? Materialized.with<K, V>(this.grouped.keySerde, this.grouped.valueSerde);
    return this.#build<V>(Prefix.KSTREAM_REDUCE, named, m, () => null, (_k, v, agg) => (agg === null ? v : reducer(agg, v)), m.valueSerde ?? this.grouped.valueSerde);
  }

  aggregate<VA>(initializer: Initializer<VA>, aggregator: Aggregator<K, V, VA>, materialized?: Materialized<NoInfer<K>, NoInfer<VA>>, named?: NameLike): KTable<Windowed<K>, VA> {
    const m = materialized ?? Materialized.with<K, VA>(this.grouped.keySerde, undefined);
    return this.#build<VA>(Prefix.KSTREAM_AGGREGATE, named, m, initializer, (k, v, agg) => aggregator(k, v, agg as VA), m.valueSerde);
  }

  #build<VA>(
    prefix: string,
    named: NameLike,
    m: Materialized<unknown, unknown>,
    initializer: () => VA | null,
    aggregator: (key: K, value: V, agg: VA | null) => VA,
    valueSerde: Serde<VA> | undefined,
  ): KTable<Windowed<K>, VA> {
    const b = this.grouped.builder;
    if (!(this.windows instanceof SlidingWindows)) checkEmitStrategy(this.windows, this.currentEmitStrategy);
    const { storeName, name, keySerde, config } = this.resolveNames(prefix, named, m);
    const w = this.windows;
    const size = this.#sizeMs;
    const factory = new WindowedMaterializer(storeName, m, keySerde as Serde<unknown> | undefined, valueSerde as Serde<unknown> | undefined, {
      kind: 'window',
      windowSizeMs: size,
      retentionMs: windowRetention(storeName, w, size, m.retentionMs, this.currentEmitStrategy.type === EmitStrategyType.ON_WINDOW_CLOSE),
    });
    const emitStrategy = this.currentEmitStrategy;
    const node = addWindowedAggregate(this.grouped, name, storeName, factory, config, this.late, (outputs) => {
      const options: WindowAggregateOptions<K, V, VA> = { storeName, emitStrategy, initializer, aggregator, ...outputs };
      const supplier: ProcessorSupplier<K, V, Windowed<K>, Change<VA>> =
        w instanceof SlidingWindows ? slidingWindowAggregateSupplier(w, options) : timeWindowAggregateSupplier(w, options);
      return supplier as ProcessorSupplier<K, V, unknown, unknown>;
    }, w.gracePeriodMs());
    const windowedSerde = keySerde === undefined ? undefined : timeWindowedSerde(keySerde, size);
    return new KTable<Windowed<K>, VA>(b, node, windowedSerde, valueSerde, m.storeName, aggregateOrigin(config, storeName, () => windowedValueGetter(storeName, 'window')));
  }
}

/**
 * The window store's retention: Materialized.withRetention, else Kafka's default — size + grace;
 * sliding windows 2 × difference + grace (a new record may need windows starting as early as
 * ts − 2d). Kafka's check: an explicit retention below that default is an error naming the
 * store. Emit-on-window-close needs 1 ms more (see windowed-materializer.ts).
 */
export function windowRetention(storeName: string, w: TimeWindows | SlidingWindows | UnlimitedWindows, size: number, explicit: number | undefined, onClose: boolean): number {
  const sliding = w instanceof SlidingWindows;
  const minimum = (sliding ? 2 * size : size) + w.gracePeriodMs();
  if (explicit !== undefined && explicit < minimum) {
    throw new RangeError(
      sliding
        ? `The retention period of the window store ${storeName} must be no smaller than 2 * time difference plus the grace period. Got time difference=[${size}], grace=[${w.gracePeriodMs()}], retention=[${explicit}]`
        : `The retention period of the window store ${storeName} must be no smaller than its window size plus the grace period. Got size=[${size}], grace=[${w.gracePeriodMs()}], retention=[${explicit}]`,
    );
  }
  return Math.max(explicit ?? 0, minimum + (onClose ? 1 : 0));
}
