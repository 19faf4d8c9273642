/*
 * The input of the changelog-restore workloads and the model that says what the restored state
 * must be.
 *
 * Input: `updates` records into a 1-partition topic; record i has key k_i drawn uniformly from
 * [0, keys) (seeded xorshift, data-loader.ts uniformInts) and a value of 100..1024 bytes that is a
 * pure function of i (valueFor):
 *   [0, 4)  uint32 BE  i (the update's sequence number)
 *   [4, 8)  uint32 BE  k_i
 *   [8, n)  bytes of a fixed 64 KiB pseudo-random pool starting at mix(i) mod (pool − 1024)
 *   n = 100 + mix(i ^ 0x5bd1e995) mod 925
 * so a value is cheap to regenerate and two updates of a key almost never carry equal bytes.
 *
 * Model: lastSeq[k] = the sequence number of the last update of key k (-1: never updated). The
 * app keeps the latest value per key (reduce((old, v) => v)), so after processing every update —
 * and after a restore — get(k) must equal valueFor(lastSeq[k], k) for every key, and the store
 * must hold exactly `distinctKeys` entries (compareWithModel checks both).
 */
import type { ReadOnlyKeyValueStore } from '../../src/streams/state/store-types.ts';
import { benchClients } from '../lib/bench-clients.ts';
import type { ProducerRecord } from '../../src/client/types.ts';
import { createTopic, intKey, uniformInts } from '../lib/data-loader.ts';

const POOL_BYTES = 64 * 1024;
export const MIN_VALUE = 100;
export const MAX_VALUE = 1024;

/** A 32-bit integer hash (murmur3's finalizer). */
export function mix(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}

const pool = (() => {
  const b = Buffer.allocUnsafe(POOL_BYTES);
  const next = uniformInts(0xc0ffee, 256);
  for (let i = 0; i < POOL_BYTES; i++) b[i] = next();
  return b;
})();

/** The value of update `seq` to key `key` (see the header). */
export function valueFor(seq: number, key: number): Buffer {
  const size = MIN_VALUE + (mix(seq ^ 0x5bd1e995) % (MAX_VALUE - MIN_VALUE + 1));
  const b = Buffer.allocUnsafe(size);
  b.writeUInt32BE(seq >>> 0, 0);
  b.writeUInt32BE(key >>> 0, 4);
  const from = mix(seq) % (POOL_BYTES - MAX_VALUE);
  pool.copy(b, 8, from, from + size - 8);
  return b;
}

export interface RestoreModel {
  readonly topic: string;
  readonly updates: number;
  readonly keys: number;
  /** Keys updated at least once. */
  readonly distinctKeys: number;
  /** lastSeq[k]: the last update of key k, -1 when none. */
  readonly lastSeq: Int32Array;
  /** Key + value bytes of all updates. */
  readonly bytes: number;
}

/** The model of `updates` updates over `keys` keys from `seed`, without producing anything. */
export function buildModel(topic: string, updates: number, keys: number, seed: number): RestoreModel {
  const lastSeq = new Int32Array(keys).fill(-1);
  const nextKey = uniformInts(seed, keys);
  let bytes = 0;
  for (let i = 0; i < updates; i++) {
    const k = nextKey();
    lastSeq[k] = i;
    bytes += 4 + MIN_VALUE + (mix(i ^ 0x5bd1e995) % (MAX_VALUE - MIN_VALUE + 1));
  }
  let distinctKeys = 0;
  for (let k = 0; k < keys; k++) if (lastSeq[k]! >= 0) distinctKeys++;
  return { topic, updates, keys, distinctKeys, lastSeq, bytes };
}

/** Creates the topic (1 partition) and produces the updates in order; returns the model. Not timed. */
export async function loadRestoreInput(bootstrap: string, topic: string, updates: number, keys: number, seed: number): Promise<RestoreModel> {
  await createTopic(bootstrap, topic, 1);
  const producer = benchClients(bootstrap, 'bench-restore-loader').producer({ acks: 1 });
  const nextKey = uniformInts(seed, keys);
  const keyBytes = Array.from({ length: keys }, (_, k) => intKey(k));
  const base = Date.now() - updates;
  const chunk = 5000;
  try {
    await producer.connect();
    for (let sent = 0; sent < updates; sent += chunk) {
      const n = Math.min(chunk, updates - sent);
      const batch: ProducerRecord[] = new Array(n);
      for (let j = 0; j < n; j++) {
        const i = sent + j;
        const k = nextKey();
        batch[j] = { topic, key: keyBytes[k]!, value: valueFor(i, k), partition: 0, timestamp: base + i, headers: {} };
      }
      await producer.send(batch);
    }
  } finally {
    await producer.disconnect();
  }
  return buildModel(topic, updates, keys, seed);
}

/**
 * Every key's value in `store` equals the model's (valueFor(lastSeq[k], k); no entry for a key
 * never updated) and the store holds exactly `distinctKeys` entries. undefined when so, else a
 * sentence saying what differs, prefixed with `when`.
 */
export function compareWithModel(store: Pick<ReadOnlyKeyValueStore<number, Buffer>, 'get' | 'all'>, model: RestoreModel, when: string): string | undefined {
  let wrong = 0;
  let firstWrong = '';
  for (let k = 0; k < model.keys; k++) {
    const s = model.lastSeq[k]!;
    const got: unknown = store.get(k);
    const ok = s < 0 ? got === undefined : Buffer.isBuffer(got) && got.equals(valueFor(s, k));
    if (!ok && wrong++ === 0) {
      const seen = got === undefined ? 'no entry' : Buffer.isBuffer(got) ? `update #${got.length >= 4 ? got.readUInt32BE(0) : '?'} (${got.length} B)` : typeof got;
      firstWrong = `key ${k}: expected ${s < 0 ? 'no entry' : `update #${s}`}, got ${seen}`;
    }
  }
  if (wrong > 0) return `${when}: ${wrong} of ${model.keys} keys differ from the model (first: ${firstWrong})`;
  // approximateNumEntries() does not see entries still in the record cache; count by iterating.
  let entries = 0;
  const it = store.all();
  try {
    for (const _ of it) entries++;
  } finally {
    it.close();
  }
  if (entries !== model.distinctKeys) return `${when}: the store holds ${entries} entries, the model ${model.distinctKeys}`;
  return undefined;
}
