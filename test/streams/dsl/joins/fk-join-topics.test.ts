// The topic names a foreign-key join hands its serdes, against the names Kafka Streams' code
// uses (apache/kafka KTableImpl.doJoinOnForeignKey: decoratePseudoTopic(subscriptionTopicName +
// "-pk" | "-fk" | "-vh") for SubscriptionWrapperSerde, CombinedKeySchema,
// SubscriptionSendProcessorSupplier and ResponseJoinProcessorSupplier; the sinks and sources of
// the two internal topics with the topics' real names). A topic-aware serde (a schema registry's)
// therefore sees the same subjects as in a Java application.
import { afterEach, describe, expect, it } from 'vitest';
import { StreamsBuilder } from '../../../../src/streams/dsl/streams-builder.ts';
import { Consumed } from '../../../../src/streams/dsl/options/consumed.ts';
import { Produced } from '../../../../src/streams/dsl/options/produced.ts';
import { TableJoined } from '../../../../src/streams/dsl/options/table-joined.ts';
import type { Serde } from '../../../../src/streams/serde/serde.ts';
import { Serdes } from '../../../../src/streams/serde/serdes.ts';
import { TopologyTestDriver } from '../../../../src/testing/topology-test-driver.ts';
import { fkPseudoTopics } from '../../../../src/streams/dsl/joins/fk-join-topics.ts';
import { quiet } from './stream-join-harness.ts';

const S = Serdes.string();

/** A string serde that records every topic it is called with. */
function recording(name: string): Serde<string> & { readonly topics: Set<string> } {
  const topics = new Set<string>();
  return {
    name,
    topics,
    serialize(topic, v) {
      topics.add(topic);
      return S.serialize(topic, v);
    },
    deserialize(topic, b) {
      topics.add(topic);
      return S.deserialize(topic, b);
    },
  };
}

let driver: TopologyTestDriver | undefined;
afterEach(async () => {
  await driver?.close();
  driver = undefined;
});

async function run(tableJoined: TableJoined<string, string> | undefined) {
  const leftKey = recording('leftKey');
  const leftValue = recording('leftValue');
  const rightKey = recording('rightKey');
  const rightValue = recording('rightValue');
  const b = new StreamsBuilder();
  const left = b.table('L', Consumed.with(leftKey, leftValue));
  const right = b.table('R', Consumed.with(rightKey, rightValue));
  left.join(right, (v) => v.split('|')[1]!, (a, c) => `(${a},${c})`, tableJoined).toStream().to('out', Produced.with(S, S));
  const t = b.build();
  const [registration, response] = [...t.internalTopics().keys()] as [string, string];
  driver = await TopologyTestDriver.create(t, { applicationId: 'app', logger: quiet });
  const l = driver.createInputTopic('L', S, S);
  const r = driver.createInputTopic('R', S, S);
  r.pipeInput('r1', 'R1', 1);
  l.pipeInput('l1', 'a|r1', 2);
  l.pipeInput('l1', 'b|r2', 3); // the foreign key changes: an unsubscribe and a subscribe
  r.pipeInput('r2', 'R2', 4); // answers through a prefix scan of the subscription store
  l.pipeInput('l1', null, 5);
  expect(driver.createOutputTopic('out', S, S).readKeyValuesToList()).toEqual([
    { key: 'l1', value: '(a|r1,R1)' },
    { key: 'l1', value: null }, // r2 has no row yet
    { key: 'l1', value: '(b|r2,R2)' },
    { key: 'l1', value: null },
  ]);
  return { registration, response, leftKey, leftValue, rightKey, rightValue };
}

describe('foreign-key join serdes see Kafka topic names', () => {
  it.each([
    ['generated names', undefined, 'KTABLE-FK-JOIN-SUBSCRIPTION-REGISTRATION-0000000006-topic'],
    ['TableJoined.as("fk")', TableJoined.as<string, string>('fk'), 'fk-subscription-registration-topic'],
  ] as const)('%s', async (_what, tableJoined, registrationName) => {
    const seen = await run(tableJoined);
    expect(seen.registration).toBe(registrationName);
    const pk = `app-${registrationName}-pk`;
    const fk = `app-${registrationName}-fk`;
    const vh = `app-${registrationName}-vh`;
    expect(fkPseudoTopics('app', registrationName)).toEqual({ primaryKey: pk, foreignKey: fk, valueHash: vh });
    // Each table's own store sees its changelog's name, as in Kafka (MeteredKeyValueStore); the
    // join's serde calls are the rest.
    const join = (set: Set<string>) => [...set].filter((t) => !/^app-[LR]-STATE-STORE-\d{10}-changelog$/.test(t)).sort();
    // Left key: its source, the "-pk" pseudo-topic (inside subscriptions and store keys) and the
    // response topic's key.
    expect(join(seen.leftKey.topics)).toEqual(['L', pk, `app-${seen.response}`].sort());
    // Right key: its source, the registration topic's key and the "-fk" pseudo-topic (store keys,
    // comparing an old and a new foreign key).
    expect(join(seen.rightKey.topics)).toEqual(['R', fk, `app-${seen.registration}`].sort());
    // Left value: its source and the "-vh" pseudo-topic (hashing, in the send processor and the resolver).
    expect(join(seen.leftValue.topics)).toEqual(['L', vh].sort());
    // Right value: its source and the response topic (the foreign value inside a response).
    expect(join(seen.rightValue.topics)).toEqual(['R', `app-${seen.response}`].sort());
  });
});
