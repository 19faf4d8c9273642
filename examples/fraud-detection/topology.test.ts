// Driver test of the fraud-detection example: the no-recent-login rule (a windowed left join)
// and the too-many-payments rule (a windowed count), through the TopologyTestDriver.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { StreamsBuilder } from 'tributary';
import { TopologyTestDriver } from 'tributary/testing';
import {
  ALERTS_TOPIC,
  COUNT_WINDOW_MS,
  HIGH_RISK_TOPIC,
  LOGINS_TOPIC,
  LOGIN_GRACE_MS,
  PAYMENTS_TOPIC,
  SUSPICIOUS_TOPIC,
  buildTopology,
  serdes,
  type Payment,
} from './topology.ts';
import { fetchScore, startScoringService, type ScoringService } from './scoring-service.ts';

const MIN = 60_000;
let driver: TopologyTestDriver | undefined;
let service: ScoringService;
beforeAll(async () => {
  service = await startScoringService();
});
afterAll(() => service.close());
afterEach(async () => {
  await driver?.close();
  driver = undefined;
});

async function start() {
  const b = new StreamsBuilder();
  buildTopology(b, (cardId, p, signal) => fetchScore(service.url, { cardId, amount: p.amount, merchant: p.merchant }, signal));
  driver = await TopologyTestDriver.create(b.build(), { applicationId: 'fraud', logger: { warn() {}, error() {} } });
  const d = driver;
  return {
    payments: d.createInputTopic(PAYMENTS_TOPIC, serdes.card, serdes.payment),
    logins: d.createInputTopic(LOGINS_TOPIC, serdes.card, serdes.login),
    suspicious: () => d.createOutputTopic(SUSPICIOUS_TOPIC, serdes.card, serdes.suspicious).readRecordsToList().map((r) => [r.key, r.value.paymentId, r.timestamp]),
    alerts: () => d.createOutputTopic(ALERTS_TOPIC, serdes.card, serdes.alert).readKeyValuesToList(),
    highRisk: () => d.createOutputTopic(HIGH_RISK_TOPIC, serdes.card, serdes.scored).readKeyValuesToList().map((r) => [r.key, r.value.paymentId, r.value.score]),
    settle: () => d.settle(),
  };
}

const pay = (id: string, amount = 10): Payment => ({ paymentId: id, amount, merchant: 'shop' });
const T0 = 1_700_000_400_000; // aligned to 10 minutes

describe('fraud-detection topology', () => {
  it('flags a payment with no login of the same card in the 5 minutes before it, once its window closes', async () => {
    const t = await start();
    t.logins.pipeInput('card-1', { device: 'phone' }, T0);
    t.payments.pipeInput('card-1', pay('p1'), T0 + 4 * MIN); // login 4 min before: fine
    t.payments.pipeInput('card-2', pay('p2'), T0 + 4 * MIN); // card-2 never logged in
    expect(t.suspicious()).toEqual([]); // p2's window is still open (grace)
    t.payments.pipeInput('card-1', pay('p3'), T0 + 6 * MIN); // login 6 min before: too old
    // Stream time (6 min) is past p2's window end + grace (4 min + 30 s): p2 is flagged now.
    expect(t.suspicious()).toEqual([['card-2', 'p2', T0 + 4 * MIN]]);
    // A payment of another card moves stream time; p3 closes only strictly after 6 min + 30 s.
    t.payments.pipeInput('card-9', pay('p4'), T0 + 6 * MIN + LOGIN_GRACE_MS);
    expect(t.suspicious()).toEqual([]);
    t.payments.pipeInput('card-9', pay('p5'), T0 + 6 * MIN + LOGIN_GRACE_MS + 1);
    expect(t.suspicious()).toEqual([['card-1', 'p3', T0 + 6 * MIN]]);
  });

  it('a login that arrives late but within the grace period still clears the payment', async () => {
    const t = await start();
    t.payments.pipeInput('card-1', pay('p1'), T0 + MIN);
    t.payments.pipeInput('card-3', pay('p2'), T0 + MIN + 10_000); // stream time moves on a little
    t.logins.pipeInput('card-1', { device: 'phone' }, T0); // late, out of order
    t.logins.pipeInput('card-9', { device: 'x' }, T0 + 10 * MIN); // close every window
    expect(t.suspicious()).toEqual([['card-3', 'p2', T0 + MIN + 10_000]]);
  });

  it('a login AFTER the payment does not count as a recent login', async () => {
    const t = await start();
    t.payments.pipeInput('card-1', pay('p1'), T0);
    t.logins.pipeInput('card-1', { device: 'phone' }, T0 + 1000);
    t.logins.pipeInput('card-9', { device: 'x' }, T0 + 10 * MIN);
    expect(t.suspicious()).toEqual([['card-1', 'p1', T0]]);
  });

  it('raises one alert when a card makes more than 3 payments in a 10-minute window', async () => {
    const t = await start();
    for (let i = 0; i < 6; i++) t.payments.pipeInput('card-1', pay(`a${i}`), T0 + i * MIN);
    for (let i = 0; i < 3; i++) t.payments.pipeInput('card-2', pay(`b${i}`), T0 + i * MIN);
    // The next window starts over.
    for (let i = 0; i < 4; i++) t.payments.pipeInput('card-2', pay(`c${i}`), T0 + COUNT_WINDOW_MS + i * MIN);
    expect(t.alerts()).toEqual([
      { key: 'card-1', value: { cardId: 'card-1', windowStart: T0, windowEnd: T0 + COUNT_WINDOW_MS, payments: 4 } },
      { key: 'card-2', value: { cardId: 'card-2', windowStart: T0 + COUNT_WINDOW_MS, windowEnd: T0 + 2 * COUNT_WINDOW_MS, payments: 4 } },
    ]);
  });

  it('flags payments the scoring service (HTTP, in process) rates at 0.8 or more, in payment order', async () => {
    const t = await start();
    t.payments.pipeInput('card-1', { paymentId: 'p1', amount: 900, merchant: 'books' }, T0);
    t.payments.pipeInput('card-2', { paymentId: 'p2', amount: 600, merchant: 'electronics' }, T0 + 1);
    t.payments.pipeInput('card-3', { paymentId: 'p3', amount: 100, merchant: 'electronics' }, T0 + 2);
    t.payments.pipeInput('card-1', { paymentId: 'p4', amount: 1200, merchant: 'coffee' }, T0 + 3);
    expect(t.highRisk()).toEqual([]); // the calls are still in flight
    await t.settle();
    expect(t.highRisk()).toEqual([
      ['card-1', 'p1', 0.9],
      ['card-2', 'p2', 0.9],
      ['card-1', 'p4', 1],
    ]);
  });
});
