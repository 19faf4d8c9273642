/*
 * The stateless KStream operators, one small processor supplier each, as Kafka Streams'
 * KStreamFilter, KStreamMap, KStreamMapValues, KStreamFlatMap, KStreamFlatMapValues, KStreamPeek
 * and PassThrough. Each keeps the record's timestamp and headers and changes only what its
 * name says; key-changing ones (map, flatMap, selectKey) are marked by the DSL so a later
 * grouping repartitions.
 */
import type { ProcessorContext } from '../../processor/processor-context.ts';
import type { ProcessorSupplier } from '../../processor/processor.ts';
import { withKey, withKeyValue, withValue, type StreamRecord } from '../../processor/record.ts';

export type Predicate<K, V> = (key: K, value: V) => boolean;
export type ValueMapper<K, V, VR> = (value: V, key: K) => VR;
export type KeyValueMapper<K, V, R> = (key: K, value: V) => R;

/** Runs `onRecord` with the context captured at init; the shape every stateless op shares. */
function simple<KIn, VIn, KOut, VOut>(
  onRecord: (ctx: ProcessorContext<KOut, VOut>, record: StreamRecord<KIn, VIn>) => void,
): ProcessorSupplier<KIn, VIn, KOut, VOut> {
  return () => {
    let ctx: ProcessorContext<KOut, VOut> | undefined;
    return {
      init(c) {
        ctx = c;
      },
      process(record) {
        onRecord(ctx!, record);
      },
    };
  };
}

export function filterSupplier<K, V>(predicate: Predicate<K, V>, filterNot: boolean): ProcessorSupplier<K, V, K, V> {
  return simple<K, V, K, V>((ctx, r) => {
    if (predicate(r.key, r.value) !== filterNot) ctx.forward(r);
  });
}

export function mapSupplier<K, V, KR, VR>(mapper: KeyValueMapper<K, V, readonly [KR, VR]>): ProcessorSupplier<K, V, KR, VR> {
  return simple<K, V, KR, VR>((ctx, r) => {
    const [k, v] = mapper(r.key, r.value);
    ctx.forward(withKeyValue(r, k, v));
  });
}

export function mapValuesSupplier<K, V, VR>(mapper: ValueMapper<K, V, VR>): ProcessorSupplier<K, V, K, VR> {
  return simple<K, V, K, VR>((ctx, r) => ctx.forward(withValue(r, mapper(r.value, r.key))));
}

export function selectKeySupplier<K, V, KR>(mapper: KeyValueMapper<K, V, KR>): ProcessorSupplier<K, V, KR, V> {
  return simple<K, V, KR, V>((ctx, r) => ctx.forward(withKey(r, mapper(r.key, r.value))));
}

export function flatMapSupplier<K, V, KR, VR>(mapper: KeyValueMapper<K, V, Iterable<readonly [KR, VR]>>): ProcessorSupplier<K, V, KR, VR> {
  return simple<K, V, KR, VR>((ctx, r) => {
    for (const [k, v] of mapper(r.key, r.value)) ctx.forward(withKeyValue(r, k, v));
  });
}

export function flatMapValuesSupplier<K, V, VR>(mapper: ValueMapper<K, V, Iterable<VR>>): ProcessorSupplier<K, V, K, VR> {
  return simple<K, V, K, VR>((ctx, r) => {
    for (const v of mapper(r.value, r.key)) ctx.forward(withValue(r, v));
  });
}

/** peek forwards after the action; foreach is a terminal peek (no children). */
export function peekSupplier<K, V>(action: (key: K, value: V) => void, forward: boolean): ProcessorSupplier<K, V, K, V> {
  return simple<K, V, K, V>((ctx, r) => {
    action(r.key, r.value);
    if (forward) ctx.forward(r);
  });
}

export function passThroughSupplier<K, V>(): ProcessorSupplier<K, V, K, V> {
  return simple<K, V, K, V>((ctx, r) => ctx.forward(r));
}

/**
 * split(): sends each record to the first branch whose predicate holds, else to the default
 * branch if there is one, else drops it. `predicates` and `childNames` are filled as the user
 * adds branches (the default branch, if any, is the child without a predicate).
 */
export function branchSupplier<K, V>(predicates: ReadonlyArray<Predicate<K, V>>, childNames: readonly string[]): ProcessorSupplier<K, V, K, V> {
  return simple<K, V, K, V>((ctx, r) => {
    for (let i = 0; i < predicates.length; i++) {
      if (predicates[i]!(r.key, r.value)) {
        ctx.forward(r, childNames[i]);
        return;
      }
    }
    if (childNames.length > predicates.length) ctx.forward(r, childNames[predicates.length]);
  });
}

