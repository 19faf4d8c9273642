/*
 * Joined: options of a KStream–KTable join — Kafka Streams' Joined. The serdes are used for the
 * repartition topic the join inserts when the stream's key was changed upstream (key serde and
 * the stream's value serde; `otherValueSerde` is the table's, kept for API parity). The name
 * names the join processor ("<name>") and the repartition topic ("<name>-repartition").
 *
 * Not supported: Kafka's `withGracePeriod` (it needs versioned table stores, which Tributary
 * does not have); see docs/not-implemented.md.
 */
import type { Serde } from '../../serde/serde.ts';
import { validateName } from './named.ts';

export class Joined<K, V, VO> {
  private constructor(
    readonly keySerde: Serde<K> | undefined,
    readonly valueSerde: Serde<V> | undefined,
    readonly otherValueSerde: Serde<VO> | undefined,
    readonly name: string | undefined,
  ) {}

  static with<K, V, VO>(keySerde: Serde<K> | undefined, valueSerde: Serde<V> | undefined, otherValueSerde?: Serde<VO>, name?: string): Joined<K, V, VO> {
    return new Joined(keySerde, valueSerde, otherValueSerde, name === undefined ? undefined : validateName(name));
  }

  static as<K = never, V = never, VO = never>(name: string): Joined<K, V, VO> {
    return new Joined<K, V, VO>(undefined, undefined, undefined, validateName(name));
  }

  static keySerde<K>(keySerde: Serde<K>): Joined<K, never, never> {
    return new Joined<K, never, never>(keySerde, undefined, undefined, undefined);
  }

  static valueSerde<V>(valueSerde: Serde<V>): Joined<never, V, never> {
    return new Joined<never, V, never>(undefined, valueSerde, undefined, undefined);
  }

  withKeySerde<K2>(keySerde: Serde<K2>): Joined<K2, V, VO> {
    return new Joined(keySerde, this.valueSerde, this.otherValueSerde, this.name);
  }

  withValueSerde<V2>(valueSerde: Serde<V2>): Joined<K, V2, VO> {
    return new Joined(this.keySerde, valueSerde, this.otherValueSerde, this.name);
  }

  withOtherValueSerde<VO2>(otherValueSerde: Serde<VO2>): Joined<K, V, VO2> {
    return new Joined(this.keySerde, this.valueSerde, otherValueSerde, this.name);
  }

  withName(name: string): Joined<K, V, VO> {
    return new Joined(this.keySerde, this.valueSerde, this.otherValueSerde, validateName(name));
  }
}
