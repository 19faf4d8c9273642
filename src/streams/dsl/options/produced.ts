/*
 * Produced: how a stream is written to a topic — key and value serdes, an optional partitioner
 * and a sink name. Unset serdes fall back to the stream's serdes, then to the defaults.
 */
import type { Serde } from '../../serde/serde.ts';
import type { StreamPartitioner } from '../../topology/node-specs.ts';
import { validateName } from './named.ts';

export class Produced<K, V> {
  private constructor(
    readonly keySerde: Serde<K> | undefined,
    readonly valueSerde: Serde<V> | undefined,
    readonly partitioner: StreamPartitioner<K, V> | undefined,
    readonly processorName: string | undefined,
  ) {}

  static with<K, V>(keySerde: Serde<K> | undefined, valueSerde: Serde<V> | undefined, partitioner?: StreamPartitioner<K, V>): Produced<K, V> {
    return new Produced(keySerde, valueSerde, partitioner, undefined);
  }

  static as<K = never, V = never>(processorName: string): Produced<K, V> {
    return new Produced<K, V>(undefined, undefined, undefined, validateName(processorName));
  }

  withKeySerde(keySerde: Serde<K>): Produced<K, V> {
    return new Produced(keySerde, this.valueSerde, this.partitioner, this.processorName);
  }

  withValueSerde(valueSerde: Serde<V>): Produced<K, V> {
    return new Produced(this.keySerde, valueSerde, this.partitioner, this.processorName);
  }

  withStreamPartitioner(partitioner: StreamPartitioner<K, V>): Produced<K, V> {
    return new Produced(this.keySerde, this.valueSerde, partitioner, this.processorName);
  }

  withName(processorName: string): Produced<K, V> {
    return new Produced(this.keySerde, this.valueSerde, this.partitioner, validateName(processorName));
  }
}
