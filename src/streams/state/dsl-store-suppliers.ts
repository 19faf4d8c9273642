/*
 * DslStoreSuppliers (KIP-954, Kafka 3.7+): where the DSL's operators get their stores. One object
 * answers for the three kinds — key-value, window and session — so an application switches all
 * its DSL stores between LevelDB and the heap, or to its own stores, in one place:
 *   config `dslStoreSuppliers` [dsl.store.suppliers.class]   the application's default
 *   Materialized.as(suppliers) / .withStoreType(suppliers)     one operator's store
 *   StreamJoined.withDslStoreSuppliers(suppliers)              a stream–stream join's stores
 * The built-in pair is BuiltInDslStoreSuppliers (Kafka's RocksDBDslStoreSuppliers and
 * InMemoryDslStoreSuppliers; LevelDB stands in for RocksDB). The strings 'leveldb' and 'memory' —
 * the older `defaultStoreType` / `withStoreType(type)` — name those two and are still accepted
 * everywhere a choice is (DslStoreChoice).
 *
 * Precedence, as Kafka's: an operator's own choice, else config `dslStoreSuppliers`, else the
 * deprecated config `defaultStoreType` (Kafka's `default.dsl.store`), else LevelDB. A store
 * supplier given to one store (Materialized.as(supplier), StreamJoined.withThisStoreSupplier)
 * wins over all of them.
 *
 * Stores Kafka never takes from the suppliers keep their own rule here too: the stream–table
 * join's grace buffer (always RocksDB in Kafka) uses the chosen key-value store, and versioned
 * stores come only from their own supplier.
 */
import { z } from 'zod';
import type { StoreChoiceLike } from '../topology/node-specs.ts';
import { Stores, type KeyValueBytesStoreSupplier } from './stores.ts';
import { WindowStores, type SessionBytesStoreSupplier, type WindowBytesStoreSupplier } from './window/window-stores.ts';

/** Kafka's DslKeyValueParams. */
export interface DslKeyValueParams {
  readonly name: string;
  /** True for the DSL's table stores (values carry their timestamps). */
  readonly isTimestamped: boolean;
}

/** Kafka's DslWindowParams. */
export interface DslWindowParams {
  readonly name: string;
  readonly retentionMs: number;
  readonly windowSizeMs: number;
  /** True for stream–stream join stores: every record is its own entry. */
  readonly retainDuplicates: boolean;
  readonly isTimestamped: boolean;
}

/** Kafka's DslSessionParams. */
export interface DslSessionParams {
  readonly name: string;
  readonly retentionMs: number;
}

export interface DslStoreSuppliers {
  keyValueStore(params: DslKeyValueParams): KeyValueBytesStoreSupplier;
  windowStore(params: DslWindowParams): WindowBytesStoreSupplier;
  sessionStore(params: DslSessionParams): SessionBytesStoreSupplier;
}

/** Kafka's BuiltInDslStoreSuppliers. */
export const BuiltInDslStoreSuppliers = {
  /** Kafka's RocksDBDslStoreSuppliers: persistent stores in stateDir. */
  LevelDbDslStoreSuppliers: {
    keyValueStore: (p: DslKeyValueParams) => Stores.persistentKeyValueStore(p.name),
    windowStore: (p: DslWindowParams) => WindowStores.persistentWindowStore(p.name, p),
    sessionStore: (p: DslSessionParams) => WindowStores.persistentSessionStore(p.name, p.retentionMs),
  } satisfies DslStoreSuppliers,
  InMemoryDslStoreSuppliers: {
    keyValueStore: (p: DslKeyValueParams) => Stores.inMemoryKeyValueStore(p.name),
    windowStore: (p: DslWindowParams) => WindowStores.inMemoryWindowStore(p.name, p),
    sessionStore: (p: DslSessionParams) => WindowStores.inMemorySessionStore(p.name, p.retentionMs),
  } satisfies DslStoreSuppliers,
} as const;

/** A store choice: the built-ins by name, or any DslStoreSuppliers. */
export type DslStoreChoice = 'memory' | 'leveldb' | DslStoreSuppliers;

export function isDslStoreSuppliers(v: unknown): v is DslStoreSuppliers {
  if (typeof v !== 'object' || v === null) return false;
  const s = v as Partial<Record<keyof DslStoreSuppliers, unknown>>;
  return typeof s.keyValueStore === 'function' && typeof s.windowStore === 'function' && typeof s.sessionStore === 'function';
}

/**
 * The suppliers a choice stands for. `StoreChoiceLike` is how the build options carry a choice
 * (typed by shape); every object in it came through dslStoreChoiceSchema or a typed option.
 */
export function dslStoreSuppliersOf(choice: DslStoreChoice | StoreChoiceLike): DslStoreSuppliers {
  if (choice === 'memory') return BuiltInDslStoreSuppliers.InMemoryDslStoreSuppliers;
  if (choice === 'leveldb') return BuiltInDslStoreSuppliers.LevelDbDslStoreSuppliers;
  return choice as DslStoreSuppliers;
}

/** zod: a store choice, with an error that says what is accepted. */
export const dslStoreChoiceSchema = z.custom<DslStoreChoice>(
  (v) => v === 'memory' || v === 'leveldb' || isDslStoreSuppliers(v),
  'must be "leveldb", "memory" or a DslStoreSuppliers (an object with keyValueStore, windowStore and sessionStore), e.g. BuiltInDslStoreSuppliers.InMemoryDslStoreSuppliers',
);

/** Rejects a bad choice passed to an option method, naming the method. */
export function checkDslStoreChoice(where: string, choice: unknown): DslStoreChoice {
  const r = dslStoreChoiceSchema.safeParse(choice);
  if (!r.success) throw new TypeError(`${where}: ${r.error.issues[0]?.message ?? 'not a store choice'} (got ${typeof choice === 'object' ? Object.prototype.toString.call(choice) : JSON.stringify(choice)})`);
  return r.data;
}
