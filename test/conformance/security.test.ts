// Real clients against a secured broker: kcat (librdkafka 2.0.2), kafka-python 2.0.2,
// confluent-kafka 1.7.0 and kafkajs produce and consume over SASL_SSL with SCRAM-SHA-256 and
// SCRAM-SHA-512 and over SASL_PLAINTEXT with PLAIN; a wrong password is refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kafka, logLevel, type SASLOptions } from 'kafkajs';
import { kcat, python } from './helpers/clients.ts';
import { ALICE, BOB, startSecuredBroker, type SecuredBroker } from '../broker/security/secured-broker.ts';

let sb: SecuredBroker;
beforeAll(async () => {
  sb = await startSecuredBroker({ autoCreateTopics: true });
});
afterAll(async () => {
  await sb?.stop();
});

type Case = { protocol: 'SASL_SSL' | 'SASL_PLAINTEXT'; mechanism: 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512' };
const CASES: Case[] = [
  { protocol: 'SASL_SSL', mechanism: 'SCRAM-SHA-256' },
  { protocol: 'SASL_SSL', mechanism: 'SCRAM-SHA-512' },
  { protocol: 'SASL_PLAINTEXT', mechanism: 'PLAIN' },
];
const user = (c: Case) => (c.mechanism === 'SCRAM-SHA-256' ? ALICE : BOB);
const topicFor = (client: string, c: Case) => `sec-${client}-${c.protocol}-${c.mechanism}`.toLowerCase();

function kcatArgs(c: Case, password: string = user(c).password): string[] {
  return [
    '-X', `security.protocol=${c.protocol}`,
    '-X', `sasl.mechanisms=${c.mechanism}`,
    '-X', `sasl.username=${user(c).username}`,
    '-X', `sasl.password=${password}`,
    ...(c.protocol === 'SASL_SSL' ? ['-X', `ssl.ca.location=${sb.certs.caFile}`] : []),
  ];
}

describe('kcat (librdkafka)', () => {
  it.each(CASES)('$protocol + $mechanism: produce and consume', async (c) => {
    const topic = topicFor('kcat', c);
    await kcat(sb.address(c.protocol), ['-P', '-t', topic, '-p', '0', ...kcatArgs(c)], { input: 'a\nb\nc\n' });
    const res = await kcat(sb.address(c.protocol), ['-C', '-t', topic, '-o', 'beginning', '-e', '-f', '%s\n', ...kcatArgs(c)]);
    expect(res.stdout.trim().split('\n')).toEqual(['a', 'b', 'c']);
  });

  it('a wrong password: authentication failure, nothing served', async () => {
    const c = CASES[0] as Case;
    const res = await kcat(sb.address(c.protocol), ['-L', '-m', '5', ...kcatArgs(c, 'wrong-password-x')], { allowFailure: true });
    expect(res.code).not.toBe(0);
    expect(res.stderr).toMatch(/Authentication failed|SASL authentication error/i);
  });
});

describe.each(['kafka-python', 'confluent'] as const)('%s', (client) => {
  it.each(CASES)('$protocol + $mechanism: produce and consume', async (c) => {
    const topic = topicFor(client, c);
    const args = [client, sb.address(c.protocol), topic, '3', c.protocol, c.mechanism, user(c).username, user(c).password];
    if (c.protocol === 'SASL_SSL') args.push(sb.certs.caFile);
    const [out] = await python<{ produced?: number; consumed?: string[]; error?: string }>('secure_roundtrip.py', args);
    expect(out).toEqual({ produced: 3, consumed: ['m0', 'm1', 'm2'] });
  });

  it('a wrong password is an authentication error', async () => {
    const c = CASES[0] as Case;
    const args = [client, sb.address(c.protocol), 'sec-denied', '1', c.protocol, c.mechanism, user(c).username, 'wrong-password-x', sb.certs.caFile];
    const [out] = await python<{ error?: string }>('secure_roundtrip.py', args, { timeoutMs: 60_000 });
    // kafka-python reports a failed bootstrap authentication as NoBrokersAvailable.
    expect(out?.error).toMatch(client === 'confluent' ? /Authentication/ : /NoBrokersAvailable/);
  });
});

describe('kafkajs', () => {
  const kafka = (c: Case, password: string = user(c).password) =>
    new Kafka({
      clientId: 'kafkajs-secure',
      brokers: [sb.address(c.protocol)],
      logLevel: logLevel.NOTHING,
      retry: { retries: 1 },
      ssl: c.protocol === 'SASL_SSL' ? { ca: [sb.certs.ca] } : false,
      sasl: { mechanism: c.mechanism.toLowerCase(), username: user(c).username, password } as SASLOptions,
    });

  it.each(CASES)('$protocol + $mechanism: produce and consume', async (c) => {
    const topic = topicFor('kafkajs', c);
    const k = kafka(c);
    const admin = k.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] });
    await admin.disconnect();
    const producer = k.producer();
    await producer.connect();
    await producer.send({ topic, messages: [{ value: 'x' }, { value: 'y' }] });
    await producer.disconnect();
    const consumer = k.consumer({ groupId: `g-${topic}` });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const seen: string[] = [];
    await new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: async ({ message }) => {
          seen.push(String(message.value));
          if (seen.length === 2) resolve();
        },
      });
    });
    await consumer.disconnect();
    expect(seen).toEqual(['x', 'y']);
  });

  it('a wrong password is refused with SASL_AUTHENTICATION_FAILED', async () => {
    const admin = kafka(CASES[0] as Case, 'wrong-password-x').admin();
    await expect(admin.connect()).rejects.toMatchObject({ name: 'KafkaJSSASLAuthenticationError' });
    await admin.disconnect();
  });
});
