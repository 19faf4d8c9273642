// The TLS side-by-side's own broker (a real `tributary broker --config` process with PLAINTEXT,
// SSL and SASL_SSL listeners and an offline-created SCRAM user) driven by the benchmark's real
// client (confluent_bench.py, librdkafka): what the suite measures is really encrypted and
// authenticated — a wrong password fails the run instead of producing a figure.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTopic } from '../../../../benchmarks/lib/data-loader.ts';
import { startSecuredBenchBroker, type SecuredBenchBroker } from '../../../../benchmarks/peers/kafka/secured-broker.ts';
import { clientProperties } from '../../../../benchmarks/peers/kafka/security-suite.ts';
import { confluentRate } from '../../../../benchmarks/peers/kafka/txn-suite.ts';

const USER = { username: 'bench', password: 'bench-test-secret-3' };
let broker: SecuredBenchBroker;

beforeAll(async () => {
  broker = await startSecuredBenchBroker(USER);
});
afterAll(async () => {
  await broker?.stop();
});

it('listens on three distinct loopback ports, one per protocol', () => {
  const addrs = Object.values(broker.addresses);
  expect(new Set(addrs).size).toBe(3);
  for (const a of addrs) expect(a).toMatch(/^127\.0\.0\.1:\d+$/);
});

it('librdkafka produces over SASL_SSL and fetches the same records over SSL', async () => {
  await createTopic(broker.addresses.PLAINTEXT, 'sec-roundtrip', 1);
  const sasl = clientProperties('SASL_SSL', broker.caFile, USER);
  expect(sasl.join(' ')).not.toContain(USER.password);
  expect(await confluentRate([...sasl, 'produce', broker.addresses.SASL_SSL, 'sec-roundtrip', '2000', '100', '1'], 60_000)).toBeGreaterThan(0);
  const ssl = clientProperties('SSL', broker.caFile, USER);
  expect(await confluentRate([...ssl, 'consume', broker.addresses.SSL, 'sec-roundtrip', '2000'], 60_000)).toBeGreaterThan(0);
});

it('a wrong SCRAM password fails the measurement', async () => {
  await createTopic(broker.addresses.PLAINTEXT, 'sec-denied', 1);
  const props = clientProperties('SASL_SSL', broker.caFile, { username: USER.username, password: 'wrong-password-1' });
  await expect(confluentRate([...props, 'produce', broker.addresses.SASL_SSL, 'sec-denied', '10', '100', '1'], 60_000)).rejects.toThrow(/exited with code/);
});

it('a plaintext client on the SSL listener gets no figure', async () => {
  await createTopic(broker.addresses.PLAINTEXT, 'sec-plain-on-tls', 1);
  await expect(confluentRate(['produce', broker.addresses.SSL, 'sec-plain-on-tls', '10', '100', '1'], 60_000)).rejects.toThrow(/exited with code/);
});
