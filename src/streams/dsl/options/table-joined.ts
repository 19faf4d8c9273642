/*
 * TableJoined: options of a KTable–KTable foreign-key join — Kafka Streams' TableJoined.
 * `partitioner` partitions the subscription-response topic (it must agree with how THIS
 * table's topic is partitioned), `otherPartitioner` the subscription-registration topic (it
 * must agree with the OTHER table's topic). The name prefixes the join's processors, stores
 * and internal topics ("<name>-subscription-registration-topic", …) instead of the generated
 * "KTABLE-FK-JOIN-…" names.
 */
import type { StreamPartitioner } from '../../topology/node-specs.ts';
import { validateName } from './named.ts';

export class TableJoined<K, KO> {
  private constructor(
    readonly partitioner: StreamPartitioner<K, unknown> | undefined,
    readonly otherPartitioner: StreamPartitioner<KO, unknown> | undefined,
    readonly name: string | undefined,
  ) {}

  static with<K, KO>(partitioner: StreamPartitioner<K, unknown> | undefined, otherPartitioner: StreamPartitioner<KO, unknown> | undefined): TableJoined<K, KO> {
    return new TableJoined(partitioner, otherPartitioner, undefined);
  }

  static as<K = never, KO = never>(name: string): TableJoined<K, KO> {
    return new TableJoined<K, KO>(undefined, undefined, validateName(name));
  }

  withPartitioner(partitioner: StreamPartitioner<K, unknown>): TableJoined<K, KO> {
    return new TableJoined(partitioner, this.otherPartitioner, this.name);
  }

  withOtherPartitioner(otherPartitioner: StreamPartitioner<KO, unknown>): TableJoined<K, KO> {
    return new TableJoined(this.partitioner, otherPartitioner, this.name);
  }

  withName(name: string): TableJoined<K, KO> {
    return new TableJoined(this.partitioner, this.otherPartitioner, validateName(name));
  }
}
