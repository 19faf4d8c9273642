import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StreamsBuilder } from '../../../src/streams/dsl/streams-builder.ts';
import { Consumed } from '../../../src/streams/dsl/options/consumed.ts';
import { Serdes } from '../../../src/streams/serde/serdes.ts';
import { Topology } from '../../../src/streams/topology/topology.ts';
import { InternalTopicType } from '../../../src/streams/topology/node-specs.ts';
import { buildTopology } from '../../../examples/word-count/topology.ts';
import { ensureInternalTopics, ensureInternalTopicsPlan, InternalTopicError, planInternalTopics } from '../../../src/streams/runtime/internal-topics.ts';
import { startTestBroker, type TestBroker } from '../../../src/testing/broker-harness.ts';
import { createClientFactory } from '../../../src/client/client-factory.ts';
import type { Admin } from '../../../src/client/types.ts';

function wordCount(): Topology {
  const b = new StreamsBuilder();
  buildTopology(b);
  return b.build();
}

const noop = () => ({ process: () => undefined });

/** raw ─▶ [rekeyed-repartition] ─┐
 *                      orders ──┴▶ join (co-partitioned) */
function joinTopology(explicit?: number): Topology {
  return new Topology()
    .addSource('raw-source', 'raw')
    .addProcessor('rekey', noop, 'raw-source')
    .addSink('to-rekeyed', 'rekeyed-repartition', {}, 'rekey')
    .addInternalTopic('rekeyed-repartition', InternalTopicType.REPARTITION, explicit)
    .addSource('rekeyed-source', 'rekeyed-repartition')
    .addSource('orders-source', 'orders')
    .addProcessor('join', noop, 'rekeyed-source', 'orders-source')
    .copartitionSources(['rekeyed-source', 'orders-source']);
}

describe('planInternalTopics', () => {
  it('sizes a repartition topic by its writers\' sources and the changelog by the task count', () => {
    const plan = planInternalTopics(wordCount(), 'app', new Map([['streams-plaintext-input', 5]]));
    expect(plan).toEqual([
      { topic: 'app-counts-store-repartition', kind: 'repartition', partitions: 5, configs: { 'cleanup.policy': 'delete' } },
      { topic: 'app-counts-store-changelog', kind: 'changelog', partitions: 5, configs: { 'cleanup.policy': 'compact' } },
    ]);
  });

  it('gives a co-partitioned repartition topic the count of the topic it is joined with', () => {
    const plan = planInternalTopics(joinTopology(), 'app', new Map([['raw', 5], ['orders', 3]]));
    expect(plan.find((p) => p.topic === 'app-rekeyed-repartition')!.partitions).toBe(3);
  });

  it('rejects joined topics whose counts differ, naming them', () => {
    expect(() => planInternalTopics(joinTopology(4), 'app', new Map([['raw', 5], ['orders', 3]]))).toThrow(/orders \(3 partitions\), app-rekeyed-repartition \(4 partitions\) are joined/);
  });

  it('sizes a foreign-key join\'s subscription and response topics, which feed each other (as Kafka\'s RepartitionTopics)', () => {
    const b = new StreamsBuilder();
    const S = Serdes.string();
    b.table('orders', Consumed.with(S, S)).join(b.table('customers', Consumed.with(S, S)), (v) => v, (o, c) => `${o}/${c}`).toStream().to('out');
    const plan = planInternalTopics(b.build(), 'app', new Map([['orders', 4], ['customers', 2]]));
    const repartition = plan.filter((p) => p.kind === 'repartition');
    expect(repartition.map((p) => p.topic).sort()).toEqual([
      'app-KTABLE-FK-JOIN-SUBSCRIPTION-REGISTRATION-0000000006-topic',
      'app-KTABLE-FK-JOIN-SUBSCRIPTION-RESPONSE-0000000014-topic',
    ]);
    // Co-partitioned as Kafka's KTableImpl declares them: registrations with the customers
    // table they are joined with, responses with the orders table they return to.
    expect(repartition.map((p) => [p.topic.includes('REGISTRATION') ? 'registration' : 'response', p.partitions]).sort()).toEqual([
      ['registration', 2],
      ['response', 4],
    ]);
  });

  it('rejects a missing source topic, naming it', () => {
    expect(() => planInternalTopics(wordCount(), 'app', new Map())).toThrow(/streams-plaintext-input.*do not exist/);
  });

  it('sizes the changelog of a pattern-fed stateful sub-topology by the matching topics, and waits while none matches', () => {
    const b = new StreamsBuilder();
    b.stream(/^clicks-/, Consumed.with(Serdes.string(), Serdes.string())).groupByKey().count();
    const topo = b.build();
    const [changelog] = planInternalTopics(topo, 'app', new Map([['clicks-a', 2], ['clicks-b', 3], ['views', 8]])).filter((p) => p.kind === 'changelog');
    expect(changelog?.partitions).toBe(3);
    // "Source topic(s)…" is the message the runtime treats as "not created yet": retried, not fatal.
    expect(() => planInternalTopics(topo, 'app', new Map([['views', 8]]))).toThrow(/^Source topic\(s\) matching \/\^clicks-\/ of application "app" do not exist yet/);
  });
});

describe('ensureInternalTopics (against a broker)', () => {
  let broker: TestBroker;
  let admin: Admin;
  beforeAll(async () => {
    broker = await startTestBroker();
    admin = createClientFactory({ bootstrapServers: [broker.bootstrap], clientId: 'it-test', logLevel: 'nothing' }).admin();
    await admin.connect();
  });
  afterAll(async () => {
    await admin?.disconnect();
    await broker?.stop();
  });

  it('creates missing internal topics, accepts them on the next start and rejects a wrong count', async () => {
    await admin.createTopics([{ topic: 'streams-plaintext-input', numPartitions: 3, replicationFactor: 1 }]);
    const plan = await ensureInternalTopicsPlan(admin, wordCount(), { applicationId: 'wc1', replicationFactor: 1 });
    expect(plan.map((p) => p.topic).sort()).toEqual(['wc1-counts-store-changelog', 'wc1-counts-store-repartition']);
    expect([...(await admin.describeTopics(['wc1-counts-store-changelog', 'wc1-counts-store-repartition']))].sort((a, b) => a.topic.localeCompare(b.topic))).toEqual([
      { topic: 'wc1-counts-store-changelog', partitions: 3 },
      { topic: 'wc1-counts-store-repartition', partitions: 3 },
    ]);
    await ensureInternalTopics(admin, wordCount(), { applicationId: 'wc1', replicationFactor: 1 });

    await admin.createTopics([{ topic: 'wc2-counts-store-changelog', numPartitions: 1, replicationFactor: 1 }]);
    const err = await ensureInternalTopics(admin, wordCount(), { applicationId: 'wc2', replicationFactor: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InternalTopicError);
    expect((err as Error).message).toMatch(/wc2-counts-store-changelog has 1 partitions, expected 3/);
  });
});
