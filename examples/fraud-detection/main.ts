/*
 * Runs the fraud-detection topology on a small scripted day of card activity and prints the
 * suspicious payments, card alerts and high-risk payments it produces. The scoring service that
 * rule 3 calls is started here, in this process, on 127.0.0.1 (scoring-service.ts).
 *
 *   npx tsx examples/fraud-detection/main.ts              live: embedded broker + KafkaStreams
 *   npx tsx examples/fraud-detection/main.ts --bootstrap 127.0.0.1:9092   live, existing broker
 *   npx tsx examples/fraud-detection/main.ts --replay     the script through the TopologyTestDriver
 */
import { StreamsBuilder } from 'tributary';
import { TopologyTestDriver } from 'tributary/testing';
import { runLive } from '../live.ts';
import { ALERTS_TOPIC, type CardAlert, HIGH_RISK_TOPIC, LOGINS_TOPIC, PAYMENTS_TOPIC, type RiskScorer, type ScoredPayment, SUSPICIOUS_TOPIC, type SuspiciousPayment, buildTopology, serdes } from './topology.ts';
import { fetchScore, startScoringService } from './scoring-service.ts';

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

const suspiciousLine = (timestamp: number, card: string, p: SuspiciousPayment) =>
  `SUSPICIOUS ${new Date(timestamp).toISOString()} ${card} ${p.paymentId} ${p.amount} at ${p.merchant}: ${p.reason}`;
const alertLine = (card: string, a: CardAlert) =>
  `ALERT ${card}: ${a.payments} payments between ${new Date(a.windowStart).toISOString()} and ${new Date(a.windowEnd).toISOString()}`;

const highRiskLine = (card: string, p: ScoredPayment) => `HIGH-RISK ${card} ${p.paymentId} ${p.amount} at ${p.merchant}: score ${p.score.toFixed(2)}`;

async function replay(scorer: RiskScorer): Promise<void> {
  const builder = new StreamsBuilder();
  buildTopology(builder, scorer);
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
    // Rule 3's scoring calls are in flight: wait for them and what follows from them.
    await driver.settle();
    for (const r of driver.createOutputTopic(SUSPICIOUS_TOPIC, serdes.card, serdes.suspicious).readRecordsToList()) console.log(suspiciousLine(r.timestamp, r.key, r.value));
    for (const { key, value } of driver.createOutputTopic(ALERTS_TOPIC, serdes.card, serdes.alert).readKeyValuesToList()) console.log(alertLine(key, value));
    for (const { key, value } of driver.createOutputTopic(HIGH_RISK_TOPIC, serdes.card, serdes.scored).readKeyValuesToList()) console.log(highRiskLine(key, value));
  } finally {
    await driver.close();
  }
}

async function live(scorer: RiskScorer): Promise<void> {
  const key = (topic: string, bytes: Buffer | null) => (bytes === null ? '' : serdes.card.deserialize(topic, bytes));
  await runLive({
    name: 'fraud-detection',
    buildTopology: (builder) => buildTopology(builder, scorer),
    topics: [PAYMENTS_TOPIC, LOGINS_TOPIC, SUSPICIOUS_TOPIC, ALERTS_TOPIC, HIGH_RISK_TOPIC],
    input: SCRIPT.map((e) => {
      const topic = e.kind === 'login' ? LOGINS_TOPIC : PAYMENTS_TOPIC;
      const value = e.kind === 'login'
        ? serdes.login.serialize(topic, { device: e.device })
        : serdes.payment.serialize(topic, { paymentId: e.id, amount: e.amount, merchant: e.merchant });
      return { topic, key: serdes.card.serialize(topic, e.card), value, timestamp: e.at, headers: {} };
    }),
    outputs: {
      [SUSPICIOUS_TOPIC]: (r) => r.value === null ? undefined : suspiciousLine(r.timestamp, key(SUSPICIOUS_TOPIC, r.key), serdes.suspicious.deserialize(SUSPICIOUS_TOPIC, r.value)),
      [ALERTS_TOPIC]: (r) => r.value === null ? undefined : alertLine(key(ALERTS_TOPIC, r.key), serdes.alert.deserialize(ALERTS_TOPIC, r.value)),
      [HIGH_RISK_TOPIC]: (r) => r.value === null ? undefined : highRiskLine(key(HIGH_RISK_TOPIC, r.key), serdes.scored.deserialize(HIGH_RISK_TOPIC, r.value)),
    },
  });
}

async function main(): Promise<void> {
  const service = await startScoringService();
  try {
    const scorer: RiskScorer = (cardId, p, signal) => fetchScore(service.url, { cardId, amount: p.amount, merchant: p.merchant }, signal);
    await (process.argv.includes('--replay') ? replay(scorer) : live(scorer));
  } finally {
    await service.close();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
