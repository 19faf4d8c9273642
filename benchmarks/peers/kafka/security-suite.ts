/*
 * TLS and SASL_SSL side by side: librdkafka (benchmarks/clients/confluent_bench.py) producing and
 * fetching over PLAINTEXT, SSL and SASL_SSL (SCRAM-SHA-256) against the bundled broker and
 * against a running Apache Kafka broker, in interleaved rounds (interleaved.ts). PLAINTEXT runs
 * in the same round as the baseline, so the cost of TLS is a ratio per broker (the
 * `vsPlaintext` metrics), not a comparison across runs.
 *
 * Inputs (environment), all for the Kafka side; without KAFKA_BOOTSTRAP only the bundled broker
 * is measured:
 *   KAFKA_BOOTSTRAP          its PLAINTEXT listener (topics are created through it);
 *   KAFKA_SSL_BOOTSTRAP      its SSL listener;
 *   KAFKA_SASL_SSL_BOOTSTRAP its SASL_SSL listener, sasl.enabled.mechanisms=SCRAM-SHA-256;
 *   KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD  a SCRAM-SHA-256 user there (the bundled broker gets
 *                            the same user; default bench / a random password);
 *   BENCH_SSL_PEM, BENCH_SSL_CA  the key + certificate chain (PEM) the Kafka broker's keystore
 *                            was made from, and its CA: the bundled broker serves the same
 *                            certificate. Without them a fresh one is made with openssl.
 *
 * Per round and broker, for each protocol P in PLAINTEXT, SSL, SASL_SSL, on fresh 1-partition
 * topics: produce N × 100 B (acks=1), produce N/2 × 1 KiB (acks=1), then fetch each back
 * (read from the start, no group). N = --records, default 200 000.
 */
import { randomBytes } from 'node:crypto';
import type { WorkloadResult } from '../../lib/results.ts';
import { createTopic } from '../../lib/data-loader.ts';
import { failedResult, type Suite, type SuiteOptions } from '../../lib/suite.ts';
import { medianRatio, peerRow, runInterleaved, type PeerSamples, type PeerSide, type Side } from './interleaved.ts';
import { SECURITY_PROTOCOLS, startSecuredBenchBroker, type Credentials, type SecurityProtocol } from './secured-broker.ts';
import { confluentRate } from './txn-suite.ts';

const DEFAULT_RECORDS = 200_000;
const DEFAULT_RUNS = 3;
const SIZES = [
  { bytes: 100, label: '100b', share: 1 },
  { bytes: 1024, label: '1kib', share: 0.5 },
] as const;

const slug = (p: SecurityProtocol): string => p.toLowerCase().replace('_', '-');
export const securityWorkload = (p: SecurityProtocol, op: 'produce' | 'fetch', sizeLabel: string): string => `peer-kafka-${slug(p)}-${op}-${sizeLabel}`;

const WORKLOADS = SECURITY_PROTOCOLS.flatMap((p) => SIZES.flatMap((s) => [securityWorkload(p, 'produce', s.label), securityWorkload(p, 'fetch', s.label)]));

/** librdkafka properties (confluent_bench.py -X pairs) for one protocol. */
export function clientProperties(protocol: SecurityProtocol, caFile: string, user: Credentials): string[] {
  if (protocol === 'PLAINTEXT') return [];
  const tls = ['-X', `security.protocol=${protocol}`, '-X', `ssl.ca.location=${caFile}`];
  if (protocol === 'SSL') return tls;
  // The password goes through the environment (env:NAME), never on the client's command line.
  process.env.BENCH_SASL_PASSWORD = user.password;
  return [...tls, '-X', 'sasl.mechanism=SCRAM-SHA-256', '-X', `sasl.username=${user.username}`, '-X', 'sasl.password=env:BENCH_SASL_PASSWORD'];
}

interface Endpoints {
  readonly addresses: Readonly<Record<SecurityProtocol, string>>;
  readonly caFile: string;
}

function securitySide(side: Side, at: Endpoints, user: Credentials, records: number, timeoutMs: number): PeerSide {
  return {
    side,
    async measure(round, time) {
      for (const protocol of SECURITY_PROTOCOLS) {
        const address = at.addresses[protocol];
        const props = clientProperties(protocol, at.caFile, user);
        for (const size of SIZES) {
          const n = String(Math.round(records * size.share));
          const topic = `peer-sec-${round}-${slug(protocol)}-${size.label}-${Date.now()}`;
          await createTopic(at.addresses.PLAINTEXT, topic, 1);
          await time(securityWorkload(protocol, 'produce', size.label), () => confluentRate([...props, 'produce', address, topic, n, String(size.bytes), '1'], timeoutMs));
          await time(securityWorkload(protocol, 'fetch', size.label), () => confluentRate([...props, 'consume', address, topic, n], timeoutMs));
        }
      }
    },
  };
}

/** The Kafka side's endpoints from the environment, or why it cannot be measured. */
function kafkaEndpoints(caFile: string | undefined): Endpoints | string | undefined {
  const env = process.env;
  if (env.KAFKA_BOOTSTRAP === undefined) return undefined;
  const missing = ['KAFKA_SSL_BOOTSTRAP', 'KAFKA_SASL_SSL_BOOTSTRAP', 'KAFKA_SASL_USERNAME', 'KAFKA_SASL_PASSWORD', 'BENCH_SSL_PEM', 'BENCH_SSL_CA'].filter((k) => !env[k]);
  if (missing.length > 0 || caFile === undefined) return `KAFKA_BOOTSTRAP is set but ${missing.join(', ')} not`;
  return { addresses: { PLAINTEXT: env.KAFKA_BOOTSTRAP, SSL: env.KAFKA_SSL_BOOTSTRAP!, SASL_SSL: env.KAFKA_SASL_SSL_BOOTSTRAP! }, caFile };
}

/** Adds, to each SSL / SASL_SSL row, the median per-round ratio to PLAINTEXT on each broker. */
function withTlsCost(row: WorkloadResult, samples: PeerSamples): WorkloadResult {
  const base = row.workload.replace(/^peer-kafka-(ssl|sasl-ssl)-/, 'peer-kafka-plaintext-');
  if (base === row.workload) return row;
  const metrics: Record<string, number> = { ...row.metrics };
  for (const side of ['tributary', 'kafka'] as const) {
    const r = medianRatio(samples.of(row.workload, side), samples.of(base, side));
    if (!Number.isNaN(r)) metrics[`${side}VsPlaintext`] = r;
  }
  return { ...row, metrics };
}

export const kafkaSecurityPeerSuite: Suite = {
  name: 'peer-kafka-security',
  description: 'librdkafka produce/fetch over PLAINTEXT, SSL and SASL_SSL (SCRAM-SHA-256) on the bundled broker and on a Kafka broker (KAFKA_*_BOOTSTRAP), interleaved',
  workloads: WORKLOADS,
  references: {},
  inDefaultRun: false,
  async run(selected: readonly string[], options: SuiteOptions): Promise<WorkloadResult[]> {
    const records = options.records ?? DEFAULT_RECORDS;
    const runs = options.runs ?? DEFAULT_RUNS;
    const env = process.env;
    const kafka = kafkaEndpoints(env.BENCH_SSL_CA);
    if (typeof kafka === 'string') return selected.map((w) => failedResult(w, `skipped: ${kafka}`));
    const user = { username: env.KAFKA_SASL_USERNAME ?? 'bench', password: env.KAFKA_SASL_PASSWORD ?? randomBytes(12).toString('hex') };
    const pem = env.BENCH_SSL_PEM && env.BENCH_SSL_CA ? { keystorePem: env.BENCH_SSL_PEM, caFile: env.BENCH_SSL_CA } : undefined;
    let samples: PeerSamples;
    try {
      const ours = await startSecuredBenchBroker(user, pem);
      try {
        const sides = [...(kafka ? [securitySide('kafka', kafka, user, records, options.maxWaitMs)] : []), securitySide('tributary', ours, user, records, options.maxWaitMs)];
        samples = await runInterleaved(runs, sides);
      } finally {
        await ours.stop();
      }
    } catch (err) {
      return selected.map((w) => failedResult(w, `failed: ${(err as Error).message}`));
    }
    return selected.map((w) => {
      const bytes = w.endsWith('-1kib') ? 1024 : 100;
      const n = Math.round(records * (bytes === 1024 ? 0.5 : 1));
      return withTlsCost(peerRow(w, n, bytes, samples.of(w, 'tributary'), samples.of(w, 'kafka')), samples);
    });
  },
};
