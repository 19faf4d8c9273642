/*
 * Broker options: the one place where a broker's configuration is described, defaulted and
 * validated. `Broker.start(input)` calls `parseBrokerOptions(input)` first, so every later part of
 * the broker can rely on a complete, checked `BrokerOptions` object.
 *
 * Validation is done with zod; a bad value throws a `BrokerOptionsError` whose message names the
 * option path (e.g. `group.minSessionTimeoutMs`), the value that was given and what is expected.
 *
 * Defaults (chosen for a single-node development broker; Kafka's own default in brackets):
 *   host 127.0.0.1 (bind address)          advertisedHost 127.0.0.1 (what Metadata tells clients)
 *   port 0 = ephemeral [9092]               nodeId 0
 *   autoCreateTopics true                   defaultPartitions 1
 *   fsync 'acks-all' (see log-config.ts)    maxFrameBytes 100 MiB
 *   group.initialRebalanceDelayMs 3000      group.min/maxSessionTimeoutMs 6000 / 1800000
 *   retentionCheckIntervalMs 300000 [log.retention.check.interval.ms]
 *   connectionsMaxIdleMs 600000 [connections.max.idle.ms]; 0 = never close idle connections
 *   maxConnections 10000 [max.connections, unbounded]  maxConnectionsPerIp unbounded [same]
 *   maxQueuedResponseBytesPerConnection 1 MiB: a connection with more response bytes not yet
 *     taken by the kernel is muted (Kafka mutes a channel while its response is in flight)
 *   maxQueuedResponseBytes 256 MiB: all connections together (see memory-budget.ts)
 *   fetchMaxBytes 55 MiB [fetch.max.bytes]: cap on one Fetch response's record bytes
 *   fetchReadAhead false [tributary.fetch.read.ahead; Kafka has none: it sends with sendfile]:
 *     read a sequential consumer's next range while its response is on the wire
 *     (log/read-ahead.ts). Off by default: where broker and clients share few cores, the early
 *     read competes with the client's parsing and measured slower (docs/benchmarks-side-by-side.md)
 *   transaction.maxTimeoutMs 900000 [transaction.max.timeout.ms]
 *   transaction.abortTimedOutIntervalMs 10000 [transaction.abort.timed.out.transaction.cleanup.interval.ms]
 *   transaction.idExpirationMs 604800000 [transactional.id.expiration.ms]
 *   transaction.removeExpiredIntervalMs 3600000 [transaction.remove.expired.transaction.cleanup.interval.ms]
 *   producer.idExpirationMs 86400000 [producer.id.expiration.ms]: a producer id idle this long in a
 *     partition (no open transaction there) is dropped from that partition's producer state
 *   producer.idExpirationCheckIntervalMs 600000 [producer.id.expiration.check.interval.ms]
 *   transaction.version 2 [the finalized level of the `transaction.version` feature, KIP-1022;
 *     2 for a new Kafka 4.0 cluster]: 2 = KIP-890 part 2 (epoch bumped per transaction),
 *     lower levels make clients keep the part-1 protocol (txn/txn-v2.ts)
 *   transaction.partitionVerification true [transaction.partition.verification.enable]
 *   authorizer: ACLs (see acl/): enabled false [authorizer.class.name unset], superUsers []
 *               [super.users, `User:<name>` entries], allowEveryoneIfNoAclFound false
 *               [allow.everyone.if.no.acl.found]
 *   metricsPort: absent = no metrics endpoint; N serves GET /metrics (Prometheus text) on
 *                port N (0 = any free port) at metricsHost (default: host)
 *   consolePort: absent = no web console; N serves it (src/console/) on port N (0 = any free
 *                port) at consoleHost (default 127.0.0.1, not `host`: the console reads every
 *                topic without authentication). With ACLs or a SASL listener it is refused
 *                unless consoleOnSecuredBroker is true [tributary.console.port,
 *                tributary.console.host, tributary.console.on.secured.broker]
 *   topicDefaults: Kafka topic config overrides applied to every topic that does not set them,
 *                  written with Kafka's names, e.g. { 'segment.bytes': '1048576' }.
 *
 * Security (docs/security.md; Kafka's key in brackets):
 *   listeners [listeners + advertised.listeners + listener.security.protocol.map]: absent = one
 *     PLAINTEXT listener named PLAINTEXT on host:port advertised as advertisedHost. When given,
 *     host/port/advertisedHost are not used; `Broker.port`/`bootstrap` name the first listener.
 *   ssl [ssl.keystore.*, ssl.truststore.*, ssl.key.password, ssl.client.auth]: see security/tls-config.ts
 *   sasl.enabledMechanisms ['PLAIN','SCRAM-SHA-256','SCRAM-SHA-512'] [sasl.enabled.mechanisms, GSSAPI]
 *   connectionsMaxReauthMs 0 [connections.max.reauth.ms]: SASL session lifetime, 0 = unlimited
 */
import * as z from 'zod/mini';
import { en } from 'zod/locales';
import { FsyncPolicies, type FsyncPolicy } from './log/log-config.ts';
import { SecurityProtocols, type ListenerConfig } from './security/listeners.ts';
import { SSL_DEFAULTS, SslClientAuthModes, type SslOptions } from './security/tls-config.ts';
import { SaslMechanismNames, type SaslMechanismName } from './security/mechanism.ts';

export interface SaslOptions {
  /** sasl.enabled.mechanisms: what SaslHandshake offers, in this order. */
  enabledMechanisms: SaslMechanismName[];
}

export interface AuthorizerOptions {
  /** authorizer.class.name set to one of Kafka's authorizers (or ours): ACLs are enforced. */
  enabled: boolean;
  /** super.users: principals ("User:admin") that bypass ACLs. */
  superUsers: string[];
  /** allow.everyone.if.no.acl.found: a resource with no ACL is open to everyone. */
  allowEveryoneIfNoAclFound: boolean;
}

export interface GroupOptions {
  /** group.initial.rebalance.delay.ms: how long the first join into an Empty group waits. */
  initialRebalanceDelayMs: number;
  /** group.min.session.timeout.ms: JoinGroup with a smaller session timeout gets error 26. */
  minSessionTimeoutMs: number;
  /** group.max.session.timeout.ms: JoinGroup with a larger session timeout gets error 26. */
  maxSessionTimeoutMs: number;
}

export interface TransactionOptions {
  /** transaction.max.timeout.ms: InitProducerId with a larger transaction timeout gets error 50. */
  maxTimeoutMs: number;
  /** transaction.abort.timed.out.transaction.cleanup.interval.ms: how often expired transactions are aborted. */
  abortTimedOutIntervalMs: number;
  /** transactional.id.expiration.ms: an idle transactional id unused this long is forgotten. */
  idExpirationMs: number;
  /** transaction.remove.expired.transaction.cleanup.interval.ms: how often expired ids are looked for. */
  removeExpiredIntervalMs: number;
  /** Finalized level of the `transaction.version` feature (0-2) advertised in ApiVersions (txn/txn-v2.ts). */
  version: number;
  /**
   * transaction.partition.verification.enable (KIP-890 part 1): a transactional batch of Produce
   * v11 and below is appended only if its partition is in the producer's ongoing transaction.
   * Produce v12 (transactions v2) is always verified.
   */
  partitionVerification: boolean;
}

export interface ProducerStateOptions {
  /** producer.id.expiration.ms: a partition forgets a producer whose last batch or marker is this old. */
  idExpirationMs: number;
  /** producer.id.expiration.check.interval.ms: how often expired producer ids are looked for. */
  idExpirationCheckIntervalMs: number;
}

export interface BrokerOptions {
  dataDir: string;
  host: string;
  port: number;
  advertisedHost: string;
  nodeId: number;
  autoCreateTopics: boolean;
  defaultPartitions: number;
  fsync: FsyncPolicy;
  maxFrameBytes: number;
  retentionCheckIntervalMs: number;
  connectionsMaxIdleMs: number;
  maxConnections: number;
  maxConnectionsPerIp: number;
  maxQueuedResponseBytesPerConnection: number;
  maxQueuedResponseBytes: number;
  fetchMaxBytes: number;
  fetchReadAhead: boolean;
  group: GroupOptions;
  transaction: TransactionOptions;
  producer: ProducerStateOptions;
  authorizer: AuthorizerOptions;
  topicDefaults: Record<string, string>;
  listeners: ListenerConfig[];
  ssl: SslOptions;
  sasl: SaslOptions;
  connectionsMaxReauthMs: number;
  metricsPort: number | undefined;
  metricsHost: string | undefined;
  consolePort: number | undefined;
  consoleHost: string | undefined;
  consoleOnSecuredBroker: boolean;
}

/** What callers pass: only `dataDir` is required. */
export interface BrokerOptionsInput {
  dataDir: string;
  host?: string;
  port?: number;
  advertisedHost?: string;
  nodeId?: number;
  autoCreateTopics?: boolean;
  defaultPartitions?: number;
  fsync?: FsyncPolicy;
  maxFrameBytes?: number;
  retentionCheckIntervalMs?: number;
  connectionsMaxIdleMs?: number;
  maxConnections?: number;
  maxConnectionsPerIp?: number;
  maxQueuedResponseBytesPerConnection?: number;
  maxQueuedResponseBytes?: number;
  fetchMaxBytes?: number;
  fetchReadAhead?: boolean;
  group?: Partial<GroupOptions>;
  transaction?: Partial<TransactionOptions>;
  producer?: Partial<ProducerStateOptions>;
  authorizer?: Partial<AuthorizerOptions>;
  topicDefaults?: Record<string, string | number>;
  listeners?: ListenerConfig[];
  ssl?: Partial<SslOptions>;
  sasl?: Partial<SaslOptions>;
  connectionsMaxReauthMs?: number;
  metricsPort?: number;
  metricsHost?: string;
  consolePort?: number;
  consoleHost?: string;
  consoleOnSecuredBroker?: boolean;
}

// zod/mini, not the classic API: the broker validates its options at every start, and the mini
// build is ~40 KB where the classic one is ~750 KB of JavaScript to load (about 50 ms of a cold
// start). Its English messages are loaded explicitly (mini ships none by default).
z.config(en());

const MAX_INT32 = 2_147_483_647;
const int = (min: number, max: number, fallback: number) => z._default(z.int().check(z.gte(min), z.lte(max)), fallback);
const text = (fallback?: string) => {
  const nonEmpty = z.string().check(z.minLength(1));
  return fallback === undefined ? nonEmpty : z._default(nonEmpty, fallback);
};

const GROUP_DEFAULTS: GroupOptions = { initialRebalanceDelayMs: 3000, minSessionTimeoutMs: 6000, maxSessionTimeoutMs: 1_800_000 };
const groupSchema = z
  .strictObject({
    initialRebalanceDelayMs: int(0, MAX_INT32, GROUP_DEFAULTS.initialRebalanceDelayMs),
    minSessionTimeoutMs: int(0, MAX_INT32, GROUP_DEFAULTS.minSessionTimeoutMs),
    maxSessionTimeoutMs: int(1, MAX_INT32, GROUP_DEFAULTS.maxSessionTimeoutMs),
  })
  .check(
    z.refine((g) => g.minSessionTimeoutMs <= g.maxSessionTimeoutMs, {
      message: 'minSessionTimeoutMs must not exceed maxSessionTimeoutMs',
      path: ['minSessionTimeoutMs'],
    }),
  );

const TRANSACTION_DEFAULTS: TransactionOptions = { maxTimeoutMs: 900_000, abortTimedOutIntervalMs: 10_000, idExpirationMs: 604_800_000, removeExpiredIntervalMs: 3_600_000, version: 2, partitionVerification: true };
const transactionSchema = z.strictObject({
  maxTimeoutMs: int(1, MAX_INT32, TRANSACTION_DEFAULTS.maxTimeoutMs),
  abortTimedOutIntervalMs: int(10, MAX_INT32, TRANSACTION_DEFAULTS.abortTimedOutIntervalMs),
  idExpirationMs: int(1, MAX_INT32, TRANSACTION_DEFAULTS.idExpirationMs),
  removeExpiredIntervalMs: int(10, MAX_INT32, TRANSACTION_DEFAULTS.removeExpiredIntervalMs),
  version: int(0, 2, TRANSACTION_DEFAULTS.version),
  partitionVerification: z._default(z.boolean(), TRANSACTION_DEFAULTS.partitionVerification),
});

const PRODUCER_DEFAULTS: ProducerStateOptions = { idExpirationMs: 86_400_000, idExpirationCheckIntervalMs: 600_000 };
const producerSchema = z.strictObject({
  idExpirationMs: int(1, MAX_INT32, PRODUCER_DEFAULTS.idExpirationMs),
  idExpirationCheckIntervalMs: int(10, MAX_INT32, PRODUCER_DEFAULTS.idExpirationCheckIntervalMs),
});

const listenerSchema = z.strictObject({
  name: z.string().check(z.regex(/^[A-Z0-9_]+$/, 'must be an upper-case listener name (A-Z, 0-9, _)')),
  securityProtocol: z.enum(SecurityProtocols),
  host: text(),
  port: int(0, 65535, 0),
  advertisedHost: text(),
  advertisedPort: int(0, 65535, 0),
});
const nullableText = z._default(z.nullable(z.string().check(z.minLength(1))), null);
const sslSchema = z.strictObject({
  keystoreLocation: nullableText,
  keystoreCertificateChain: nullableText,
  keystoreKey: nullableText,
  keyPassword: nullableText,
  truststoreLocation: nullableText,
  truststoreCertificates: nullableText,
  clientAuth: z._default(z.enum(SslClientAuthModes), 'none'),
});
const SASL_DEFAULTS: SaslOptions = { enabledMechanisms: [...SaslMechanismNames] };
const saslSchema = z.strictObject({
  enabledMechanisms: z._default(z.array(z.enum(SaslMechanismNames)).check(z.minLength(1)), SASL_DEFAULTS.enabledMechanisms),
});
const AUTHORIZER_DEFAULTS: AuthorizerOptions = { enabled: false, superUsers: [], allowEveryoneIfNoAclFound: false };
const principal = z.string().check(z.regex(/^[^:]+:.*$/, 'must be a principal written <type>:<name>, e.g. User:admin'));
const authorizerSchema = z.strictObject({
  enabled: z._default(z.boolean(), AUTHORIZER_DEFAULTS.enabled),
  superUsers: z._default(z.array(principal), []),
  allowEveryoneIfNoAclFound: z._default(z.boolean(), AUTHORIZER_DEFAULTS.allowEveryoneIfNoAclFound),
});

const schema = z.strictObject({
  dataDir: z.string().check(z.minLength(1, 'must be a non-empty directory path')),
  host: text('127.0.0.1'),
  port: int(0, 65535, 0),
  advertisedHost: text('127.0.0.1'),
  nodeId: int(0, MAX_INT32, 0),
  autoCreateTopics: z._default(z.boolean(), true),
  defaultPartitions: int(1, 100_000, 1),
  fsync: z._default(z.enum(FsyncPolicies), 'acks-all'),
  maxFrameBytes: int(1024, 1024 * 1024 * 1024, 100 * 1024 * 1024),
  retentionCheckIntervalMs: int(10, MAX_INT32, 300_000),
  connectionsMaxIdleMs: int(0, MAX_INT32, 600_000),
  maxConnections: int(1, MAX_INT32, 10_000),
  maxConnectionsPerIp: int(1, MAX_INT32, MAX_INT32),
  maxQueuedResponseBytesPerConnection: int(0, MAX_INT32, 1024 * 1024),
  maxQueuedResponseBytes: int(0, Number.MAX_SAFE_INTEGER, 256 * 1024 * 1024),
  fetchMaxBytes: int(0, MAX_INT32, 55 * 1024 * 1024),
  fetchReadAhead: z._default(z.boolean(), false),
  group: z._default(groupSchema, GROUP_DEFAULTS),
  transaction: z._default(transactionSchema, TRANSACTION_DEFAULTS),
  producer: z._default(producerSchema, PRODUCER_DEFAULTS),
  authorizer: z._default(authorizerSchema, AUTHORIZER_DEFAULTS),
  metricsPort: z.optional(z.int().check(z.gte(0), z.lte(65535))),
  metricsHost: z.optional(text()),
  consolePort: z.optional(z.int().check(z.gte(0), z.lte(65535))),
  consoleHost: z.optional(text()),
  consoleOnSecuredBroker: z._default(z.boolean(), false),
  topicDefaults: z._default(z.record(z.string(), z.pipe(z.union([z.string(), z.number()]), z.transform((v) => String(v)))), {}),
  listeners: z.optional(
    z.array(listenerSchema).check(
      z.minLength(1),
      z.refine((ls) => new Set(ls.map((l) => l.name)).size === ls.length, { message: 'listener names must be unique' }),
    ),
  ),
  ssl: z._default(sslSchema, SSL_DEFAULTS),
  sasl: z._default(saslSchema, SASL_DEFAULTS),
  connectionsMaxReauthMs: int(0, MAX_INT32, 0),
});

/** Thrown for invalid broker options; the message names every offending field. */
export class BrokerOptionsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BrokerOptionsError';
  }
}

/** Fills defaults and validates; throws BrokerOptionsError naming the field(s) on bad input. */
export function parseBrokerOptions(input: BrokerOptionsInput): BrokerOptions {
  const result = z.safeParse(schema, input ?? {});
  if (!result.success) {
    const lines = result.error.issues.map((issue) => {
      const path = issue.path.length > 0 ? issue.path.map(String).join('.') : '(options)';
      const given = valueAt(input, issue.path);
      const shown = given === undefined ? 'missing' : `got ${JSON.stringify(given)}`;
      return `broker option ${path}: ${issue.message} (${shown})`;
    });
    throw new BrokerOptionsError(`invalid broker options:\n  ${lines.join('\n  ')}`);
  }
  const data = result.data;
  const listeners: ListenerConfig[] = data.listeners ?? [
    { name: 'PLAINTEXT', securityProtocol: 'PLAINTEXT', host: data.host, port: data.port, advertisedHost: data.advertisedHost, advertisedPort: 0 },
  ];
  const secured = data.authorizer.enabled || listeners.some((l) => l.securityProtocol.startsWith('SASL'));
  if (data.consolePort !== undefined && secured && !data.consoleOnSecuredBroker) {
    throw new BrokerOptionsError(
      'invalid broker options:\n  broker option consolePort: the web console reads every topic and group without ACLs or SASL, ' +
        'and this broker uses ACLs or a SASL listener; set consoleOnSecuredBroker (--console-on-secured-broker, ' +
        'tributary.console.on.secured.broker=true) to serve it anyway, bound to consoleHost (127.0.0.1 by default)',
    );
  }
  return { ...data, listeners } as BrokerOptions;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = input;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[key];
  }
  return cur;
}
