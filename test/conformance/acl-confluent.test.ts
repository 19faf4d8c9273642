/*
 * confluent-kafka-python 1.7.0 / librdkafka 2.0.2 against the bundled broker with its authorizer
 * on: the authorization errors its producer and consumer report. (That version has no ACL admin
 * API; the ACLs are created over the wire with the client's createAcls.) Principals come from the
 * test-only principalOf hook: client.id "alice" is User:alice, "admin" the super user.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startTestBroker, type TestBroker } from '../../src/testing/broker-harness.ts';
import { WireCluster } from '../../src/client/cluster.ts';
import { AclOperation, AclPermission, PatternType, ResourceType, createAcls } from '../../src/client/acl-admin.ts';
import { python } from './helpers/clients.ts';

interface Done {
  type: string;
  delivered?: number;
  errors: string[];
}

const allow = (resourceType: ResourceType, resourceName: string, principal: string, operation: AclOperation) => ({
  resourceType,
  resourceName,
  patternType: PatternType.LITERAL,
  principal,
  host: '*',
  operation,
  permission: AclPermission.ALLOW,
});

describe('confluent-kafka ACLs', () => {
  let tb: TestBroker;
  beforeAll(async () => {
    tb = await startTestBroker({
      authorizer: { enabled: true, superUsers: ['User:admin'] },
      deps: { principalOf: ({ clientId }) => `User:${clientId ?? 'ANONYMOUS'}` },
    });
    for (const name of ['ck-orders', 'ck-secret']) await tb.broker.topicManager.create({ name, numPartitions: 1, replicationFactor: 1, configs: [] });
    const cluster = new WireCluster({ bootstrap: tb.bootstrap, clientId: 'admin' });
    try {
      await createAcls(cluster, [
        allow(ResourceType.TOPIC, 'ck-orders', 'User:alice', AclOperation.WRITE),
        allow(ResourceType.TOPIC, 'ck-orders', 'User:carol', AclOperation.READ),
        allow(ResourceType.GROUP, 'ck-group', 'User:carol', AclOperation.DESCRIBE),
      ]);
    } finally {
      cluster.close();
    }
  });
  afterAll(async () => {
    await tb?.stop();
  });

  it('a producer allowed WRITE on one topic delivers there and gets TOPIC_AUTHORIZATION_FAILED elsewhere', async () => {
    const ok = await python<Done>('confluent_acl.py', ['produce', tb.bootstrap, 'alice', 'ck-orders']);
    expect(ok.at(-1)).toEqual({ type: 'done', delivered: 3, errors: [] });
    expect(tb.broker.partitions.get('ck-orders', 0)!.logEndOffset).toBe(3);
    const refused = await python<Done>('confluent_acl.py', ['produce', tb.bootstrap, 'alice', 'ck-secret']);
    expect(refused.at(-1)).toMatchObject({ type: 'done', delivered: 0 });
    expect(refused.at(-1)!.errors).toContain('TOPIC_AUTHORIZATION_FAILED');
    expect(tb.broker.partitions.get('ck-secret', 0)!.logEndOffset).toBe(0);
  }, 60_000);

  it('a consumer without READ on its group gets GROUP_AUTHORIZATION_FAILED', async () => {
    const refused = await python<Done>('confluent_acl.py', ['consume', tb.bootstrap, 'carol', 'ck-orders', 'ck-group']);
    expect(refused.at(-1)!.errors).toContain('GROUP_AUTHORIZATION_FAILED');
  }, 60_000);
});
