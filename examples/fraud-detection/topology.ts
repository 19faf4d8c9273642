/*
 * Fraud detection — two rules over card payments, each a Kafka Streams classic:
 *
 *  1. "No recent login" (a windowed LEFT join): every payment is joined with the logins of the
 *     same card in the 5 minutes before it (JoinWindows before = 5 min, after = 0, 30 s grace for
 *     late logins). A payment that found no login is suspicious and goes to
 *     `suspicious-payments` — emitted once its join window has closed (stream time past the
 *     payment time + grace), never as a premature "no match" (Kafka 3.x's spurious-result fix).
 *
 *       payments ─┐
 *                 ├─ leftJoin(within 5 min before) ─ filter(no login) ─▶ suspicious-payments
 *       logins ───┘
 *
 *  2. "Too many payments" (a windowed count): payments per card in 10-minute tumbling windows;
 *     when a window's count first exceeds the limit (3), one alert goes to `card-alerts`.
 *
 *       payments ─ groupByKey ─ windowedBy(10 min) ─ count ─ filter(count = limit + 1) ─▶ card-alerts
 *
 *  3. "High risk score" (an async operator): every payment is scored by a remote scoring
 *     service over HTTP (mapValuesAsync: up to 16 calls in flight per task, output in input
 *     order, 2 s timeout, 2 retries); payments scoring at least 0.8 go to `high-risk-payments`.
 *     Offsets are committed only up to the first payment still being scored.
 *
 *       payments ─ mapValuesAsync(score over HTTP) ─ filter(score ≥ 0.8) ─▶ high-risk-payments
 *
 * Keys are card ids on every topic, so both rules are co-partitioned on the card and need no
 * repartition. Values are JSON validated with zod on the way in.
 */
import { z } from 'zod';
import { Consumed, Grouped, JoinWindows, Produced, Serdes, StreamJoined, type StreamsBuilder, TimeWindows } from 'tributary';

export const PAYMENTS_TOPIC = 'payments';
export const LOGINS_TOPIC = 'logins';
export const SUSPICIOUS_TOPIC = 'suspicious-payments';
export const ALERTS_TOPIC = 'card-alerts';
export const HIGH_RISK_TOPIC = 'high-risk-payments';
export const HIGH_RISK_SCORE = 0.8;

export const LOGIN_WINDOW_MS = 5 * 60_000;
export const LOGIN_GRACE_MS = 30_000;
export const COUNT_WINDOW_MS = 10 * 60_000;
export const PAYMENT_LIMIT = 3;

export const Payment = z.object({ paymentId: z.string(), amount: z.number(), merchant: z.string() });
export const Login = z.object({ device: z.string() });
export type Payment = z.output<typeof Payment>;
export type Login = z.output<typeof Login>;

export interface SuspiciousPayment extends Payment {
  readonly cardId: string;
  readonly reason: 'no-login-within-5-minutes';
}

export interface CardAlert {
  readonly cardId: string;
  readonly windowStart: number;
  readonly windowEnd: number;
  readonly payments: number;
}

export interface ScoredPayment extends Payment {
  readonly cardId: string;
  readonly score: number;
}

/** Scores a payment (the example calls its HTTP scoring service); `signal` fires on the operator's timeout. */
export type RiskScorer = (cardId: string, payment: Payment, signal: AbortSignal) => Promise<number>;

export const serdes = {
  card: Serdes.string(),
  payment: Serdes.json(Payment),
  login: Serdes.json(Login),
  suspicious: Serdes.json<SuspiciousPayment>(),
  alert: Serdes.json<CardAlert>(),
  scored: Serdes.json<ScoredPayment>(),
};

export function buildTopology(builder: StreamsBuilder, scorer: RiskScorer): void {
  const payments = builder.stream(PAYMENTS_TOPIC, Consumed.with(serdes.card, serdes.payment));
  const logins = builder.stream(LOGINS_TOPIC, Consumed.with(serdes.card, serdes.login));

  // Rule 1: a login of the same card in [payment − 5 min, payment].
  const window = JoinWindows.ofTimeDifferenceAndGrace(LOGIN_WINDOW_MS, LOGIN_GRACE_MS).after(0);
  payments
    .leftJoin(logins, (payment, login, cardId) => ({ payment, login, cardId }), window, StreamJoined.with(serdes.card, serdes.payment, serdes.login).withName('payment-login-join'))
    .filter((_card, joined) => joined.login === null)
    .mapValues(({ payment, cardId }): SuspiciousPayment => ({ ...payment, cardId, reason: 'no-login-within-5-minutes' }))
    .to(SUSPICIOUS_TOPIC, Produced.with(serdes.card, serdes.suspicious));

  // Rule 2: more than PAYMENT_LIMIT payments of one card in a 10-minute window.
  payments
    .groupByKey(Grouped.with(serdes.card, serdes.payment))
    .windowedBy(TimeWindows.ofSizeWithNoGrace(COUNT_WINDOW_MS))
    .count()
    .toStream()
    .filter((_windowed, count) => count === PAYMENT_LIMIT + 1)
    .map((windowed, count): readonly [string, CardAlert] => [
      windowed.key,
      { cardId: windowed.key, windowStart: windowed.window.start, windowEnd: windowed.window.end, payments: count },
    ])
    .to(ALERTS_TOPIC, Produced.with(serdes.card, serdes.alert));

  // Rule 3: the scoring service's verdict, without blocking the other records while it thinks.
  payments
    .mapValuesAsync(async (payment, cardId, signal): Promise<ScoredPayment> => ({ ...payment, cardId, score: await scorer(cardId, payment, signal) }), {
      name: 'score-payment',
      concurrency: 16,
      timeoutMs: 2000,
      retries: 2,
    })
    .filter((_card, scored) => scored.score >= HIGH_RISK_SCORE)
    .to(HIGH_RISK_TOPIC, Produced.with(serdes.card, serdes.scored));
}
