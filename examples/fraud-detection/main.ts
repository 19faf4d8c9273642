/*
 * Runs the fraud-detection topology on a small scripted day of card activity and prints the
 * suspicious payments and card alerts it produces.
 *
 * It replays a fixed script through the TopologyTestDriver (in-process, deterministic: the same
 * tasks, stores and timestamps as the runtime, no broker), so its output is reproducible;
 * to run it live, pass buildTopology to KafkaStreams as examples/word-count/main.ts does.
 *
 *   npx tsx examples/fraud-detection/main.ts
 */
import { StreamsBuilder } from '../../src/streams/dsl/streams-builder.ts';
import { TopologyTestDriver } from '../../src/testing/topology-test-driver.ts';
import { ALERTS_TOPIC, LOGINS_TOPIC, PAYMENTS_TOPIC, SUSPICIOUS_TOPIC, buildTopology, serdes } from './topology.ts';

const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 1, 9, 0, 0);

type Event = { at: number; kind: 'login'; card: string; device: string } | { at: number; kind: 'payment'; card: string; id: string; amount: number; merchant: string };

const SCRIPT: Event[] = [
  { at: T0, kind: 'login', card: 'card-alice', device: 'phone' },
  { at: T0 + 2 * MIN, kind: 'payment', card: 'card-alice', id: 'pay-1', amount: 12.5, merchant: 'coffee' },
  { at: T0 + 3 * MIN, kind: 'payment', card: 'card-bob', id: 'pay-2', amount: 980, merchant: 'electronics' },
  { at: T0 + 4 * MIN, kind: 'payment', card: 'card-mallory', id: 'pay-3', amount: 5, merchant: 'vending' },
  { at: T0 + 4 * MIN + 20_000, kind: 'payment', card: 'card-mallory', id: 'pay-4', amount: 5, merchant: 'vending' },
  { at: T0 + 4 * MIN + 40_000, kind: 'payment', card: 'card-mallory', id: 'pay-5', amount: 5, merchant: 'vending' },
  { at: T0 + 5 * MIN, kind: 'payment', card: 'card-mallory', id: 'pay-6', amount: 5, merchant: 'vending' },
  { at: T0 + 9 * MIN, kind: 'payment', card: 'card-alice', id: 'pay-7', amount: 40, merchant: 'books' },
  { at: T0 + 20 * MIN, kind: 'login', card: 'card-bob', device: 'laptop' },
];

async function main(): Promise<void> {
  const builder = new StreamsBuilder();
  buildTopology(builder);
  const topology = builder.build();
  console.log(topology.describe().toString());
  const driver = await TopologyTestDriver.create(topology, { applicationId: 'fraud-detection' });
  try {
    const payments = driver.createInputTopic(PAYMENTS_TOPIC, serdes.card, serdes.payment);
    const logins = driver.createInputTopic(LOGINS_TOPIC, serdes.card, serdes.login);
    for (const e of SCRIPT) {
      if (e.kind === 'login') logins.pipeInput(e.card, { device: e.device }, e.at);
      else payments.pipeInput(e.card, { paymentId: e.id, amount: e.amount, merchant: e.merchant }, e.at);
    }
    for (const r of driver.createOutputTopic(SUSPICIOUS_TOPIC, serdes.card, serdes.suspicious).readRecordsToList()) {
      console.log(`SUSPICIOUS ${new Date(r.timestamp).toISOString()} ${r.key} ${r.value.paymentId} ${r.value.amount} at ${r.value.merchant}: ${r.value.reason}`);
    }
    for (const { key, value } of driver.createOutputTopic(ALERTS_TOPIC, serdes.card, serdes.alert).readKeyValuesToList()) {
      console.log(`ALERT ${key}: ${value.payments} payments between ${new Date(value.windowStart).toISOString()} and ${new Date(value.windowEnd).toISOString()}`);
    }
  } finally {
    await driver.close();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
