// A KafkaStreams application (word count: two sub-topologies through a repartition topic, a
// changelog-backed store) runs end to end against a broker it reaches only over SASL_SSL with
// SCRAM-SHA-512: every connection the runtime opens — admin, producer, group consumer, its
// coordinator, restore consumer — authenticates, and Metadata steers them all to the SASL_SSL
// listener. Input is written and output read by a test client on the loopback PLAINTEXT listener.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { INPUT_TOPIC, OUTPUT_TOPIC, buildTopology } from '../../examples/word-count/topology.ts';
import { StreamsBuilder } from '../../src/streams/dsl/streams-builder.ts';
import { KafkaStreams } from '../../src/streams/runtime/kafka-streams.ts';
import { WireCluster } from '../../src/client/cluster.ts';
import { createAcls } from '../../src/client/acl-admin.ts';
import { ALICE, startSecuredBroker, type SecuredBroker } from '../broker/security/secured-broker.ts';
import { streamsAclSet } from './streams-acl-set.ts';
import { StreamsIo, int64, lastValues, waitFor } from './streams-helpers.ts';

let sb: SecuredBroker;
let io: StreamsIo;
let dir: string;
beforeAll(async () => {
  sb = await startSecuredBroker({ group: { initialRebalanceDelayMs: 0, minSessionTimeoutMs: 1000 } });
  io = new StreamsIo(sb.address('PLAINTEXT'));
  dir = mkdtempSync(join(tmpdir(), 'tributary-streams-sasl-'));
});
afterAll(async () => {
  io?.close();
  await sb?.stop();
  rmSync(dir, { recursive: true, force: true });
});

it('word count runs over SASL_SSL + SCRAM-SHA-512 and counts every word', async () => {
  await io.createTopic(INPUT_TOPIC, 2);
  await io.createTopic(OUTPUT_TOPIC, 2);
  const text = ['kafka streams', 'tributary streams', 'kafka kafka log'];
  await io.produce(INPUT_TOPIC, text.map((value, i) => ({ key: null, value, timestamp: 1000 + i, partition: i % 2 })));
  const b = new StreamsBuilder();
  buildTopology(b);
  const streams = new KafkaStreams(b.build(), {
    applicationId: 'sasl-ssl-app',
    bootstrapServers: sb.address('SASL_SSL'),
    stateDir: dir,
    commitIntervalMs: 100,
    sessionTimeoutMs: 6000,
    heartbeatIntervalMs: 500,
    logger: { warn: () => {}, error: () => {} },
    security: { protocol: 'SASL_SSL', tls: { ca: sb.certs.ca }, sasl: { mechanism: 'SCRAM-SHA-512', ...ALICE } },
  });
  try {
    await streams.start();
    const expected = new Map([
      ['kafka', 3n],
      ['streams', 2n],
      ['tributary', 1n],
      ['log', 1n],
    ]);
    await waitFor(async () => {
      const got = lastValues(await io.readAll(OUTPUT_TOPIC), int64);
      return got.size === expected.size && [...expected].every(([k, v]) => got.get(k) === v);
    }, 'word counts over SASL_SSL');
    expect(streams.state).toBe('RUNNING');
  } finally {
    await streams.close();
  }
}, 60_000);

// An unreachable cluster is transient (the thread retries with backoff), but a wrong password is
// not: as in Kafka Streams, the thread dies with the authentication error and the app goes to
// ERROR, with the error (never the password) in the log.
it('the same application with a wrong password goes to ERROR with an authentication error', async () => {
  const b = new StreamsBuilder();
  buildTopology(b);
  const errors: string[] = [];
  const streams = new KafkaStreams(b.build(), {
    applicationId: 'sasl-ssl-denied',
    bootstrapServers: sb.address('SASL_SSL'),
    stateDir: dir,
    logger: { warn: (m: string) => errors.push(m), error: (m: string) => errors.push(m) },
    security: { protocol: 'SASL_SSL', tls: { ca: sb.certs.ca }, sasl: { mechanism: 'SCRAM-SHA-512', username: ALICE.username, password: 'nope-nope' } },
  });
  try {
    await streams.start();
    await waitFor(() => streams.state === 'ERROR', () => `state ERROR (now ${streams.state})`);
    expect(errors.some((m) => /authentication/i.test(m)), errors.join('\n')).toBe(true);
    expect(errors.join('\n')).not.toContain('nope-nope');
  } finally {
    await streams.close();
  }
}, 60_000);

// The same application under exactly-once on a broker that authorizes every request: alice, over
// SASL_SSL, holds exactly the ACL set Kafka documents for a Streams application (the loopback
// PLAINTEXT listener's ANONYMOUS principal is the test's super user, to set up and read back).
it('word count runs over SASL_SSL under exactly-once with exactly the documented Streams ACLs', async () => {
  const secured = await startSecuredBroker({ group: { initialRebalanceDelayMs: 0, minSessionTimeoutMs: 1000 }, authorizer: { enabled: true, superUsers: ['User:ANONYMOUS'] } });
  const admin = new WireCluster({ bootstrap: secured.address('PLAINTEXT'), clientId: 'acl-admin' });
  const sio = new StreamsIo(secured.address('PLAINTEXT'));
  const appDir = mkdtempSync(join(tmpdir(), 'tributary-streams-sasl-acl-'));
  const app = 'sasl-acl-app';
  try {
    await sio.createTopic(INPUT_TOPIC, 2);
    await sio.createTopic(OUTPUT_TOPIC, 2);
    await createAcls(admin, streamsAclSet(`User:${ALICE.username}`, app, INPUT_TOPIC, OUTPUT_TOPIC));
    await sio.produce(INPUT_TOPIC, ['acl kafka', 'kafka'].map((value, i) => ({ key: null, value, timestamp: 1000 + i, partition: i % 2 })));
    const b = new StreamsBuilder();
    buildTopology(b);
    const streams = new KafkaStreams(b.build(), {
      applicationId: app,
      bootstrapServers: secured.address('SASL_SSL'),
      stateDir: appDir,
      processingGuarantee: 'exactly_once_v2',
      sessionTimeoutMs: 6000,
      heartbeatIntervalMs: 500,
      logger: { warn: () => {}, error: () => {} },
      security: { protocol: 'SASL_SSL', tls: { ca: secured.certs.ca }, sasl: { mechanism: 'SCRAM-SHA-512', ...ALICE } },
    });
    try {
      await streams.start();
      const expected = new Map([
        ['kafka', 2n],
        ['acl', 1n],
      ]);
      await waitFor(async () => {
        const got = lastValues(await sio.readAll(OUTPUT_TOPIC, { readCommitted: true }), int64);
        return got.size === expected.size && [...expected].every(([k, v]) => got.get(k) === v);
      }, () => `word counts over SASL_SSL with ACLs (state ${streams.state})`);
      expect(streams.state).toBe('RUNNING');
    } finally {
      await streams.close();
    }
  } finally {
    sio.close();
    admin.close();
    await secured.stop();
    rmSync(appDir, { recursive: true, force: true });
  }
}, 60_000);
