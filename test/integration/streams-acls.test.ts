// A Streams application on a broker with its authorizer on, holding exactly the ACL set
// docs/security.md documents (Kafka's for Streams applications): READ on the input topic, WRITE
// on the output topic, ALL on topics PREFIXED with the application id (repartition and changelog
// topics), READ on its group, and under exactly-once WRITE/DESCRIBE on transactional ids PREFIXED
// with the application id plus IDEMPOTENT_WRITE on the cluster. Word count (a repartition topic
// and a changelog) runs to the TopologyTestDriver's table.
//
// Principals come from the test-only principalOf hook: the application's clients (client ids
// `<application.id>-…`) are User:<application.id>; the test's own client is the super user.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { INPUT_TOPIC, OUTPUT_TOPIC, buildTopology } from '../../examples/word-count/topology.ts';
import { WireCluster } from '../../src/client/cluster.ts';
import { ResourceType as Res, createAcls, describeAcls, type AclBinding } from '../../src/client/acl-admin.ts';
import { streamsAclSet } from './streams-acl-set.ts';
import { StreamsBuilder } from '../../src/streams/dsl/streams-builder.ts';
import { KafkaStreams } from '../../src/streams/runtime/kafka-streams.ts';
import { Serdes } from '../../src/streams/serde/serdes.ts';
import { startTestBroker, type TestBroker } from '../../src/testing/broker-harness.ts';
import { TopologyTestDriver } from '../../src/testing/topology-test-driver.ts';
import { StreamsIo, int64, lastValues, waitFor } from './streams-helpers.ts';

const APP = 'acl-app';
const silent = { warn: () => {}, error: () => {} };

/** The documented ACL set of a Streams application (docs/security.md), exactly-once included. */
const STREAMS_ACLS: readonly AclBinding[] = streamsAclSet(`User:${APP}`, APP, INPUT_TOPIC, OUTPUT_TOPIC);

const wordCount = () => {
  const b = new StreamsBuilder();
  buildTopology(b);
  return b.build();
};
const LINES = Array.from({ length: 60 }, (_, i) => ['kafka streams', 'acl broker', 'kafka acl'][i % 3]!);

describe('a Streams application under ACLs', () => {
  let broker: TestBroker;
  let io: StreamsIo;
  let admin: WireCluster;
  let dir: string;
  let app: KafkaStreams | undefined;

  beforeEach(async () => {
    broker = await startTestBroker({
      authorizer: { enabled: true, superUsers: ['User:admin'] },
      deps: { principalOf: ({ clientId }) => (clientId?.startsWith(`${APP}-`) === true ? `User:${APP}` : 'User:admin') },
    });
    io = new StreamsIo(broker.bootstrap);
    admin = new WireCluster({ bootstrap: broker.bootstrap, clientId: 'admin' });
    dir = mkdtempSync(join(tmpdir(), 'tributary-streams-acl-'));
    await io.createTopic(INPUT_TOPIC, 2);
    await io.createTopic(OUTPUT_TOPIC, 2);
    await io.produce(INPUT_TOPIC, LINES.map((value, i) => ({ key: null, value, timestamp: 1000 + i, partition: i % 2 })));
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
    admin.close();
    io.close();
    await broker.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const start = async (): Promise<KafkaStreams> => {
    app = new KafkaStreams(wordCount(), {
      applicationId: APP,
      bootstrapServers: broker.bootstrap,
      stateDir: dir,
      processingGuarantee: 'exactly_once_v2',
      cacheMaxBytes: 0,
      sessionTimeoutMs: 6000,
      heartbeatIntervalMs: 500,
      logger: silent,
    });
    await app.start();
    return app;
  };

  it('runs word count under exactly-once with the documented ACL set', async () => {
    await createAcls(admin, STREAMS_ACLS);
    expect(await describeAcls(admin)).toHaveLength(STREAMS_ACLS.length);
    const driver = await TopologyTestDriver.create(wordCount(), { cacheMaxBytes: 0 });
    const input = driver.createInputTopic(INPUT_TOPIC, Serdes.string(), Serdes.string());
    LINES.forEach((line, i) => input.pipeInput(null, line, 1000 + i));
    const expected = new Map([...driver.createOutputTopic(OUTPUT_TOPIC, Serdes.string(), Serdes.int64()).readKeyValuesToMap()].map(([k, v]) => [k, BigInt(v as number | bigint)]));
    await driver.close();

    const streams = await start();
    await waitFor(async () => {
      const got = lastValues(await io.readAll(OUTPUT_TOPIC, { readCommitted: true }), int64);
      return got.size === expected.size && [...expected].every(([k, v]) => got.get(k) === v);
    }, 'word counts equal to the driver');
    expect(streams.state).toBe('RUNNING');
  }, 60_000);

  it('without READ on its group the application goes to ERROR with GROUP_AUTHORIZATION_FAILED, as Kafka Streams', async () => {
    await createAcls(admin, STREAMS_ACLS.filter((b) => b.resourceType !== Res.GROUP));
    const errors: string[] = [];
    app = new KafkaStreams(wordCount(), {
      applicationId: APP,
      bootstrapServers: broker.bootstrap,
      stateDir: dir,
      cacheMaxBytes: 0,
      logger: { warn: (m: string) => errors.push(m), error: (m: string) => errors.push(m) },
    });
    await app.start();
    const streams = app;
    await waitFor(() => streams.state === 'ERROR', () => `state ERROR (now ${streams.state}):\n${errors.join('\n')}`);
    expect(errors.join('\n')).toMatch(/GROUP_AUTHORIZATION_FAILED/);
  }, 60_000);
});
