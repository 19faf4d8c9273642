/*
 * The ClientFactory the runtime uses: admins are kafkajs-backed; the producer, the
 * group consumer and the assign-only consumer run on the project's wire client (kafkajs has no
 * consumer without a group, and its producer and group consumer each cost the streams runtime a
 * fifth to half of its CPU), idempotent or not. Each object gets its own connections.
 */
import type { AssignedConsumer, AssignedConsumerOptions, Admin, ClientConfig, ClientFactory, GroupConsumer, GroupConsumerOptions, Producer, ProducerOptions } from './types.ts';
import { KafkaAssignedConsumer } from './consumer/assigned-consumer.ts';
import { KafkaGroupConsumer } from './consumer/group-consumer.ts';
import { KafkaProducer } from './producer/producer.ts';
import { KafkaAdmin } from './admin.ts';

export function createClientFactory(config: ClientConfig): ClientFactory {
  if (config.bootstrapServers.length === 0) throw new Error('createClientFactory: bootstrapServers is empty; pass at least one "host:port"');
  return {
    producer: (options?: ProducerOptions): Producer => new KafkaProducer(config, options),
    consumer: (options: GroupConsumerOptions): GroupConsumer => new KafkaGroupConsumer(config, options),
    assignedConsumer: (options?: AssignedConsumerOptions): AssignedConsumer => new KafkaAssignedConsumer(config, options),
    admin: (): Admin => new KafkaAdmin(config),
  };
}
