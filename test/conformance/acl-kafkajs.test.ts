/*
 * kafkajs 2.x against the bundled broker with its authorizer on: the admin client's createAcls,
 * describeAcls and deleteAcls (CreateAcls/DescribeAcls/DeleteAcls, PREFIXED patterns), and the
 * errors its producer and consumer see without the ACLs (TOPIC_AUTHORIZATION_FAILED,
 * GROUP_AUTHORIZATION_FAILED). Principals come from the test-only principalOf hook: client id
 * "alice" is User:alice; "admin" is the super user.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { AclOperationTypes, AclPermissionTypes, AclResourceTypes, Kafka, KafkaJSProtocolError, logLevel, ResourcePatternTypes, type Admin } from 'kafkajs';
import { startTestBroker, type TestBroker } from '../../src/testing/broker-harness.ts';

const kafka = (tb: TestBroker, clientId: string) => new Kafka({ clientId, brokers: [tb.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 0 } });

/** A LITERAL ALLOW ACL from any host, in kafkajs's shape. */
const allow = (resourceType: AclResourceTypes, resourceName: string, principal: string, operation: AclOperationTypes) => ({
  resourceType,
  resourceName,
  resourcePatternType: ResourcePatternTypes.LITERAL,
  principal,
  host: '*',
  operation,
  permissionType: AclPermissionTypes.ALLOW,
});

/** The protocol error's type, whether kafkajs throws it or wraps it (KafkaJSNonRetriableError.cause). */
function causeType(e: unknown): string | undefined {
  for (let x: unknown = e; x instanceof Error; x = (x as { cause?: unknown }).cause) if (x instanceof KafkaJSProtocolError) return x.type;
  return undefined;
}

describe('kafkajs ACLs', () => {
  let tb: TestBroker;
  let admin: Admin;
  beforeAll(async () => {
    tb = await startTestBroker({
      authorizer: { enabled: true, superUsers: ['User:admin'] },
      deps: { principalOf: ({ clientId }) => `User:${clientId ?? 'ANONYMOUS'}` },
    });
    for (const name of ['kj-orders', 'kj-secret']) await tb.broker.topicManager.create({ name, numPartitions: 1, replicationFactor: 1, configs: [] });
    admin = kafka(tb, 'admin').admin();
    await admin.connect();
  });
  afterAll(async () => {
    await admin?.disconnect();
    await tb?.stop();
  });

  it('creates, describes and deletes ACLs through the admin client', async () => {
    const acl = {
      resourceType: AclResourceTypes.TOPIC,
      resourceName: 'kj-',
      resourcePatternType: ResourcePatternTypes.PREFIXED,
      principal: 'User:bob',
      host: '*',
      operation: AclOperationTypes.READ,
      permissionType: AclPermissionTypes.ALLOW,
    };
    await admin.createAcls({ acl: [acl] });
    const described = await admin.describeAcls({
      resourceType: AclResourceTypes.TOPIC,
      resourceName: 'kj-orders',
      resourcePatternType: ResourcePatternTypes.MATCH,
      operation: AclOperationTypes.ANY,
      permissionType: AclPermissionTypes.ANY,
    });
    expect(described.resources).toEqual([
      {
        resourceType: AclResourceTypes.TOPIC,
        resourceName: 'kj-',
        resourcePatternType: ResourcePatternTypes.PREFIXED,
        acls: [{ principal: 'User:bob', host: '*', operation: AclOperationTypes.READ, permissionType: AclPermissionTypes.ALLOW }],
      },
    ]);
    const deleted = await admin.deleteAcls({
      filters: [{ ...acl, principal: 'User:bob', operation: AclOperationTypes.ANY, permissionType: AclPermissionTypes.ANY }],
    });
    expect(deleted.filterResponses[0]?.matchingAcls).toHaveLength(1);
    expect(deleted.filterResponses[0]?.matchingAcls[0]).toMatchObject({ resourceName: 'kj-', principal: 'User:bob', operation: AclOperationTypes.READ });
    const after = await admin.describeAcls({
      resourceType: AclResourceTypes.ANY,
      resourcePatternType: ResourcePatternTypes.ANY,
      operation: AclOperationTypes.ANY,
      permissionType: AclPermissionTypes.ANY,
    });
    expect(after.resources).toEqual([]);
  });

  it('a producer allowed WRITE on one topic writes there and gets TOPIC_AUTHORIZATION_FAILED elsewhere', async () => {
    await admin.createAcls({
      acl: [
        allow(AclResourceTypes.TOPIC, 'kj-orders', 'User:alice', AclOperationTypes.WRITE),
      ],
    });
    const producer = kafka(tb, 'alice').producer({ allowAutoTopicCreation: false });
    await producer.connect();
    try {
      await producer.send({ topic: 'kj-orders', messages: [{ value: 'ok' }] });
      expect(tb.broker.partitions.get('kj-orders', 0)!.logEndOffset).toBe(1);
      const refused = await producer.send({ topic: 'kj-secret', messages: [{ value: 'no' }] }).catch((e: unknown) => e);
      // kafkajs asks Metadata first; the broker answers the topic it may not DESCRIBE with code 29.
      expect(causeType(refused)).toBe('TOPIC_AUTHORIZATION_FAILED');
      expect(tb.broker.partitions.get('kj-secret', 0)!.logEndOffset).toBe(0);
    } finally {
      await producer.disconnect();
    }
  });

  it('a consumer with READ on its topic and DESCRIBE (not READ) on its group gets GROUP_AUTHORIZATION_FAILED from JoinGroup', async () => {
    await admin.createAcls({
      acl: [
        allow(AclResourceTypes.TOPIC, 'kj-orders', 'User:carol', AclOperationTypes.READ),
        // FindCoordinator needs DESCRIBE on the group (kafkajs would report its refusal as
        // "coordinator not found"); JoinGroup needs READ.
        allow(AclResourceTypes.GROUP, 'kj-group', 'User:carol', AclOperationTypes.DESCRIBE),
      ],
    });
    const consumer = kafka(tb, 'carol').consumer({ groupId: 'kj-group', retry: { retries: 0 } });
    await consumer.connect();
    try {
      const crashed = new Promise<unknown>((resolve) => consumer.on(consumer.events.CRASH, (e) => resolve(e.payload.error)));
      await consumer.subscribe({ topic: 'kj-orders' });
      const refused = await consumer.run({ eachMessage: async () => {} }).then(() => crashed, (e: unknown) => e);
      expect(causeType(refused)).toBe('GROUP_AUTHORIZATION_FAILED');
    } finally {
      await consumer.disconnect();
    }
  });

  it('an idempotent producer needs IDEMPOTENT_WRITE (CLUSTER_AUTHORIZATION_FAILED), a transactional one WRITE on its id (TRANSACTIONAL_ID_AUTHORIZATION_FAILED)', async () => {
    // FindCoordinator needs DESCRIBE on the id; InitProducerId needs WRITE on it.
    await admin.createAcls({ acl: [allow(AclResourceTypes.TRANSACTIONAL_ID, 'kj-tx', 'User:dave', AclOperationTypes.DESCRIBE)] });
    const producer = new Kafka({ clientId: 'dave', brokers: [tb.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 1 } }).producer({
      transactionalId: 'kj-tx',
      idempotent: true,
      maxInFlightRequests: 1,
    });
    try {
      // kafkajs's connect() first asks a non-transactional producer id: dave may write no topic
      // and has no IDEMPOTENT_WRITE on the cluster (KIP-679).
      expect(causeType(await producer.connect().catch((e: unknown) => e))).toBe('CLUSTER_AUTHORIZATION_FAILED');
      await admin.createAcls({ acl: [allow(AclResourceTypes.CLUSTER, 'kafka-cluster', 'User:dave', AclOperationTypes.IDEMPOTENT_WRITE)] });
      await producer.connect();
      expect(causeType(await producer.transaction().catch((e: unknown) => e))).toBe('TRANSACTIONAL_ID_AUTHORIZATION_FAILED');
    } finally {
      await producer.disconnect();
    }
  });
});
