/*
 * The queries the HTTP server answers, and how one instance answers them from its local stores.
 *
 *   op           store kinds          routed by              answer
 *   get          keyValue, versioned  the key's owner        one entry or none
 *   versions     versioned            the key's owner        the key's versions valid in [from, to], by
 *                                                            timestamp (newest first unless ascending)
 *   range        keyValue             every instance         entries with from <= key <= to (all when both open)
 *   windows      window               the key's owner        the key's windows starting in [from, to]
 *   allWindows   window               every instance         every key's windows starting in [from, to]
 *   sessions     session              the key's owner        the key's sessions
 *
 * A key lives in one partition, so one task store holds it; range-like queries concatenate every
 * local task store and the server merges instances. Entries are JSON-ready (json-codec.ts):
 *   { key, value, timestamp? }            key-value (timestamp for DSL tables: the row's timestamp)
 *   { key, value, timestamp, validTo? }   versioned get (asOf: the version valid at that time) and versions
 *   { key, value, timestamp?, start, end } windows and sessions (window bounds in ms)
 */
import type { Windowed } from '../serde/windowed-serdes.ts';
import type { KeyValueIterator, ReadOnlyKeyValueStore, StateStore } from '../state/store-types.ts';
import { versionedOf } from '../runtime/queryable-stores.ts';
import type { VersionsRange } from '../state/versioned/versioned-queries.ts';
import type { VersionedRecord } from '../state/versioned/versioned-record.ts';
import type { ReadOnlySessionStore, ReadOnlyWindowStore } from '../state/window/window-store-types.ts';
import { badRequest, keyOrder, toJsonValue } from './json-codec.ts';
import { StoreKinds, type StoreInfo, type StoreKind } from './query-host.ts';

export type StoreQuery =
  | { readonly op: 'get'; readonly key: unknown; readonly asOf?: number | undefined }
  | { readonly op: 'versions'; readonly key: unknown; readonly range: VersionsRange }
  | { readonly op: 'range'; readonly from?: unknown; readonly to?: unknown }
  | { readonly op: 'windows'; readonly key: unknown; readonly from: number; readonly to: number }
  | { readonly op: 'allWindows'; readonly from: number; readonly to: number }
  | { readonly op: 'sessions'; readonly key: unknown };

export interface QueryEntry {
  readonly key: unknown;
  readonly value: unknown;
  readonly timestamp?: number;
  readonly validTo?: number;
  readonly start?: number;
  readonly end?: number;
}

/** Which store kinds each op needs (a mismatch is a 400 naming the store's kind). */
const OP_KINDS: Readonly<Record<StoreQuery['op'], readonly StoreKind[]>> = {
  get: [StoreKinds.KEY_VALUE, StoreKinds.VERSIONED],
  versions: [StoreKinds.VERSIONED],
  range: [StoreKinds.KEY_VALUE],
  windows: [StoreKinds.WINDOW],
  allWindows: [StoreKinds.WINDOW],
  sessions: [StoreKinds.SESSION],
};

export const isKeyQuery = (q: StoreQuery): q is Extract<StoreQuery, { key: unknown }> => q.op === 'get' || q.op === 'versions' || q.op === 'windows' || q.op === 'sessions';

export function checkQueryFits(info: StoreInfo, q: StoreQuery): void {
  if (!OP_KINDS[q.op].includes(info.kind)) {
    throw badRequest(`store "${info.name}" is a ${info.kind} store; "${q.op}" queries need a ${OP_KINDS[q.op].join(' or ')} store`);
  }
  if (q.op === 'get' && q.asOf !== undefined && info.kind !== StoreKinds.VERSIONED) {
    throw badRequest(`asOf needs a versioned store; "${info.name}" is a ${info.kind} store`);
  }
}

function drain<K, V>(it: KeyValueIterator<K, V>, each: (key: K, value: V) => QueryEntry | undefined, out: QueryEntry[]): void {
  try {
    for (const { key, value } of it) {
      const e = each(key, value);
      if (e !== undefined) out.push(e);
    }
  } finally {
    it.close();
  }
}

/** A stored value as an entry: DSL tables and windowed aggregates hold { value, timestamp }. */
function row(info: StoreInfo, key: unknown, stored: unknown, extra: { start?: number; end?: number } = {}): QueryEntry | undefined {
  if (stored === undefined || stored === null) return undefined;
  if (info.timestamped) {
    const v = stored as { value: unknown; timestamp: number };
    return { key: toJsonValue(key), value: toJsonValue(v.value), timestamp: v.timestamp, ...extra };
  }
  return { key: toJsonValue(key), value: toJsonValue(stored), ...extra };
}

function windowed(info: StoreInfo) {
  return (w: Windowed<unknown>, v: unknown): QueryEntry | undefined => row(info, w.key, v, { start: w.window.start, end: w.window.end });
}

function versionEntry(key: unknown, r: VersionedRecord<unknown>): QueryEntry {
  return { key: toJsonValue(key), value: toJsonValue(r.value), timestamp: r.timestamp, ...(r.validTo !== undefined ? { validTo: r.validTo } : {}) };
}

/** Answers `q` from `stores` (this instance's task stores of `info`). Entries are JSON-ready. */
export function queryLocal(info: StoreInfo, stores: readonly StateStore[], q: StoreQuery): QueryEntry[] {
  const out: QueryEntry[] = [];
  switch (q.op) {
    case 'get':
      for (const s of stores) {
        if (info.kind === StoreKinds.VERSIONED) {
          const versioned = versionedOf(s);
          const r = q.asOf === undefined ? versioned.get(q.key) : versioned.get(q.key, q.asOf);
          if (r !== null) out.push(versionEntry(q.key, r));
        } else {
          const e = row(info, q.key, (s as unknown as ReadOnlyKeyValueStore<unknown, unknown>).get(q.key));
          if (e !== undefined) out.push(e);
        }
        if (out.length > 0) break;
      }
      return out;
    case 'versions':
      for (const s of stores) {
        out.push(...versionedOf(s).getVersions(q.key, q.range).map((r) => versionEntry(q.key, r)));
        if (out.length > 0) break; // a key lives in one partition
      }
      return out;
    case 'range':
      for (const s of stores) {
        const kv = s as unknown as ReadOnlyKeyValueStore<unknown, unknown>;
        const it = q.from === undefined && q.to === undefined ? kv.all() : kv.range(q.from, q.to);
        drain(it, (k, v) => row(info, k, v), out);
      }
      return out;
    case 'windows':
      for (const s of stores) drain((s as unknown as ReadOnlyWindowStore<unknown, unknown>).fetch(q.key, q.key, q.from, q.to), windowed(info), out);
      return out;
    case 'allWindows':
      for (const s of stores) drain((s as unknown as ReadOnlyWindowStore<unknown, unknown>).fetchAll(q.from, q.to), windowed(info), out);
      return out;
    case 'sessions':
      for (const s of stores) drain((s as unknown as ReadOnlySessionStore<unknown, unknown>).fetch(q.key), windowed(info), out);
      return out;
  }
}

/**
 * One order for entries gathered from several instances: by serialized key (the store's order),
 * then window start. Deterministic, so every instance answers a range query identically.
 */
export function sortEntries(info: StoreInfo, topic: string, entries: readonly QueryEntry[]): QueryEntry[] {
  const keyed = entries.map((e) => ({ e, k: keyOrder(e.key, info.keySerde, topic) }));
  keyed.sort((a, b) => Buffer.compare(a.k, b.k) || (a.e.start ?? 0) - (b.e.start ?? 0) || (a.e.end ?? 0) - (b.e.end ?? 0));
  return keyed.map((x) => x.e);
}
