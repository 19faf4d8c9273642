/*
 * The bodies of the four async operators (what one call does with one record), built on the one
 * async processor (async-processor.ts). Every output keeps the input record's timestamp and
 * headers unless processAsync forwards a record that says otherwise.
 *
 *   mapValuesAsync      value → await mapper(value, key, signal) → one record
 *   flatMapValuesAsync  value → await mapper(…) → zero or more records, in the iterable's order
 *   filterAsync         await predicate(key, value, signal) → the record, or nothing
 *   processAsync        await fn(record, out) → what fn passed to out.forward(), in call order;
 *                       forwards of a failed or timed-out attempt are discarded (a retry starts
 *                       from nothing), forwards after fn's promise settled are an error
 */
import type { ProcessorSupplier } from '../processor/processor.ts';
import { withValue, type StreamRecord } from '../processor/record.ts';
import { resolveAsyncOptions, type AsyncOptions } from './async-options.ts';
import { asyncSupplier, type AsyncOutput } from './async-processor.ts';

export type AsyncValueMapper<K, V, VR> = (value: V, key: K, signal: AbortSignal) => Promise<VR> | VR;
export type AsyncPredicate<K, V> = (key: K, value: V, signal: AbortSignal) => Promise<boolean> | boolean;

/** What processAsync's callback forwards through; `signal` fires when the attempt times out. */
export interface AsyncForwarder<KR, VR> {
  forward(record: StreamRecord<KR, VR>, childName?: string): void;
  readonly signal: AbortSignal;
  /** 0 for the first attempt, 1 for the first retry, … */
  readonly attempt: number;
}

export type AsyncRecordProcessor<K, V, KR, VR> = (record: StreamRecord<K, V>, out: AsyncForwarder<KR, VR>) => Promise<void>;

/** Operator name and resolved options; `name` is the user's processor name, if any. */
export interface AsyncSupplied<K, V, KR, VR> {
  readonly supplier: ProcessorSupplier<K, V, KR, VR>;
  readonly name: string | undefined;
}

export function mapValuesAsyncSupplier<K, V, VR>(mapper: AsyncValueMapper<K, V, VR>, options?: AsyncOptions): AsyncSupplied<K, V, K, VR> {
  const o = resolveAsyncOptions('mapValuesAsync', options);
  return { name: o.name, supplier: asyncSupplier<K, V, K, VR>(o, async (r, signal) => [{ record: withValue(r, await mapper(r.value, r.key, signal)) }]) };
}

export function flatMapValuesAsyncSupplier<K, V, VR>(mapper: AsyncValueMapper<K, V, Iterable<VR>>, options?: AsyncOptions): AsyncSupplied<K, V, K, VR> {
  const o = resolveAsyncOptions('flatMapValuesAsync', options);
  return {
    name: o.name,
    supplier: asyncSupplier<K, V, K, VR>(o, async (r, signal) => {
      const out: AsyncOutput<K, VR>[] = [];
      for (const v of await mapper(r.value, r.key, signal)) out.push({ record: withValue(r, v) });
      return out;
    }),
  };
}

export function filterAsyncSupplier<K, V>(predicate: AsyncPredicate<K, V>, options?: AsyncOptions): AsyncSupplied<K, V, K, V> {
  const o = resolveAsyncOptions('filterAsync', options);
  return { name: o.name, supplier: asyncSupplier<K, V, K, V>(o, async (r, signal) => ((await predicate(r.key, r.value, signal)) ? [{ record: r }] : [])) };
}

export function processAsyncSupplier<K, V, KR, VR>(fn: AsyncRecordProcessor<K, V, KR, VR>, options?: AsyncOptions): AsyncSupplied<K, V, KR, VR> {
  const o = resolveAsyncOptions('processAsync', options);
  return {
    name: o.name,
    supplier: asyncSupplier<K, V, KR, VR>(o, async (r, signal, attempt) => {
      const out: AsyncOutput<KR, VR>[] = [];
      let open = true;
      const forwarder: AsyncForwarder<KR, VR> = {
        forward(record, childName) {
          if (!open || signal.aborted) {
            throw new Error('processAsync: forward() after the callback settled or its attempt timed out; await every forward inside the callback.');
          }
          out.push({ record, childName });
        },
        signal,
        attempt,
      };
      try {
        await fn(r, forwarder);
      } finally {
        open = false;
      }
      return out;
    }),
  };
}
