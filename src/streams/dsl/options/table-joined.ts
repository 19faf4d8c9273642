/*
 * TableJoined: options of a KTable–KTable foreign-key join — Kafka Streams' TableJoined.
 * `partitioner` partitions the subscription-response topic (it must agree with how THIS
 * table's topic is partitioned), `otherPartitioner` the subscription-registration topic (it
 * must agree with the OTHER table's topic). The name prefixes the join's processors, stores
 * and internal topics ("<name>-subscription-registration-topic", …) instead of the generated
 * "KTABLE-FK-JOIN-…" names.
 */
import { validateName } from './named.ts';

/**
 * Chooses a partition for a key (the value is not known to these partitioners); undefined means
 * the default. Declared method-style so `TableJoined.as('x')` fits any key types.
 */
export type KeyPartitioner<K> = { bivarianceHack(topic: string, key: K, value: unknown, numPartitions: number): number | undefined }['bivarianceHack'];

export class TableJoined<K, KO> {
  private constructor(
    readonly partitioner: KeyPartitioner<K> | undefined,
    readonly otherPartitioner: KeyPartitioner<KO> | undefined,
    readonly name: string | undefined,
  ) {}

  static with<K, KO>(partitioner: KeyPartitioner<K> | undefined, otherPartitioner: KeyPartitioner<KO> | undefined): TableJoined<K, KO> {
    return new TableJoined(partitioner, otherPartitioner, undefined);
  }

  static as<K = never, KO = never>(name: string): TableJoined<K, KO> {
    return new TableJoined<K, KO>(undefined, undefined, validateName(name));
  }

  withPartitioner(partitioner: KeyPartitioner<K>): TableJoined<K, KO> {
    return new TableJoined(partitioner, this.otherPartitioner, this.name);
  }

  withOtherPartitioner(otherPartitioner: KeyPartitioner<KO>): TableJoined<K, KO> {
    return new TableJoined(this.partitioner, otherPartitioner, this.name);
  }

  withName(name: string): TableJoined<K, KO> {
    return new TableJoined(this.partitioner, this.otherPartitioner, validateName(name));
  }
}
