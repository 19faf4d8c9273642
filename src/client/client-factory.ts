/*
 * The one ClientFactory: the streams runtime, the CLI and the benchmarks all build their client
 * objects here — the producer (idempotent or not), the group consumer, the assign-only consumer
 * and the admin, all on the project's wire client. Each object gets its own connections (its own
 * WireCluster) and closes them in disconnect().
 */
import type { AssignedConsumer, AssignedConsumerOptions, Admin, ClientConfig, ClientFactory, GroupConsumer, GroupConsumerOptions, Producer, ProducerOptions } from './types.ts';
import { KafkaAssignedConsumer } from './consumer/assigned-consumer.ts';
import { KafkaGroupConsumer } from './consumer/group-consumer.ts';
import { KafkaProducer } from './producer/producer.ts';
import { KafkaAdmin } from './kafka-admin.ts';

export function createClientFactory(config: ClientConfig): ClientFactory {
  if (config.bootstrapServers.length === 0) throw new Error('createClientFactory: bootstrapServers is empty; pass at least one "host:port"');
  return {
    producer: (options?: ProducerOptions): Producer => new KafkaProducer(config, options),
    consumer: (options: GroupConsumerOptions): GroupConsumer => new KafkaGroupConsumer(config, options),
    assignedConsumer: (options?: AssignedConsumerOptions): AssignedConsumer => new KafkaAssignedConsumer(config, options),
    admin: (): Admin => new KafkaAdmin(config),
  };
}
