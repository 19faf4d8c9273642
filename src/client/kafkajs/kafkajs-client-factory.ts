/*
 * The ClientFactory of the kafkajs implementation: producers, group consumers and admins are
 * kafkajs-backed; the assign-only consumer runs on the project's wire client (kafkajs has no
 * consumer without a group). Each object gets its own connections, as each kafkajs client does.
 */
import type { AssignedConsumer, AssignedConsumerOptions, Admin, ClientConfig, ClientFactory, GroupConsumer, GroupConsumerOptions, Producer, ProducerOptions } from '../types.ts';
import { WireAssignedConsumer } from '../wire-assigned-consumer.ts';
import { KafkajsAdmin } from './kafkajs-admin.ts';
import { KafkajsGroupConsumer } from './kafkajs-group-consumer.ts';
import { KafkajsProducer } from './kafkajs-producer.ts';

export function createKafkajsClientFactory(config: ClientConfig): ClientFactory {
  if (config.bootstrapServers.length === 0) throw new Error('createKafkajsClientFactory: bootstrapServers is empty; pass at least one "host:port"');
  return {
    producer: (options?: ProducerOptions): Producer => new KafkajsProducer(config, options),
    consumer: (options: GroupConsumerOptions): GroupConsumer => new KafkajsGroupConsumer(config, options),
    assignedConsumer: (options?: AssignedConsumerOptions): AssignedConsumer => new WireAssignedConsumer(config, options),
    admin: (): Admin => new KafkajsAdmin(config),
  };
}
