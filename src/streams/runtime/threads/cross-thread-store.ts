/*
 * Interactive queries across stream threads. A store's tasks are spread over the threads of the
 * instance; a worker's stores live in its own heap, so a query is a message: every thread runs
 * the same read-only view method (queryable-stores.ts) over its own tasks and answers with data,
 * and the answers are merged here with the rules of the composite views:
 *   get / fetch(key, time)        the first thread with a value (a key lives in one partition, so
 *                                 in one task, so in one thread)
 *   range / all / fetch(range)…   the concatenation of every thread's entries (sorted within a
 *                                 partition, not globally — as Kafka's composite stores)
 *   approximateNumEntries         the sum
 * A thread without a task of the store answers InvalidStateStoreError; only when every thread
 * does is the query answered with it (retry, as with the single-thread view). Iterators are read
 * to the end in the owning thread and arrive as arrays of { key, value } — an async view holds no
 * open iterator across threads.
 */
import type { KeyValue, KeyValueIterator } from '../../state/store-types.ts';
import { InvalidStateStoreError } from '../queryable-stores.ts';
import { deserializeError, serializeError, type QueryOutcome } from './thread-messages.ts';

type Materialized<R> = R extends KeyValueIterator<infer K, infer V> ? Array<KeyValue<K, V>> : R;
/** A read-only store view whose methods answer asynchronously, iterators read into arrays. */
export type AsyncStoreView<T> = {
  readonly [M in keyof T as T[M] extends (...args: never[]) => unknown ? M : never]: T[M] extends (...args: infer A) => infer R ? (...args: A) => Promise<Materialized<R>> : never;
};

const SUMMED = new Set(['approximateNumEntries']);

/** Runs `method(...args)` on a local view (of this thread's tasks), iterators read to the end. */
export function runStoreQuery(view: object, method: string, args: readonly unknown[]): QueryOutcome {
  try {
    const fn = (view as Record<string, unknown>)[method];
    if (typeof fn !== 'function' || method === 'constructor' || method.startsWith('_')) throw new TypeError(`A store view has no method "${method}"`);
    const result: unknown = (fn as (...a: unknown[]) => unknown).apply(view, [...args]);
    return { ok: true, value: isIterator(result) ? drain(result) : result };
  } catch (e) {
    return { ok: false, error: serializeError(e) };
  }
}

/** Merges every thread's outcome of one query (rules in the file comment). */
export function mergeQueryOutcomes(method: string, outcomes: readonly QueryOutcome[]): unknown {
  const answered = outcomes.filter((o): o is Extract<QueryOutcome, { ok: true }> => o.ok);
  const failed = outcomes.filter((o): o is Extract<QueryOutcome, { ok: false }> => !o.ok);
  const real = failed.find((o) => o.error.name !== 'InvalidStateStoreError');
  if (real !== undefined) throw deserializeError(real.error);
  if (answered.length === 0) {
    throw new InvalidStateStoreError(failed[0]?.error.message ?? 'No stream thread of this instance runs a task of this store right now; retry shortly.');
  }
  const values = answered.map((o) => o.value);
  if (values.some(Array.isArray)) return values.flatMap((v) => (Array.isArray(v) ? v : []));
  if (SUMMED.has(method)) return values.reduce((a: number, v) => a + (typeof v === 'number' ? v : 0), 0);
  return values.find((v) => v !== undefined && v !== null) ?? values[0];
}

/** An AsyncStoreView whose every call is `fanOut(method, args)` then merged. */
export function asyncStoreView<T>(fanOut: (method: string, args: unknown[]) => Promise<QueryOutcome[]>): AsyncStoreView<T> {
  return new Proxy({} as AsyncStoreView<T>, {
    get(_target, prop) {
      if (typeof prop !== 'string' || prop === 'then') return undefined; // not a thenable
      return async (...args: unknown[]) => mergeQueryOutcomes(prop, await fanOut(prop, args));
    },
  });
}

function isIterator(v: unknown): v is KeyValueIterator<unknown, unknown> {
  return typeof v === 'object' && v !== null && typeof (v as { next?: unknown }).next === 'function' && typeof (v as { close?: unknown }).close === 'function';
}

function drain(it: KeyValueIterator<unknown, unknown>): Array<KeyValue<unknown, unknown>> {
  const out: Array<KeyValue<unknown, unknown>> = [];
  try {
    for (let s = it.next(); s.done !== true; s = it.next()) out.push({ key: s.value.key, value: s.value.value });
  } finally {
    it.close();
  }
  return out;
}
