/*
 * Grouped: serdes for the repartition topic a grouping may need, and its name. A named Grouped
 * makes the repartition topic "<name>-repartition" (instead of "<store>-repartition") and the
 * key-select processor take that name, as Kafka Streams does.
 */
import type { Serde } from '../../serde/serde.ts';
import { validateName } from './named.ts';

export class Grouped<K, V> {
  private constructor(
    readonly keySerde: Serde<K> | undefined,
    readonly valueSerde: Serde<V> | undefined,
    readonly name: string | undefined,
  ) {}

  static with<K, V>(keySerde: Serde<K> | undefined, valueSerde: Serde<V> | undefined): Grouped<K, V> {
    return new Grouped(keySerde, valueSerde, undefined);
  }

  static as<K = never, V = never>(name: string): Grouped<K, V> {
    return new Grouped<K, V>(undefined, undefined, validateName(name));
  }

  static keySerde<K>(keySerde: Serde<K>): Grouped<K, never> {
    return new Grouped<K, never>(keySerde, undefined, undefined);
  }

  static valueSerde<V>(valueSerde: Serde<V>): Grouped<never, V> {
    return new Grouped<never, V>(undefined, valueSerde, undefined);
  }

  withKeySerde<K2>(keySerde: Serde<K2>): Grouped<K2, V> {
    return new Grouped(keySerde, this.valueSerde, this.name);
  }

  withValueSerde<V2>(valueSerde: Serde<V2>): Grouped<K, V2> {
    return new Grouped(this.keySerde, valueSerde, this.name);
  }

  withName(name: string): Grouped<K, V> {
    return new Grouped(this.keySerde, this.valueSerde, validateName(name));
  }
}
