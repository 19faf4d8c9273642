/*
 * Consumed: how a source topic is read — key and value serdes (their types become the stream's
 * K and V), an optional timestamp extractor and a processor name. Unset serdes fall back to the
 * application's default serdes at run time.
 */
import type { Serde } from '../../serde/serde.ts';
import type { TimestampExtractor } from '../../topology/node-specs.ts';
import { validateName } from './named.ts';

export class Consumed<K, V> {
  private constructor(
    readonly keySerde: Serde<K> | undefined,
    readonly valueSerde: Serde<V> | undefined,
    readonly timestampExtractor: TimestampExtractor | undefined,
    readonly processorName: string | undefined,
  ) {}

  static with<K, V>(keySerde: Serde<K> | undefined, valueSerde: Serde<V> | undefined): Consumed<K, V> {
    return new Consumed(keySerde, valueSerde, undefined, undefined);
  }

  static as<K = unknown, V = unknown>(processorName: string): Consumed<K, V> {
    return new Consumed<K, V>(undefined, undefined, undefined, validateName(processorName));
  }

  static withTimestampExtractor<K = unknown, V = unknown>(extractor: TimestampExtractor): Consumed<K, V> {
    return new Consumed<K, V>(undefined, undefined, extractor, undefined);
  }

  withKeySerde<K2>(keySerde: Serde<K2>): Consumed<K2, V> {
    return new Consumed(keySerde, this.valueSerde, this.timestampExtractor, this.processorName);
  }

  withValueSerde<V2>(valueSerde: Serde<V2>): Consumed<K, V2> {
    return new Consumed(this.keySerde, valueSerde, this.timestampExtractor, this.processorName);
  }

  withTimestampExtractor(extractor: TimestampExtractor): Consumed<K, V> {
    return new Consumed(this.keySerde, this.valueSerde, extractor, this.processorName);
  }

  withName(processorName: string): Consumed<K, V> {
    return new Consumed(this.keySerde, this.valueSerde, this.timestampExtractor, validateName(processorName));
  }
}
