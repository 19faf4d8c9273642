/*
 * What the HTTP interactive-query server needs from the KafkaStreams instance it serves — and
 * nothing more, so the routing and the codecs are tested against a plain object (no broker):
 *
 *   state             the instance's state: only RUNNING answers for active stores (Kafka throws
 *                     InvalidStateStoreException while REBALANCING / restoring; we answer 503)
 *   self              this instance's applicationServer (what the assignor tells the others), or
 *                     undefined for a single instance that never forwards
 *   hosts()           every instance of the application in the assignment's host map
 *   storeInfo(name)   the store's shape and key serde, or undefined when the topology has none
 *   localStores(...)  this instance's task stores named `name`: active ones, plus standby ones
 *                     when asked (Kafka's StoreQueryParameters.enableStaleStores())
 *   keyMetadata(...)  queryMetadataForKey: the partition of a key and its active/standby hosts
 *
 * `storeInfo` comes from building the store once from its factory WITHOUT init() (a build only
 * assembles the decorator stack; nothing is opened), reading the serdes the tasks' stores use.
 */
import type { KeyQueryMetadata } from '../runtime/kafka-streams.ts';
import type { HostInfo } from '../runtime/streams-config.ts';
import type { StreamsState } from '../runtime/streams-state.ts';
import type { Serde } from '../serde/serde.ts';
import type { StateStore } from '../state/store-types.ts';
import { isVersionedStore } from '../state/versioned/versioned-record.ts';
import type { StoreBuildOptions, StoreFactory } from '../topology/node-specs.ts';

/** The shapes a store can be queried as. */
export const StoreKinds = {
  KEY_VALUE: 'keyValue',
  VERSIONED: 'versioned',
  WINDOW: 'window',
  SESSION: 'session',
} as const;
export type StoreKind = (typeof StoreKinds)[keyof typeof StoreKinds];

export interface StoreInfo {
  readonly name: string;
  readonly kind: StoreKind;
  /** DSL table and windowed-aggregate stores hold ValueAndTimestamp<V>: answers carry the timestamp. */
  readonly timestamped: boolean;
  readonly keySerde: Serde<unknown>;
  /** The topic the store passes its serdes (its changelog topic name). */
  readonly serdeTopic: string;
  /** True for global stores: every instance holds the whole table. */
  readonly global: boolean;
}

export interface QueryHost {
  readonly state: StreamsState;
  readonly self: HostInfo | undefined;
  hosts(): HostInfo[];
  storeNames(): string[];
  storeInfo(name: string): StoreInfo | undefined;
  localStores(name: string, includeStandbys: boolean): StateStore[];
  keyMetadata(name: string, key: unknown, keySerde: Serde<unknown>): KeyQueryMetadata | undefined;
}

export const hostKey = (h: HostInfo): string => `${h.host}:${h.port}`;
export const sameHost = (a: HostInfo | undefined, b: HostInfo | undefined): boolean => a !== undefined && b !== undefined && a.host === b.host && a.port === b.port;

/** The store's shape, by the operations its top layer has (the layers are duck-typed throughout). */
export function classifyStore(store: StateStore): StoreKind | undefined {
  const s = store as unknown as Record<string, unknown>;
  if (isVersionedStore(store)) return StoreKinds.VERSIONED;
  if (typeof s['findSessions'] === 'function') return StoreKinds.SESSION;
  if (typeof s['backwardFetchAll'] === 'function') return StoreKinds.WINDOW;
  if (typeof s['range'] === 'function' && typeof s['get'] === 'function') return StoreKinds.KEY_VALUE;
  return undefined;
}

/** The key serde of a store stack: the top layer's, or that of the store it wraps (a versioned table). */
export function keySerdeOf(store: StateStore): Serde<unknown> | undefined {
  let layer: unknown = store;
  for (let depth = 0; depth < 4 && layer !== undefined && layer !== null; depth++) {
    const serde = (layer as { keySerde?: Serde<unknown> }).keySerde;
    if (serde !== undefined && typeof serde.serialize === 'function') return serde;
    layer = (layer as { versioned?: unknown }).versioned ?? (layer as { inner?: unknown }).inner;
  }
  return undefined;
}

/** StoreInfo from a factory (see the file comment); undefined when the store is not queryable. */
export function probeStore(factory: StoreFactory, options: StoreBuildOptions, serdeTopic: string, global: boolean): StoreInfo | undefined {
  // No cache and memory backing: the probe must not touch the thread cache or the disk.
  const built = factory.build({ ...options, defaultStoreType: 'memory', cacheMaxBytes: 0, threadCache: undefined });
  const kind = classifyStore(built);
  const keySerde = keySerdeOf(built);
  if (kind === undefined || keySerde === undefined) return undefined;
  const timestamped = kind === StoreKinds.VERSIONED || (factory as { timestamped?: boolean }).timestamped === true;
  return { name: factory.name, kind, timestamped, keySerde, serdeTopic, global };
}
