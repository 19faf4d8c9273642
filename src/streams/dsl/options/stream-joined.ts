/*
 * StreamJoined: options of a KStream–KStream windowed join — Kafka Streams' StreamJoined.
 *  - serdes: key, this side's value and the other side's value; used by the two window stores,
 *    the shared outer-join store and any repartition topic the join inserts;
 *  - name: names the processors ("<name>-this-join", "<name>-other-windowed", …) and the
 *    repartition topics ("<name>-left-repartition", "<name>-right-repartition");
 *  - storeName: base name of the stores ("<storeName>-this-join-store", …), else generated from
 *    the processor names ("KSTREAM-JOINTHIS-0000000004-store");
 *  - store type (memory | leveldb), logging on/off and changelog topic configs.
 *
 * Not supported: Kafka's custom WindowBytesStoreSupplier parameters (withThisStoreSupplier /
 * withOtherStoreSupplier) and DslStoreSuppliers; use withStoreType instead.
 */
import type { Serde } from '../../serde/serde.ts';
import { validateName } from './named.ts';

export type JoinStoreType = 'memory' | 'leveldb';

interface Fields<K, V, VO> {
  keySerde: Serde<K> | undefined;
  valueSerde: Serde<V> | undefined;
  otherValueSerde: Serde<VO> | undefined;
  name: string | undefined;
  storeName: string | undefined;
  storeType: JoinStoreType | undefined;
  loggingEnabled: boolean;
  topicConfig: Readonly<Record<string, string>>;
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
      ...f,
    });
  }

  static with<K, V, VO>(keySerde: Serde<K> | undefined, valueSerde: Serde<V> | undefined, otherValueSerde: Serde<VO> | undefined): StreamJoined<K, V, VO> {
    return StreamJoined.make({ keySerde, valueSerde, otherValueSerde });
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
    return new StreamJoined({ ...this.f, storeType });
  }
  withLoggingEnabled(topicConfig: Readonly<Record<string, string>> = {}): StreamJoined<K, V, VO> {
    return new StreamJoined({ ...this.f, loggingEnabled: true, topicConfig: { ...topicConfig } });
  }
  withLoggingDisabled(): StreamJoined<K, V, VO> {
    return new StreamJoined({ ...this.f, loggingEnabled: false, topicConfig: {} });
  }
}
