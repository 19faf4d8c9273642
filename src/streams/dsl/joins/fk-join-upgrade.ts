/*
 * Upgrading a foreign-key join from Tributary 0.1 without a reset (docs/internal-formats.md).
 * Tributary 0.1 wrote subscriptions and responses in layouts of its own (fk-join-legacy.ts) and
 * hashed left values with MD5 where Kafka uses Murmur3. Two things keep such state working:
 *
 * 1. The subscription store is rewritten once. While `upgradeFrom: 'tributary-0.1'`, the first
 *    time a task that owns a subscription store processes a record or its wall-clock punctuation
 *    fires — both only after the store is restored — every entry that reads as the 0.1 layout is
 *    put back, which writes it in Kafka's version 0 (the format of the run, its first byte never
 *    0x01) to the store and its changelog. Entries of left rows that never change again would
 *    otherwise stay in the 0.1 layout for good and be misread once the setting is gone. Version 0
 *    carries no partition: until the left row changes, its responses take the default partitioner
 *    (as Kafka's before 3.4), which is the left row's partition whenever the left table's topic is
 *    partitioned by the default partitioner on the same key bytes.
 *
 * 2. The response resolver accepts a response whose hash is the MD5 of the current left value as
 *    well as its Murmur3 (`responseHashMatches`). A subscription written by 0.1 keeps its MD5 hash
 *    until its left row changes — through the rewrite above and every response it produces — so
 *    this is not limited to the upgrade. The MD5 is computed only when Murmur3 does not match (a
 *    stale response), and a Murmur3 hash equal to some value's MD5 is a 2^-128 event.
 */
import { createHash } from 'node:crypto';
import type { ProcessorContext } from '../../processor/processor-context.ts';
import { PunctuationType } from '../../processor/processor-context.ts';
import type { KeyValueStore } from '../../state/store-types.ts';
import type { ValueAndTimestamp } from '../../state/value-and-timestamp.ts';
import { asInternal } from '../../task/internal-context.ts';
import { readsTributary01FkLayout } from '../../serde/upgrade-from.ts';
import { hashesEqual, valueHash, type SubscriptionWrapper } from './fk-join-wrappers.ts';

export type SubscriptionStore<K> = KeyValueStore<Buffer, ValueAndTimestamp<SubscriptionWrapper<K>>>;

/** How often the punctuation that triggers the rewrite looks (it cancels itself after the first). */
const MIGRATION_CHECK_MS = 1000;

/** Stores already rewritten (per task instance: a store object lives as long as its task). */
const rewritten = new WeakSet<object>();

/** Rewrites every Tributary 0.1 entry of `store` in the run's format; returns how many. */
export function rewriteTributary01Subscriptions<K>(store: SubscriptionStore<K>): number {
  const old: Array<{ key: Buffer; value: ValueAndTimestamp<SubscriptionWrapper<K>> }> = [];
  const it = store.all();
  try {
    for (const { key, value } of it) if (value.value.fromTributary01 === true) old.push({ key, value });
  } finally {
    it.close();
  }
  for (const { key, value } of old) {
    const { fromTributary01: _old, ...w } = value.value;
    store.put(key, { value: w, timestamp: value.timestamp });
  }
  return old.length;
}

/**
 * The per-task trigger of the rewrite, for the processors that open the subscription store:
 * `init` schedules the punctuation, `beforeProcess` runs the rewrite on the first record. Both do
 * nothing unless the run has `upgradeFrom: 'tributary-0.1'`.
 */
export class SubscriptionStoreUpgrade<K> {
  #pending = false;
  #store!: SubscriptionStore<K>;
  #ctx!: ProcessorContext<unknown, unknown>;

  init<KOut, VOut>(ctx: ProcessorContext<KOut, VOut>, store: SubscriptionStore<K>, storeName: string): void {
    const c = ctx as unknown as ProcessorContext<unknown, unknown>;
    this.#ctx = c;
    this.#store = store;
    this.#pending = readsTributary01FkLayout(asInternal(c).upgradeFrom) && !rewritten.has(store);
    if (!this.#pending) return;
    const punctuation = c.schedule(MIGRATION_CHECK_MS, PunctuationType.WALL_CLOCK_TIME, () => {
      punctuation.cancel();
      this.beforeProcess(storeName);
    });
  }

  beforeProcess(storeName: string): void {
    if (!this.#pending) return;
    this.#pending = false;
    if (rewritten.has(this.#store)) return;
    rewritten.add(this.#store);
    const n = rewriteTributary01Subscriptions(this.#store);
    asInternal(this.#ctx).logger.info?.(`[${this.#ctx.taskId}] upgradeFrom tributary-0.1: rewrote ${n} subscription(s) of store "${storeName}" from Tributary 0.1's layout in Kafka's version 0`);
  }
}

/** Tributary 0.1's value hash: MD5 of the serialized left value (node:crypto). */
export function tributary01ValueHash(bytes: Buffer): Buffer {
  return createHash('md5').update(bytes).digest();
}

/**
 * Whether a response answers the current left value: its hash is the Murmur3 of the value's
 * bytes, or (a subscription Tributary 0.1 wrote) their MD5; null only matches null.
 */
export function responseHashMatches(responseHash: Buffer | null, currentBytes: Buffer | null): boolean {
  const current = valueHash(currentBytes);
  if (hashesEqual(responseHash, current)) return true;
  return responseHash !== null && currentBytes !== null && responseHash.equals(tributary01ValueHash(currentBytes));
}
