/*
 * Windowed cogroups — Kafka Streams' TimeWindowedCogroupedKStreamImpl (time and sliding windows)
 * and SessionWindowedCogroupedKStreamImpl: CogroupedKStream.windowedBy(windows).aggregate(...).
 * The plan is the cogroup's (cogrouped-kstream.ts: per grouped stream one windowed aggregate
 * processor, all over one window or session store, then the merge node); each processor is the
 * ordinary windowed aggregate of its kind, so windows, grace, retention (Materialized.withRetention
 * with Kafka's check) and the forwarded updates are a single windowed aggregation's. Results are
 * forwarded on every update (Kafka's cogrouped windowed streams have no emit strategy).
 */
import type { ProcessorSupplier } from '../../processor/processor.ts';
import type { Serde } from '../../serde/serde.ts';
import { sessionWindowedSerde, timeWindowedSerde, type Windowed } from '../../serde/windowed-serdes.ts';
import type { SessionWindows } from '../../windows/session-windows.ts';
import { SlidingWindows } from '../../windows/sliding-windows.ts';
import type { TimeWindows } from '../../windows/time-windows.ts';
import type { UnlimitedWindows } from '../../windows/unlimited-windows.ts';
import { buildCogroup, COGROUP_AGGREGATE_PREFIX, type CogroupPart } from '../cogrouped-kstream.ts';
import { KTable, aggregateOrigin } from '../ktable.ts';
import { windowedValueGetter } from './windowed-value-getter.ts';
import { Materialized } from '../options/materialized.ts';
import { nameOf, type NameLike } from '../options/named.ts';
import type { TableOpConfig } from '../ops/table-forwarder.ts';
import { EmitStrategy } from './emit-strategy.ts';
import { sessionWindowAggregateSupplier } from './session-window-aggregate.ts';
import { sessionRetention } from './session-windowed-kstream.ts';
import { slidingWindowAggregateSupplier } from './sliding-window-aggregate.ts';
import { timeWindowAggregateSupplier } from './time-window-aggregate.ts';
import { windowRetention } from './time-windowed-kstream.ts';
import { registerWindowGrace } from './windowed-graph.ts';
import { WindowedMaterializer, type WindowedStoreShape } from './windowed-materializer.ts';

type Erased = ProcessorSupplier<unknown, unknown, unknown, unknown>;

/** Store name, names and serdes of a windowed cogroup aggregation, in Kafka's naming order. */
function resolve<K, VOut>(parts: readonly CogroupPart<K, VOut>[], named: NameLike | Materialized<K, VOut> | undefined, materialized: Materialized<K, VOut> | undefined) {
  const m = (named instanceof Materialized ? named : materialized) ?? Materialized.with<K, VOut>(undefined, undefined);
  const b = parts[0]!.grouped.builder;
  const storeName = m.storeName ?? b.names.newStoreName(COGROUP_AGGREGATE_PREFIX);
  b.claimStoreName(storeName);
  const keySerde = (m.keySerde ?? parts[0]!.grouped.keySerde) as Serde<K> | undefined;
  return { m, b, storeName, keySerde, givenName: named instanceof Materialized ? undefined : nameOf(named), config: { sendOldValues: false } as TableOpConfig };
}

function factoryFor<K, VOut>(r: ReturnType<typeof resolve<K, VOut>>, shape: WindowedStoreShape): WindowedMaterializer {
  return new WindowedMaterializer(r.storeName, r.m as Materialized<unknown, unknown>, r.keySerde as Serde<unknown> | undefined, r.m.valueSerde as Serde<unknown> | undefined, shape);
}

export class TimeWindowedCogroupedKStream<K, VOut> {
  /** @internal */
  constructor(
    private readonly parts: readonly CogroupPart<K, VOut>[],
    readonly windows: TimeWindows | SlidingWindows | UnlimitedWindows,
  ) {}

  aggregate(initializer: () => VOut, named?: NameLike | Materialized<NoInfer<K>, VOut>, materialized?: Materialized<NoInfer<K>, VOut>): KTable<Windowed<K>, VOut> {
    const r = resolve<K, VOut>(this.parts, named, materialized);
    const w = this.windows;
    const size = w instanceof SlidingWindows ? w.timeDifferenceMs : w.size();
    const factory = factoryFor(r, { kind: 'window', windowSizeMs: size, retentionMs: windowRetention(r.storeName, w, size, r.m.retentionMs, false) });
    const emitStrategy = EmitStrategy.onWindowUpdate();
    const merge = buildCogroup<K, VOut>(this.parts, r.storeName, r.givenName, factory, (part) => {
      const options = { storeName: r.storeName, emitStrategy, initializer, aggregator: (k: K, v: unknown, agg: VOut | null) => part.aggregator(k, v, agg as VOut), config: r.config };
      return (w instanceof SlidingWindows ? slidingWindowAggregateSupplier<K, unknown, VOut>(w, options) : timeWindowAggregateSupplier<K, unknown, VOut>(w, options)) as unknown as Erased;
    });
    registerWindowGrace(merge, w.gracePeriodMs());
    const windowedSerde = r.keySerde === undefined ? undefined : timeWindowedSerde(r.keySerde, size);
    return new KTable<Windowed<K>, VOut>(r.b, merge, windowedSerde, r.m.valueSerde, r.m.storeName, aggregateOrigin(r.config, r.storeName, () => windowedValueGetter(r.storeName, 'window')));
  }
}

export class SessionWindowedCogroupedKStream<K, VOut> {
  /** @internal */
  constructor(
    private readonly parts: readonly CogroupPart<K, VOut>[],
    readonly windows: SessionWindows,
  ) {}

  /** `sessionMerger` combines the aggregates of two sessions a new record joins together. */
  aggregate(
    initializer: () => VOut,
    sessionMerger: (key: K, aggregate1: VOut, aggregate2: VOut) => VOut,
    named?: NameLike | Materialized<NoInfer<K>, VOut>,
    materialized?: Materialized<NoInfer<K>, VOut>,
  ): KTable<Windowed<K>, VOut> {
    const r = resolve<K, VOut>(this.parts, named, materialized);
    const w = this.windows;
    const factory = factoryFor(r, { kind: 'session', windowSizeMs: 0, retentionMs: sessionRetention(r.storeName, w, r.m.retentionMs) });
    const emitStrategy = EmitStrategy.onWindowUpdate();
    const merge = buildCogroup<K, VOut>(this.parts, r.storeName, r.givenName, factory, (part) =>
      sessionWindowAggregateSupplier<K, unknown, VOut>(w, {
        storeName: r.storeName,
        emitStrategy,
        initializer,
        aggregator: (k, v, agg) => part.aggregator(k, v, agg as VOut),
        merger: (k, a, b) => sessionMerger(k, a as VOut, b),
        config: r.config,
      }) as unknown as Erased,
    );
    registerWindowGrace(merge, w.gracePeriodMs() + w.inactivityGap());
    const windowedSerde = r.keySerde === undefined ? undefined : sessionWindowedSerde(r.keySerde);
    return new KTable<Windowed<K>, VOut>(r.b, merge, windowedSerde, r.m.valueSerde, r.m.storeName, aggregateOrigin(r.config, r.storeName, () => windowedValueGetter(r.storeName, 'session')));
  }
}
