/*
 * Repartitioned: options for an explicit `KStream.repartition()` — the topic name (becomes
 * "<applicationId>-<name>-repartition"), serdes, and a partition count for the internal topic.
 */
import type { Serde } from '../../serde/serde.ts';
import type { StreamPartitioner } from '../../topology/node-specs.ts';
import { validateName } from './named.ts';

export class Repartitioned<K, V> {
  private constructor(
    readonly name: string | undefined,
    readonly keySerde: Serde<K> | undefined,
    readonly valueSerde: Serde<V> | undefined,
    readonly numberOfPartitions: number | undefined,
    readonly partitioner: StreamPartitioner<K, V> | undefined,
  ) {}

  static as<K = never, V = never>(name: string): Repartitioned<K, V> {
    return new Repartitioned<K, V>(validateName(name), undefined, undefined, undefined, undefined);
  }

  static with<K, V>(keySerde: Serde<K> | undefined, valueSerde: Serde<V> | undefined): Repartitioned<K, V> {
    return new Repartitioned(undefined, keySerde, valueSerde, undefined, undefined);
  }

  static numberOfPartitions<K = never, V = never>(n: number): Repartitioned<K, V> {
    return new Repartitioned<K, V>(undefined, undefined, undefined, checkPartitions(n), undefined);
  }

  withName(name: string): Repartitioned<K, V> {
    return new Repartitioned(validateName(name), this.keySerde, this.valueSerde, this.numberOfPartitions, this.partitioner);
  }

  withKeySerde<K2>(keySerde: Serde<K2>): Repartitioned<K2, V> {
    return new Repartitioned(this.name, keySerde, this.valueSerde, this.numberOfPartitions, undefined);
  }

  withValueSerde<V2>(valueSerde: Serde<V2>): Repartitioned<K, V2> {
    return new Repartitioned(this.name, this.keySerde, valueSerde, this.numberOfPartitions, undefined);
  }

  withNumberOfPartitions(n: number): Repartitioned<K, V> {
    return new Repartitioned(this.name, this.keySerde, this.valueSerde, checkPartitions(n), this.partitioner);
  }

  withStreamPartitioner(partitioner: StreamPartitioner<K, V>): Repartitioned<K, V> {
    return new Repartitioned(this.name, this.keySerde, this.valueSerde, this.numberOfPartitions, partitioner);
  }
}

function checkPartitions(n: number): number {
  if (!Number.isInteger(n) || n < 1) throw new Error(`Repartitioned.numberOfPartitions must be a positive integer, got ${n}.`);
  return n;
}
