/*
 * `tributary broker --config server.properties`: Kafka's broker keys → BrokerOptionsInput.
 * Every key is either mapped below, in IGNORED (a Kafka key that has no meaning for one node —
 * replication, threads, KRaft quorum — accepted so a Kafka file works, and reported back), or
 * rejected: an unknown key, or a value that does not parse, throws ServerConfigError naming the
 * key and its line. Values are range-checked again by parseBrokerOptions (options.ts).
 *
 * Mapped keys (Kafka → broker option):
 *   listeners, advertised.listeners, listener.security.protocol.map → listeners (security/listeners.ts)
 *   log.dirs | log.dir (first directory) → dataDir         node.id | broker.id → nodeId
 *   auto.create.topics.enable → autoCreateTopics             num.partitions → defaultPartitions
 *   socket.request.max.bytes → maxFrameBytes                 fetch.max.bytes → fetchMaxBytes
 *   tributary.fetch.read.ahead → fetchReadAhead
 *   connections.max.idle.ms, max.connections, max.connections.per.ip, connections.max.reauth.ms
 *   log.retention.check.interval.ms → retentionCheckIntervalMs
 *   group.initial.rebalance.delay.ms, group.min.session.timeout.ms, group.max.session.timeout.ms → group.*
 *   transaction.max.timeout.ms, transaction.abort.timed.out.transaction.cleanup.interval.ms,
 *   transactional.id.expiration.ms, transaction.remove.expired.transaction.cleanup.interval.ms → transaction.*
 *   producer.id.expiration.ms, producer.id.expiration.check.interval.ms → producer.*
 *   log.segment.bytes, log.segment.ms (log.roll.ms), log.retention.{ms,minutes,hours}, log.retention.bytes,
 *   log.cleanup.policy, message.max.bytes, log.message.timestamp.type → topicDefaults
 *   ssl.keystore.type / ssl.truststore.type (PEM only), ssl.keystore.location,
 *   ssl.keystore.certificate.chain, ssl.keystore.key, ssl.key.password, ssl.truststore.location,
 *   ssl.truststore.certificates, ssl.client.auth → ssl
 *   sasl.enabled.mechanisms → sasl.enabledMechanisms
 *   authorizer.class.name (non-empty = ACLs on), super.users (';'-separated), allow.everyone.if.no.acl.found → authorizer
 *   tributary.fsync (acks-all | never), tributary.max.queued.response.bytes[.per.connection]
 *   tributary.transaction.version → transaction.version (Kafka finalizes this feature level with
 *     kafka-storage format / kafka-features, not in server.properties)
 */
import { readFile } from 'node:fs/promises';
import { parseJavaProperties } from '../util/java-properties.ts';
import type { BrokerOptionsInput } from './options.ts';
import { resolveListeners } from './security/listeners.ts';

export class ServerConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ServerConfigError';
  }
}

/** Kafka keys accepted and not used by a single-node broker. */
export const IGNORED_KAFKA_KEYS: ReadonlySet<string> = new Set([
  'process.roles', 'controller.quorum.voters', 'controller.quorum.bootstrap.servers', 'controller.listener.names',
  'inter.broker.listener.name', 'security.inter.broker.protocol', 'sasl.mechanism.inter.broker.protocol',
  'sasl.mechanism.controller.protocol', 'num.network.threads', 'num.io.threads', 'socket.send.buffer.bytes',
  'socket.receive.buffer.bytes', 'num.recovery.threads.per.data.dir', 'offsets.topic.replication.factor',
  'transaction.state.log.replication.factor', 'transaction.state.log.min.isr', 'default.replication.factor',
  'min.insync.replicas', 'log.flush.interval.messages', 'log.flush.interval.ms', 'ssl.endpoint.identification.algorithm',
  'share.coordinator.state.topic.replication.factor', 'share.coordinator.state.topic.min.isr',
]);

/** The authorizer class names Kafka ships (any non-empty value turns ACLs on). */
export const KAFKA_AUTHORIZERS = ['org.apache.kafka.metadata.authorizer.StandardAuthorizer', 'kafka.security.authorizer.AclAuthorizer'];

export interface ServerConfig {
  readonly options: Partial<BrokerOptionsInput>;
  /** Kafka keys present in the file and ignored (IGNORED_KAFKA_KEYS). */
  readonly ignored: string[];
}

type Setter = (value: string, out: Draft) => void;

interface Draft {
  options: Partial<BrokerOptionsInput> & Record<string, unknown>;
  group: Record<string, number>;
  transaction: Record<string, number | boolean>;
  producer: Record<string, number>;
  topicDefaults: Record<string, string>;
  ssl: Record<string, string>;
  authorizer: Record<string, unknown>;
}

function int(key: string, value: string): number {
  if (!/^-?\d+$/.test(value.trim())) throw new ServerConfigError(`${key}=${value}: expected an integer`);
  const n = Number(value.trim());
  if (!Number.isSafeInteger(n)) throw new ServerConfigError(`${key}=${value}: integer out of range`);
  return n;
}

function bool(key: string, value: string): boolean {
  const v = value.trim().toLowerCase();
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw new ServerConfigError(`${key}=${value}: expected true or false`);
}

const option = (name: string, parse: (key: string, v: string) => unknown): Setter => (v, d) => {
  d.options[name] = parse(name, v);
};

function mapped(): Map<string, Setter> {
  const m = new Map<string, Setter>();
  const num = (key: string, target: (d: Draft, n: number) => void): void => {
    m.set(key, (v, d) => target(d, int(key, v)));
  };
  const dataDir: Setter = (v, d) => {
    const first = v.split(',').map((s) => s.trim()).find((s) => s !== '');
    if (first === undefined) throw new ServerConfigError('log.dirs: no directory given');
    d.options.dataDir = first;
  };
  m.set('log.dirs', dataDir);
  m.set('log.dir', dataDir);
  num('node.id', (d, n) => (d.options.nodeId = n));
  num('broker.id', (d, n) => (d.options.nodeId = n));
  // Tributary's own keys (Kafka has no web console): the console of src/console/.
  num('tributary.console.port', (d, n) => (d.options.consolePort = n));
  m.set('tributary.console.host', (v, d) => (d.options.consoleHost = v.trim()));
  m.set('tributary.console.on.secured.broker', (v, d) => (d.options.consoleOnSecuredBroker = bool('tributary.console.on.secured.broker', v)));
  m.set('auto.create.topics.enable', (v, d) => (d.options.autoCreateTopics = bool('auto.create.topics.enable', v)));
  num('num.partitions', (d, n) => (d.options.defaultPartitions = n));
  num('socket.request.max.bytes', (d, n) => (d.options.maxFrameBytes = n));
  num('fetch.max.bytes', (d, n) => (d.options.fetchMaxBytes = n));
  m.set('tributary.fetch.read.ahead', (v, d) => (d.options.fetchReadAhead = bool('tributary.fetch.read.ahead', v)));
  num('connections.max.idle.ms', (d, n) => (d.options.connectionsMaxIdleMs = n));
  num('max.connections', (d, n) => (d.options.maxConnections = n));
  num('max.connections.per.ip', (d, n) => (d.options.maxConnectionsPerIp = n));
  num('connections.max.reauth.ms', (d, n) => (d.options.connectionsMaxReauthMs = n));
  num('log.retention.check.interval.ms', (d, n) => (d.options.retentionCheckIntervalMs = n));
  num('group.initial.rebalance.delay.ms', (d, n) => (d.group['initialRebalanceDelayMs'] = n));
  num('group.min.session.timeout.ms', (d, n) => (d.group['minSessionTimeoutMs'] = n));
  num('group.max.session.timeout.ms', (d, n) => (d.group['maxSessionTimeoutMs'] = n));
  num('transaction.max.timeout.ms', (d, n) => (d.transaction['maxTimeoutMs'] = n));
  num('transaction.abort.timed.out.transaction.cleanup.interval.ms', (d, n) => (d.transaction['abortTimedOutIntervalMs'] = n));
  num('transactional.id.expiration.ms', (d, n) => (d.transaction['idExpirationMs'] = n));
  num('transaction.remove.expired.transaction.cleanup.interval.ms', (d, n) => (d.transaction['removeExpiredIntervalMs'] = n));
  num('producer.id.expiration.ms', (d, n) => (d.producer['idExpirationMs'] = n));
  num('producer.id.expiration.check.interval.ms', (d, n) => (d.producer['idExpirationCheckIntervalMs'] = n));
  m.set('transaction.partition.verification.enable', (v, d) => (d.transaction['partitionVerification'] = bool('transaction.partition.verification.enable', v)));
  num('tributary.transaction.version', (d, n) => (d.transaction['version'] = n));
  const topic = (key: string, config: string, scale = 1): void => {
    m.set(key, (v, d) => {
      d.topicDefaults[config] = scale === 1 ? v.trim() : String(int(key, v) * scale);
    });
  };
  topic('log.segment.bytes', 'segment.bytes');
  topic('log.segment.ms', 'segment.ms');
  topic('log.roll.ms', 'segment.ms');
  topic('log.roll.hours', 'segment.ms', 3_600_000);
  topic('log.retention.ms', 'retention.ms');
  topic('log.retention.minutes', 'retention.ms', 60_000);
  topic('log.retention.hours', 'retention.ms', 3_600_000);
  topic('log.retention.bytes', 'retention.bytes');
  topic('log.cleanup.policy', 'cleanup.policy');
  topic('message.max.bytes', 'max.message.bytes');
  topic('log.message.timestamp.type', 'message.timestamp.type');
  const pemType = (key: string): Setter => (v) => {
    if (v.trim().toUpperCase() !== 'PEM') throw new ServerConfigError(`${key}=${v}: only PEM key stores are supported (convert JKS/PKCS12 with keytool/openssl)`);
  };
  m.set('ssl.keystore.type', pemType('ssl.keystore.type'));
  m.set('ssl.truststore.type', pemType('ssl.truststore.type'));
  const ssl = (key: string, field: string): void => {
    m.set(key, (v, d) => {
      d.ssl[field] = v;
    });
  };
  ssl('ssl.keystore.location', 'keystoreLocation');
  ssl('ssl.keystore.certificate.chain', 'keystoreCertificateChain');
  ssl('ssl.keystore.key', 'keystoreKey');
  ssl('ssl.key.password', 'keyPassword');
  ssl('ssl.truststore.location', 'truststoreLocation');
  ssl('ssl.truststore.certificates', 'truststoreCertificates');
  ssl('ssl.client.auth', 'clientAuth');
  m.set('sasl.enabled.mechanisms', (v, d) => {
    // Checked against the mechanisms we implement by parseBrokerOptions (sasl.enabledMechanisms).
    (d.options as Record<string, unknown>)['sasl'] = { enabledMechanisms: v.split(',').map((s) => s.trim().toUpperCase()).filter((s) => s !== '') };
  });
  m.set('authorizer.class.name', (v, d) => (d.authorizer['enabled'] = v.trim() !== ''));
  m.set('super.users', (v, d) => (d.authorizer['superUsers'] = v.split(';').map((s) => s.trim()).filter((s) => s !== '')));
  m.set('allow.everyone.if.no.acl.found', (v, d) => (d.authorizer['allowEveryoneIfNoAclFound'] = bool('allow.everyone.if.no.acl.found', v)));
  m.set('tributary.fsync', option('fsync', (_k, v) => v.trim()));
  num('tributary.max.queued.response.bytes', (d, n) => (d.options.maxQueuedResponseBytes = n));
  num('tributary.max.queued.response.bytes.per.connection', (d, n) => (d.options.maxQueuedResponseBytesPerConnection = n));
  return m;
}

const LISTENER_KEYS = new Set(['listeners', 'advertised.listeners', 'listener.security.protocol.map']);

/** Maps properties text to broker options; throws ServerConfigError naming the key. */
export function serverConfigFromText(text: string, source = 'server.properties'): ServerConfig {
  const { entries, lines } = parseJavaProperties(text);
  const setters = mapped();
  const draft: Draft = { options: {}, group: {}, transaction: {}, producer: {}, topicDefaults: {}, ssl: {}, authorizer: {} };
  const ignored: string[] = [];
  for (const [key, value] of entries) {
    const where = `${source}:${lines.get(key) ?? '?'}`;
    if (LISTENER_KEYS.has(key)) continue;
    if (IGNORED_KAFKA_KEYS.has(key)) {
      ignored.push(key);
      continue;
    }
    const set = setters.get(key);
    if (set === undefined) {
      throw new ServerConfigError(`${where}: unknown key ${key} (supported keys are listed in docs/security.md and src/broker/server-config.ts)`);
    }
    try {
      set(value, draft);
    } catch (err) {
      throw new ServerConfigError(`${where}: ${(err as Error).message}`);
    }
  }
  const listeners = entries.get('listeners');
  if (listeners !== undefined) {
    try {
      draft.options.listeners = resolveListeners(listeners, entries.get('advertised.listeners'), entries.get('listener.security.protocol.map'));
    } catch (err) {
      throw new ServerConfigError(`${source}: ${(err as Error).message}`);
    }
  } else if (entries.has('advertised.listeners') || entries.has('listener.security.protocol.map')) {
    throw new ServerConfigError(`${source}: advertised.listeners and listener.security.protocol.map need listeners=`);
  }
  const o = draft.options;
  if (Object.keys(draft.group).length > 0) o.group = draft.group;
  if (Object.keys(draft.transaction).length > 0) o.transaction = draft.transaction;
  if (Object.keys(draft.producer).length > 0) o.producer = draft.producer;
  if (Object.keys(draft.topicDefaults).length > 0) o.topicDefaults = draft.topicDefaults;
  if (Object.keys(draft.ssl).length > 0) o.ssl = draft.ssl as BrokerOptionsInput['ssl'];
  if (Object.keys(draft.authorizer).length > 0) o.authorizer = draft.authorizer as BrokerOptionsInput['authorizer'];
  return { options: o, ignored };
}

export async function loadServerConfig(path: string): Promise<ServerConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new ServerConfigError(`cannot read --config ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return serverConfigFromText(text, path);
}
