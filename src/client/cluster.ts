/*
 * The client's view of a Kafka cluster: which brokers exist, which one leads each partition, and
 * one connection per broker. It is the single source of truth for routing in the wire client:
 * admin calls go to the controller (or any broker), produce and fetch to partition leaders.
 *
 * Works against multi-broker clusters (Apache Kafka, Redpanda, librdkafka's mock cluster), not
 * only the bundled single-node broker: brokers and leaders come from Metadata, never assumed.
 *
 *   bootstrap ──connect──▶ first reachable bootstrap address (the "seed" connection)
 *   refresh(topics) ──Metadata──▶ brokers{nodeId → host:port}, controllerId, topics{partitions}
 *   connectionTo(nodeId) ──▶ cached open connection, reopened lazily after a failure
 *
 * Metadata for topics is cached until `refresh` is called again; callers refresh after a
 * retriable routing error (NOT_LEADER_OR_FOLLOWER, LEADER_NOT_AVAILABLE, UNKNOWN_TOPIC_OR_PARTITION).
 */
import { ApiKeys } from '../protocol/api-keys.ts';
import { WireConnection, type ConnectionOptions } from './connection.ts';
import { KafkaClientError, KafkaConnectionError, KafkaResponseError } from './errors.ts';
import type { ClientConfig } from './types.ts';
import type { ClientSecurity } from './security.ts';

export interface ClusterOptions {
  /** "host:port[,host:port…]" or a list of "host:port". */
  bootstrap: string | readonly string[];
  clientId?: string;
  connectTimeoutMs?: number;
  requestTimeoutMs?: number;
  /** TLS and SASL for every connection (security.ts); absent = PLAINTEXT. */
  security?: ClientSecurity | undefined;
}

export interface BrokerInfo {
  nodeId: number;
  host: string;
  port: number;
}

export interface PartitionInfo {
  partition: number;
  leader: number;
  replicas: number[];
  isr: number[];
  errorCode: number;
}

export interface TopicInfo {
  name: string;
  topicId: string;
  isInternal: boolean;
  errorCode: number;
  /** Sorted by partition number. */
  partitions: PartitionInfo[];
}

export interface ClusterMetadata {
  clusterId: string | null;
  controllerId: number;
  brokers: BrokerInfo[];
  topics: TopicInfo[];
}

/** Parses "host:port" (IPv6 hosts in brackets: "[::1]:9092"). */
export function parseHostPort(address: string): { host: string; port: number } {
  const m = /^\[?([^\]]+?)\]?:(\d+)$/.exec(address.trim());
  if (!m) throw new KafkaClientError(`"${address}" is not a HOST:PORT address`);
  return { host: m[1]!, port: Number(m[2]) };
}

export class WireCluster {
  private readonly bootstrap: { host: string; port: number }[];
  private readonly connOpts: Omit<ConnectionOptions, 'host' | 'port'>;
  private seed: WireConnection | null = null;
  private seeding: Promise<WireConnection> | null = null;
  private readonly connections = new Map<number, Promise<WireConnection>>();
  readonly brokers = new Map<number, BrokerInfo>();
  readonly topics = new Map<string, TopicInfo>();
  controllerId = -1;
  clusterId: string | null = null;

  constructor(opts: ClusterOptions) {
    const list = typeof opts.bootstrap === 'string' ? opts.bootstrap.split(',') : [...opts.bootstrap];
    this.bootstrap = list.map((s) => s.trim()).filter((s) => s !== '').map(parseHostPort);
    if (this.bootstrap.length === 0) throw new KafkaClientError('no bootstrap address given; pass HOST:PORT');
    this.connOpts = {
      clientId: opts.clientId ?? 'tributary',
      connectTimeoutMs: opts.connectTimeoutMs ?? 10_000,
      requestTimeoutMs: opts.requestTimeoutMs ?? 30_000,
      security: opts.security,
    };
  }

  /** The per-request timeout every connection of this cluster uses. */
  get requestTimeoutMs(): number {
    return this.connOpts.requestTimeoutMs ?? 30_000;
  }

  /** A connection to any broker: the seed, opened from the bootstrap list on first use. */
  async any(): Promise<WireConnection> {
    if (this.seed?.isOpen) return this.seed;
    // Concurrent callers share one connection attempt.
    this.seeding ??= this.openSeed().finally(() => {
      this.seeding = null;
    });
    return this.seeding;
  }

  private async openSeed(): Promise<WireConnection> {
    let last: Error | null = null;
    for (const addr of this.bootstrap) {
      try {
        this.seed = await WireConnection.open({ ...this.connOpts, ...addr });
        return this.seed;
      } catch (err) {
        last = err as Error;
      }
    }
    if (this.bootstrap.length === 1 && last) throw last;
    throw new KafkaConnectionError(
      `could not connect to any bootstrap broker (${this.bootstrap.map((b) => `${b.host}:${b.port}`).join(', ')}): ${last?.message ?? 'unknown error'}`,
      this.bootstrap.map((b) => `${b.host}:${b.port}`).join(','),
    );
  }

  /** The connection to broker `nodeId` (known from Metadata), opened lazily and reused. */
  async connectionTo(nodeId: number): Promise<WireConnection> {
    const cached = this.connections.get(nodeId);
    if (cached) {
      const conn = await cached.catch(() => null);
      if (conn?.isOpen) return conn;
      this.connections.delete(nodeId);
    }
    if (this.brokers.size === 0) await this.refresh([]);
    const info = this.brokers.get(nodeId);
    if (!info) throw new KafkaClientError(`broker ${nodeId} is not in the cluster metadata (known: ${[...this.brokers.keys()].join(', ') || 'none'})`, { retriable: true });
    const opening = WireConnection.open({ ...this.connOpts, host: info.host, port: info.port });
    this.connections.set(nodeId, opening);
    try {
      return await opening;
    } catch (err) {
      this.connections.delete(nodeId);
      throw err;
    }
  }

  /** The controller's connection (admin requests such as CreateTopics go there). */
  async controller(): Promise<WireConnection> {
    if (this.controllerId < 0) await this.refresh([]);
    if (this.controllerId < 0 || !this.brokers.has(this.controllerId)) return this.any();
    return this.connectionTo(this.controllerId);
  }

  /**
   * Fetches metadata. `topics`: null = every topic, [] = brokers only, else those names.
   * `allowAutoCreate` (Metadata v4+) asks the broker to create missing topics, as producers do.
   */
  async refresh(topics: readonly string[] | null, allowAutoCreate = false): Promise<ClusterMetadata> {
    const conn = await this.any();
    // v0 cannot express "no topics" (an empty list means all), so only "all topics" may use v0,
    // where it is written as an empty list; v1+ writes all topics as null.
    const version = conn.pickVersion(ApiKeys.Metadata, { minVersion: topics === null ? 0 : 1 });
    const reply = await conn.request(
      ApiKeys.Metadata,
      {
        topics: topics === null ? (version === 0 ? [] : null) : topics.map((name) => ({ name })),
        allowAutoTopicCreation: allowAutoCreate,
        includeClusterAuthorizedOperations: false,
        includeTopicAuthorizedOperations: false,
      },
      { version },
    );
    const body = reply.body;
    this.brokers.clear();
    for (const b of body.brokers) this.brokers.set(b.nodeId, { nodeId: b.nodeId, host: b.host, port: b.port });
    this.controllerId = body.controllerId;
    this.clusterId = body.clusterId;
    const result: TopicInfo[] = [];
    for (const t of body.topics) {
      if (t.name === null) continue;
      const info: TopicInfo = {
        name: t.name,
        topicId: t.topicId,
        isInternal: t.isInternal,
        errorCode: t.errorCode,
        partitions: t.partitions
          .map((p) => ({ partition: p.partitionIndex, leader: p.leaderId, replicas: p.replicaNodes, isr: p.isrNodes, errorCode: p.errorCode }))
          .sort((a, b) => a.partition - b.partition),
      };
      if (t.errorCode === 0) this.topics.set(t.name, info);
      else this.topics.delete(t.name);
      result.push(info);
    }
    return { clusterId: body.clusterId, controllerId: body.controllerId, brokers: [...this.brokers.values()], topics: result };
  }

  /**
   * Metadata for one topic, from cache or refreshed. Retries briefly while the broker reports
   * LEADER_NOT_AVAILABLE (Kafka's answer right after auto-creating a topic).
   */
  async topic(name: string, opts: { allowAutoCreate?: boolean; refresh?: boolean } = {}): Promise<TopicInfo> {
    const cached = this.topics.get(name);
    if (cached && !opts.refresh && cached.partitions.every((p) => p.leader >= 0)) return cached;
    for (let attempt = 0; ; attempt++) {
      const md = await this.refresh([name], opts.allowAutoCreate ?? false);
      const t = md.topics.find((x) => x.name === name);
      const code = t?.errorCode ?? 3;
      const leaderless = t !== undefined && code === 0 && t.partitions.some((p) => p.leader < 0);
      if (code === 0 && !leaderless && t) return t;
      // LEADER_NOT_AVAILABLE is how Kafka answers while a new topic gets its leaders: wait for it.
      // UNKNOWN_TOPIC despite auto-create may be metadata propagation in a real cluster: retry a
      // little; a broker with auto-creation off answers it every time.
      if (((code === 5 || leaderless) && attempt < 20) || (code === 3 && opts.allowAutoCreate && attempt < 3)) {
        await new Promise((r) => setTimeout(r, 100));
        continue;
      }
      throw new KafkaResponseError(code === 0 ? 5 : code, `looking up topic "${name}"`);
    }
  }

  /** The leader's node id for a partition of a topic already in the metadata cache. */
  leaderOf(topic: string, partition: number): number {
    const t = this.topics.get(topic);
    const p = t?.partitions.find((x) => x.partition === partition);
    if (!t || !p) throw new KafkaResponseError(3, `routing to ${topic}-${partition}`, `the topic has ${t?.partitions.length ?? 0} partitions`);
    return p.leader;
  }

  close(): void {
    this.seed?.close();
    this.seed = null;
    for (const c of this.connections.values()) c.then((conn) => conn.close(), () => {});
    this.connections.clear();
  }
}

/** A cluster for one client object from the factory's ClientConfig (defaults: 3 s connect, 30 s per request). */
export function clusterFromConfig(config: ClientConfig): WireCluster {
  return new WireCluster({
    bootstrap: config.bootstrapServers,
    clientId: config.clientId,
    connectTimeoutMs: config.connectionTimeoutMs ?? 3000,
    requestTimeoutMs: config.requestTimeoutMs ?? 30_000,
    security: config.security,
  });
}
