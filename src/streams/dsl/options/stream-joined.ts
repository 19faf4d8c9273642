/*
 * StreamJoined: options of a KStream–KStream windowed join — Kafka Streams' StreamJoined.
 *  - serdes: key, this side's value and the other side's value; used by the two window stores,
 *    the shared outer-join store and any repartition topic the join inserts;
 *  - name: names the processors ("<name>-this-join", "<name>-other-windowed", …) and the
 *    repartition topics ("<name>-left-repartition", "<name>-right-repartition");
 *  - storeName: base name of the stores ("<storeName>-this-join-store", …), else generated from
 *    the processor names ("KSTREAM-JOINTHIS-0000000004-store");
 *  - store type (memory | leveldb), logging on/off and changelog topic configs;
 *  - window-store suppliers for either side (withThisStoreSupplier / withOtherStoreSupplier,
 *    or StreamJoined.with(thisSupplier, otherSupplier)): the side's store is built from the
 *    supplier (its name, persistence and segments). As Kafka's KStreamImplJoin checks, a
 *    supplier must retain duplicates and match the JoinWindows: window size = before + after,
 *    retention = size + grace; the join rejects it otherwise, naming both.
 *
 * withDslStoreSuppliers (KIP-954) picks where all of the join's stores come from (the two window
 * stores and the outer store), as withStoreType('leveldb' | 'memory') does for the built-ins; a
 * side's own supplier above wins over both for that side.
 */
import type { Serde } from '../../serde/serde.ts';
import type { WindowBytesStoreSupplier } from '../../state/window/window-stores.ts';
import { validateName } from './named.ts';
import { checkDslStoreChoice, type DslStoreChoice, type DslStoreSuppliers } from '../../state/dsl-store-suppliers.ts';

/** 'leveldb' | 'memory', or DslStoreSuppliers. */
export type JoinStoreType = DslStoreChoice;

interface Fields<K, V, VO> {
  keySerde: Serde<K> | undefined;
  valueSerde: Serde<V> | undefined;
  otherValueSerde: Serde<VO> | undefined;
  name: string | undefined;
  storeName: string | undefined;
  storeType: JoinStoreType | undefined;
  loggingEnabled: boolean;
  topicConfig: Readonly<Record<string, string>>;
  thisStoreSupplier: WindowBytesStoreSupplier | undefined;
  otherStoreSupplier: WindowBytesStoreSupplier | undefined;
}

function isSupplier(x: unknown): x is WindowBytesStoreSupplier {
  return typeof x === 'object' && x !== null && (x as { kind?: unknown }).kind === 'window' && typeof (x as { backing?: unknown }).backing === 'function';
}

function requireSupplier(method: string, x: unknown): WindowBytesStoreSupplier {
  if (!isSupplier(x)) throw new TypeError(`StreamJoined.${method} needs a window-store supplier (WindowStores.inMemoryWindowStore / persistentWindowStore with retainDuplicates: true)`);
  return x;
}

export class StreamJoined<K, V, VO> {
  private constructor(private readonly f: Fields<K, V, VO>) {}

  private static make<K, V, VO>(f: Partial<Fields<K, V, VO>>): StreamJoined<K, V, VO> {
    return new StreamJoined<K, V, VO>({
      keySerde: undefined,
      valueSerde: undefined,
      otherValueSerde: undefined,
      name: undefined,
      storeName: undefined,
      storeType: undefined,
      loggingEnabled: true,
      topicConfig: {},
      thisStoreSupplier: undefined,
      otherStoreSupplier: undefined,
      ...f,
    });
  }

  static with<K, V, VO>(keySerde: Serde<K> | undefined, valueSerde: Serde<V> | undefined, otherValueSerde: Serde<VO> | undefined): StreamJoined<K, V, VO>;
  /** Kafka's StreamJoined.with(thisStoreSupplier, otherStoreSupplier). */
  static with<K = never, V = never, VO = never>(thisStoreSupplier: WindowBytesStoreSupplier, otherStoreSupplier: WindowBytesStoreSupplier): StreamJoined<K, V, VO>;
  static with<K, V, VO>(a: Serde<K> | WindowBytesStoreSupplier | undefined, b: Serde<V> | WindowBytesStoreSupplier | undefined, c?: Serde<VO>): StreamJoined<K, V, VO> {
    if (isSupplier(a) || isSupplier(b)) {
      if (!isSupplier(a) || !isSupplier(b)) throw new TypeError('StreamJoined.with(thisStoreSupplier, otherStoreSupplier) needs two window-store suppliers (WindowStores.inMemoryWindowStore / persistentWindowStore)');
      return StreamJoined.make<K, V, VO>({ thisStoreSupplier: a, otherStoreSupplier: b });
    }
    return StreamJoined.make({ keySerde: a, valueSerde: b, otherValueSerde: c });
  }

  static as<K = never, V = never, VO = never>(storeName: string): StreamJoined<K, V, VO> {
    return StreamJoined.make<K, V, VO>({ storeName: validateName(storeName) });
  }

  get keySerde(): Serde<K> | undefined {
    return this.f.keySerde;
  }
  get valueSerde(): Serde<V> | undefined {
    return this.f.valueSerde;
  }
  get otherValueSerde(): Serde<VO> | undefined {
    return this.f.otherValueSerde;
  }
  get name(): string | undefined {
    return this.f.name;
  }
  get storeName(): string | undefined {
    return this.f.storeName;
  }
  get storeType(): JoinStoreType | undefined {
    return this.f.storeType;
  }
  get loggingEnabled(): boolean {
    return this.f.loggingEnabled;
  }
  get topicConfig(): Readonly<Record<string, string>> {
    return this.f.topicConfig;
  }
  get thisStoreSupplier(): WindowBytesStoreSupplier | undefined {
    return this.f.thisStoreSupplier;
  }
  get otherStoreSupplier(): WindowBytesStoreSupplier | undefined {
    return this.f.otherStoreSupplier;
  }

  withKeySerde<K2>(keySerde: Serde<K2>): StreamJoined<K2, V, VO> {
    return new StreamJoined<K2, V, VO>({ ...this.f, keySerde });
  }
  withValueSerde<V2>(valueSerde: Serde<V2>): StreamJoined<K, V2, VO> {
    return new StreamJoined<K, V2, VO>({ ...this.f, valueSerde });
  }
  withOtherValueSerde<VO2>(otherValueSerde: Serde<VO2>): StreamJoined<K, V, VO2> {
    return new StreamJoined<K, V, VO2>({ ...this.f, otherValueSerde });
  }
  withName(name: string): StreamJoined<K, V, VO> {
    return new StreamJoined({ ...this.f, name: validateName(name) });
  }
  withStoreName(storeName: string): StreamJoined<K, V, VO> {
    return new StreamJoined({ ...this.f, storeName: validateName(storeName) });
  }
  withStoreType(storeType: JoinStoreType): StreamJoined<K, V, VO> {
    return new StreamJoined({ ...this.f, storeType: checkDslStoreChoice('StreamJoined.withStoreType', storeType) });
  }
  /** Kafka 3.7's withDslStoreSuppliers (KIP-954): the suppliers of every store of this join. */
  withDslStoreSuppliers(suppliers: DslStoreSuppliers): StreamJoined<K, V, VO> {
    return new StreamJoined({ ...this.f, storeType: checkDslStoreChoice('StreamJoined.withDslStoreSuppliers', suppliers) });
  }
  /** The window store of this (left) side; see the file comment for what it must match. */
  withThisStoreSupplier(supplier: WindowBytesStoreSupplier): StreamJoined<K, V, VO> {
    return new StreamJoined({ ...this.f, thisStoreSupplier: requireSupplier('withThisStoreSupplier', supplier) });
  }
  /** The window store of the other (right) side. */
  withOtherStoreSupplier(supplier: WindowBytesStoreSupplier): StreamJoined<K, V, VO> {
    return new StreamJoined({ ...this.f, otherStoreSupplier: requireSupplier('withOtherStoreSupplier', supplier) });
  }
  withLoggingEnabled(topicConfig: Readonly<Record<string, string>> = {}): StreamJoined<K, V, VO> {
    return new StreamJoined({ ...this.f, loggingEnabled: true, topicConfig: { ...topicConfig } });
  }
  withLoggingDisabled(): StreamJoined<K, V, VO> {
    return new StreamJoined({ ...this.f, loggingEnabled: false, topicConfig: {} });
  }
}
