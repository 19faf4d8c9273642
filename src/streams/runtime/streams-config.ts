/*
 * StreamsConfig: what a KafkaStreams application is configured with, validated by zod. Every
 * error names the field, the value given and what is expected, e.g.
 *   invalid streams config:
 *     commitIntervalMs: Too small: expected number to be >=0 (got -5)
 *
 * Fields and defaults (Kafka Streams' names in brackets):
 *   applicationId            required [application.id]; the consumer group and the prefix of
 *                            internal topics; letters, digits, '.', '_', '-'
 *   bootstrapServers         required [bootstrap.servers]; "host:port[,host:port]", a list, or
 *                            'embedded' (start the bundled broker in-process)
 *   stateDir                 '.tributary/state' [state.dir]; stores live under
 *                            stateDir/applicationId/taskId/
 *   commitIntervalMs         30000 [commit.interval.ms], 100 under exactly_once_v2 (Kafka's defaults)
 *   processingGuarantee      'at_least_once' (default) or 'exactly_once_v2' [processing.guarantee]:
 *                            one transactional producer per stream thread, see stream-thread.ts
 *   cacheMaxBytes            10 MiB [statestore.cache.max.bytes], one record cache per stream
 *                            thread shared by all its stores; 0 disables caching.
 *                            cacheMaxBytesBuffering [cache.max.bytes.buffering] is the deprecated
 *                            alias, used only when cacheMaxBytes is not given (as Kafka)
 *   replicationFactor        1 [replication.factor] for internal topics (-1 = broker default)
 *   defaultKeySerde / defaultValueSerde   optional Serde objects
 *   deserializationHandler   logAndFail [default.deserialization.exception.handler]
 *   processingExceptionHandler  logAndFail [processing.exception.handler, KIP-1033]; applies to
 *                            a processor's process() that throws and async operators' failed calls
 *   numStandbyReplicas       0 [num.standby.replicas]
 *   acceptableRecoveryLag    10000 [acceptable.recovery.lag]
 *   rebalanceProtocol        'cooperative' (default, KIP-429) or 'eager'. Kafka Streams has no
 *                            such switch: its `upgrade.from` < 2.4 forces eager. 'eager' serves the
 *                            same purpose: roll every instance of an application that ran eager
 *                            first with 'eager', then without it (see docs/architecture.md)
 *   upgradeFrom              optional [upgrade.from]: Kafka's values "2.4" … "4.2", or
 *                            'tributary-0.1'; set for the first of two bounces of an upgrade
 *                            (what each value changes: serde/upgrade-from.ts)
 *   maxWarmupReplicas        2 [max.warmup.replicas] (KIP-441): warmup tasks at a time
 *   probingRebalanceIntervalMs  600000 [probing.rebalance.interval.ms] (KIP-441, ≥ 60000)
 *   outerJoinEmitIntervalMs  1000 [Kafka's internal __emit.interval.ms.kstreams.outer.join.spurious.results.fix__]:
 *                            least wall-clock ms between two scans of a stream-stream outer/left
 *                            join for non-joined records (0: scan on every record, as the driver)
 *   iqConsistencyOffsetVectorEnabled  false [Kafka's internal __iq.consistency.offset.vector.enabled__]:
 *                            changelog records carry their store's IQv2 position in headers "v"/"c",
 *                            and restores and standbys recover positions from them
 *                            (docs/interactive-queries.md)
 *   applicationServer        optional "host:port" [application.server] for interactive queries
 *   interactiveQueries       optional: the built-in HTTP query server ({ listen: { host, port },
 *                            bearerToken?, forwardTimeoutMs? }; iq/query-server.ts)
 *   numStreamThreads         1 [num.stream.threads], 1..256: stream threads of this instance.
 *                            Thread 1 runs on the calling (main) thread, threads 2..N each on a
 *                            worker_threads Worker that builds the topology from the module given
 *                            to KafkaStreams.fromModule (runtime/threads/); the record cache
 *                            (cacheMaxBytes) is split evenly between the threads, as Kafka does
 *   dslStoreSuppliers        'leveldb' [dsl.store.suppliers.class, KIP-954]: where DSL stores come
 *                            from — 'leveldb', 'memory' (stores without local persistence) or a
 *                            DslStoreSuppliers object (state/dsl-store-suppliers.ts).
 *                            defaultStoreType [default.dsl.store, deprecated in Kafka 3.7] is the
 *                            older alias ('leveldb' | 'memory'), used only when dslStoreSuppliers
 *                            is not given (as Kafka)
 *   sessionTimeoutMs 45000, heartbeatIntervalMs 3000, rebalanceTimeoutMs 60000 (consumer)
 *   groupInstanceId          optional [group.instance.id]: static membership (KIP-345); the
 *                            stream thread's consumer uses `<groupInstanceId>-1`, as Kafka Streams
 *   pollMs                   100: the longest a poll waits for records
 *   maxRecordsPerIteration   1000: records processed per loop turn before yielding the event loop
 *   retryBackoffMs / retryBackoffMaxMs   500 / 10000: reconnect backoff when the broker is away
 *   metadataMaxAgeMs         300000 [metadata.max.age.ms]: how often RegExp sources look for new
 *                            topics that match
 *   maxBlockMs               60000 [producer max.block.ms]: how long output to a topic that does
 *                            not exist waits for it (a broker that auto-creates topics creates
 *                            it); then the thread fails with an error naming the topic
 *   embedded                 options of the bundled broker when bootstrapServers is 'embedded'
 *   security                 TLS and SASL for every client connection [security.protocol, ssl.*,
 *                            sasl.*]: { protocol, tls: { ca, cert, key, servername }, sasl:
 *                            { mechanism, username, password } } (src/client/security.ts)
 *   logger                   a Logger, or any object with warn/error (src/logging/logger.ts);
 *                            default stderr, level from TRIBUTARY_LOG_LEVEL
 *   metrics                  { recordingLevel 'INFO' [metrics.recording.level] | 'DEBUG' | 'TRACE',
 *                              sampleWindowMs 30000 [metrics.sample.window.ms], numSamples 2
 *                              [metrics.num.samples], port (serve /metrics over HTTP; 0 = any
 *                              free port; absent = no server), host '127.0.0.1' }
 *   appStatus                { enabled true, intervalMs 5000 }: publish this instance's status
 *                            (topology, tasks, rates) to __tributary_apps for the web console
 */
import type { ProcessingExceptionHandler } from '../errors/processing-exception-handler.ts';
import { z } from 'zod';
import type { DeserializationExceptionHandler } from '../errors/deserialization-handler.ts';
import type { Serde } from '../serde/serde.ts';
import { upgradeFromSchema, type UpgradeFrom } from '../serde/upgrade-from.ts';
import type { StreamsLogger } from '../task/internal-context.ts';
import { clientSecuritySchema, type ClientSecurity } from '../../client/security.ts';
import { RecordingLevels, type RecordingLevel } from '../../metrics/metric-registry.ts';
import { dslStoreChoiceSchema, type DslStoreChoice } from '../state/dsl-store-suppliers.ts';
import { interactiveQueriesSchema, type InteractiveQueriesConfig, type InteractiveQueriesConfigInput } from '../iq/iq-config.ts';

export const ProcessingGuarantees = ['at_least_once', 'exactly_once_v2'] as const;
export type ProcessingGuarantee = (typeof ProcessingGuarantees)[number];

export interface EmbeddedBrokerConfig {
  /** Where the broker keeps its logs; default `<stateDir>/../broker` i.e. `.tributary/broker`. */
  dataDir?: string;
  /** 0 = an ephemeral port (default). */
  port?: number;
  /** Partitions for auto-created topics; default 1. */
  defaultPartitions?: number;
  /** Topics to create at start when absent (inputs and outputs of a zero-setup app). */
  topics?: ReadonlyArray<{ readonly name: string; readonly partitions: number }>;
  /** Serve the broker's web console on this port (0 = any free port); absent = no console. */
  consolePort?: number;
}

/** What callers pass: only applicationId and bootstrapServers are required. */
export interface StreamsConfigInput {
  applicationId: string;
  bootstrapServers: string | readonly string[];
  stateDir?: string;
  commitIntervalMs?: number;
  processingGuarantee?: ProcessingGuarantee;
  cacheMaxBytes?: number;
  /** @deprecated Kafka's cache.max.bytes.buffering; use cacheMaxBytes (which wins when both are set). */
  cacheMaxBytesBuffering?: number;
  replicationFactor?: number;
  defaultKeySerde?: Serde<unknown>;
  defaultValueSerde?: Serde<unknown>;
  deserializationHandler?: DeserializationExceptionHandler;
  processingExceptionHandler?: ProcessingExceptionHandler;
  numStandbyReplicas?: number;
  acceptableRecoveryLag?: number;
  rebalanceProtocol?: 'cooperative' | 'eager';
  /** Kafka's upgrade.from, or 'tributary-0.1' (serde/upgrade-from.ts); only during an upgrade's first bounce. */
  upgradeFrom?: string;
  maxWarmupReplicas?: number;
  probingRebalanceIntervalMs?: number;
  outerJoinEmitIntervalMs?: number;
  /** Kafka's internal `__iq.consistency.offset.vector.enabled__` (default false): positions in changelog headers. */
  iqConsistencyOffsetVectorEnabled?: boolean;
  applicationServer?: string;
  /** The built-in HTTP interactive-query server (docs/interactive-queries.md); off when absent. */
  interactiveQueries?: InteractiveQueriesConfigInput;
  numStreamThreads?: number;
  /** Where DSL stores come from (KIP-954): 'leveldb' (default), 'memory' or a DslStoreSuppliers. */
  dslStoreSuppliers?: DslStoreChoice;
  /** @deprecated Kafka's default.dsl.store; use dslStoreSuppliers (which wins when both are set). */
  defaultStoreType?: 'memory' | 'leveldb';
  sessionTimeoutMs?: number;
  /**
   * Static membership (KIP-345, group.instance.id): restarting with the same id within
   * sessionTimeoutMs gets this instance its tasks back without a rebalance. Unique per instance.
   */
  groupInstanceId?: string;
  heartbeatIntervalMs?: number;
  rebalanceTimeoutMs?: number;
  pollMs?: number;
  maxRecordsPerIteration?: number;
  retryBackoffMs?: number;
  retryBackoffMaxMs?: number;
  metadataMaxAgeMs?: number;
  maxBlockMs?: number;
  embedded?: EmbeddedBrokerConfig;
  security?: ClientSecurity;
  logger?: StreamsLogger;
  metrics?: Partial<StreamsMetricsConfig>;
  appStatus?: Partial<AppStatusConfig>;
}

/** The status record published for the web console (src/streams/runtime/app-status-publisher.ts). */
export interface AppStatusConfig {
  readonly enabled: boolean;
  readonly intervalMs: number;
}

/** Metrics recording and the optional Prometheus endpoint (docs/metrics.md). */
export interface StreamsMetricsConfig {
  readonly recordingLevel: RecordingLevel;
  readonly sampleWindowMs: number;
  readonly numSamples: number;
  readonly port: number | undefined;
  readonly host: string;
}

export interface StreamsConfig {
  readonly applicationId: string;
  /** 'embedded', or broker addresses "host:port". */
  readonly bootstrapServers: 'embedded' | readonly string[];
  readonly stateDir: string;
  readonly commitIntervalMs: number;
  readonly processingGuarantee: ProcessingGuarantee;
  readonly cacheMaxBytes: number;
  readonly replicationFactor: number;
  readonly defaultKeySerde: Serde<unknown> | undefined;
  readonly defaultValueSerde: Serde<unknown> | undefined;
  readonly deserializationHandler: DeserializationExceptionHandler | undefined;
  readonly processingExceptionHandler: ProcessingExceptionHandler | undefined;
  readonly numStandbyReplicas: number;
  readonly acceptableRecoveryLag: number;
  readonly rebalanceProtocol: 'cooperative' | 'eager';
  readonly upgradeFrom: UpgradeFrom | undefined;
  readonly maxWarmupReplicas: number;
  readonly probingRebalanceIntervalMs: number;
  readonly outerJoinEmitIntervalMs: number;
  readonly iqConsistencyOffsetVectorEnabled: boolean;
  readonly applicationServer: HostInfo | undefined;
  readonly interactiveQueries: InteractiveQueriesConfig | undefined;
  readonly numStreamThreads: number;
  /** The resolved store choice: dslStoreSuppliers, else defaultStoreType, else 'leveldb'. */
  readonly dslStoreSuppliers: DslStoreChoice;
  readonly sessionTimeoutMs: number;
  readonly groupInstanceId: string | undefined;
  readonly heartbeatIntervalMs: number;
  readonly rebalanceTimeoutMs: number;
  readonly pollMs: number;
  readonly maxRecordsPerIteration: number;
  readonly retryBackoffMs: number;
  readonly retryBackoffMaxMs: number;
  readonly metadataMaxAgeMs: number;
  readonly maxBlockMs: number;
  readonly embedded: EmbeddedBrokerConfig;
  readonly security: ClientSecurity | undefined;
  readonly logger: StreamsLogger | undefined;
  readonly metrics: StreamsMetricsConfig;
  readonly appStatus: AppStatusConfig;
}

/** An instance's interactive-query endpoint (application.server). */
export interface HostInfo {
  readonly host: string;
  readonly port: number;
}

export class StreamsConfigError extends Error {
  override readonly name = 'StreamsConfigError';
}

const HOST_PORT = /^([^\s:]+|\[[0-9a-fA-F:]+\]):(\d{1,5})$/;

export function parseHostPort(text: string): HostInfo | undefined {
  const m = HOST_PORT.exec(text.trim());
  if (m === null) return undefined;
  const port = Number(m[2]);
  if (port < 1 || port > 65535) return undefined;
  return { host: m[1]!, port };
}

const int = (min: number, max = 2_147_483_647) => z.number().int().min(min).max(max);
const serde = z.custom<Serde<unknown>>(
  (v) => typeof v === 'object' && v !== null && typeof (v as Serde<unknown>).serialize === 'function' && typeof (v as Serde<unknown>).deserialize === 'function',
  'must be a Serde (an object with serialize and deserialize), e.g. Serdes.string()',
);
const hostPort = z.string().refine((s) => parseHostPort(s) !== undefined, 'must be "host:port" with a port in 1..65535');

const schema = z
  .object({
    applicationId: z
      .string()
      .min(1, 'must not be empty')
      .max(200)
      .regex(/^[a-zA-Z0-9._-]+$/, 'may only contain letters, digits, ".", "_" and "-" (it prefixes topic names)'),
    bootstrapServers: z.union([
      z.literal('embedded'),
      z.string().transform((s) => s.split(',').map((x) => x.trim()).filter((x) => x.length > 0)).pipe(z.array(hostPort).min(1, 'must list at least one "host:port"')),
      z.array(hostPort).min(1, 'must list at least one "host:port"'),
    ]),
    stateDir: z.string().min(1, 'must be a non-empty directory path').default('.tributary/state'),
    commitIntervalMs: int(0).optional(),
    processingGuarantee: z
      .enum(ProcessingGuarantees, { message: 'must be "at_least_once" or "exactly_once_v2" (Kafka\'s "exactly_once" and "exactly_once_beta" were removed in Kafka 4.0; use "exactly_once_v2")' })
      .default('at_least_once'),
    cacheMaxBytes: int(0, Number.MAX_SAFE_INTEGER).optional(),
    cacheMaxBytesBuffering: int(0, Number.MAX_SAFE_INTEGER).optional(),
    replicationFactor: z.union([z.literal(-1), int(1, 32767)]).default(1),
    defaultKeySerde: serde.optional(),
    defaultValueSerde: serde.optional(),
    deserializationHandler: z
      .custom<DeserializationExceptionHandler>((v) => typeof v === 'object' && v !== null && typeof (v as DeserializationExceptionHandler).handle === 'function', 'must be a handler from DeserializationHandlers')
      .optional(),
    processingExceptionHandler: z
      .custom<ProcessingExceptionHandler>((v) => typeof v === 'object' && v !== null && typeof (v as ProcessingExceptionHandler).handle === 'function', 'must be a handler from ProcessingHandlers')
      .optional(),
    numStandbyReplicas: int(0, 100).default(0),
    acceptableRecoveryLag: int(0, Number.MAX_SAFE_INTEGER).default(10_000),
    rebalanceProtocol: z.enum(['cooperative', 'eager'], { message: 'must be "cooperative" (KIP-429, the default) or "eager"' }).default('cooperative'),
    upgradeFrom: upgradeFromSchema.optional(),
    maxWarmupReplicas: int(1, 1000).default(2),
    probingRebalanceIntervalMs: int(60_000).default(600_000),
    outerJoinEmitIntervalMs: int(0).default(1000),
    iqConsistencyOffsetVectorEnabled: z.boolean({ message: 'must be true or false' }).default(false),
    applicationServer: hostPort.optional(),
    interactiveQueries: interactiveQueriesSchema.optional(),
    numStreamThreads: int(1, 256).default(1),
    dslStoreSuppliers: dslStoreChoiceSchema.optional(),
    defaultStoreType: z.enum(['memory', 'leveldb'], { message: 'must be "leveldb" or "memory" (or use dslStoreSuppliers)' }).optional(),
    sessionTimeoutMs: int(1000).default(45_000),
    groupInstanceId: z.string().min(1).max(249).regex(/^[a-zA-Z0-9._-]+$/, 'may only hold ASCII letters, digits, ".", "_" and "-"').optional(),
    heartbeatIntervalMs: int(100).default(3000),
    rebalanceTimeoutMs: int(1000).default(60_000),
    pollMs: int(1, 60_000).default(100),
    maxRecordsPerIteration: int(1).default(1000),
    retryBackoffMs: int(1).default(500),
    retryBackoffMaxMs: int(1).default(10_000),
    metadataMaxAgeMs: int(1).default(300_000),
    maxBlockMs: int(0).default(60_000),
    embedded: z
      .object({
        dataDir: z.string().min(1).optional(),
        port: int(0, 65535).optional(),
        defaultPartitions: int(1, 100_000).optional(),
        topics: z.array(z.object({ name: z.string().min(1), partitions: int(1, 10_000) }).strict()).optional(),
        consolePort: int(0, 65535).optional(),
      })
      .strict()
      .default({}),
    security: z.optional(clientSecuritySchema),
    logger: z
      .custom<StreamsLogger>((v) => typeof v === 'object' && v !== null && typeof (v as StreamsLogger).warn === 'function' && typeof (v as StreamsLogger).error === 'function', 'must have warn() and error()')
      .optional(),
    metrics: z
      .object({
        recordingLevel: z.enum(RecordingLevels).default('INFO'),
        sampleWindowMs: int(1).default(30_000),
        numSamples: int(1, 100).default(2),
        port: int(0, 65535).optional(),
        host: z.string().min(1).default('127.0.0.1'),
      })
      .strict()
      .default({ recordingLevel: 'INFO', sampleWindowMs: 30_000, numSamples: 2, host: '127.0.0.1' }),
    appStatus: z.object({ enabled: z.boolean().default(true), intervalMs: int(100, 3_600_000).default(5000) }).strict().default({ enabled: true, intervalMs: 5000 }),
  })
  .strict()
  .refine((c) => c.heartbeatIntervalMs < c.sessionTimeoutMs, { message: 'must be lower than sessionTimeoutMs', path: ['heartbeatIntervalMs'] });

/** Fills defaults and validates; throws StreamsConfigError naming each offending field. */
export function parseStreamsConfig(input: StreamsConfigInput): StreamsConfig {
  const result = schema.safeParse(input ?? {});
  if (!result.success) {
    const lines = result.error.issues.map((issue) => {
      const path = issue.path.length > 0 ? issue.path.map(String).join('.') : '(config)';
      const given = valueAt(input, issue.path);
      const shown = given === undefined ? 'missing' : `got ${show(given)}`;
      return `${path}: ${issue.message} (${shown})`;
    });
    throw new StreamsConfigError(`invalid streams config:\n  ${lines.join('\n  ')}`);
  }
  const { cacheMaxBytesBuffering, defaultStoreType, ...d } = result.data;
  return {
    ...d,
    dslStoreSuppliers: d.dslStoreSuppliers ?? defaultStoreType ?? 'leveldb',
    cacheMaxBytes: d.cacheMaxBytes ?? cacheMaxBytesBuffering ?? 10 * 1024 * 1024,
    commitIntervalMs: d.commitIntervalMs ?? (d.processingGuarantee === 'exactly_once_v2' ? 100 : 30_000),
    bootstrapServers: d.bootstrapServers,
    applicationServer: d.applicationServer === undefined ? undefined : parseHostPort(d.applicationServer),
    embedded: d.embedded,
    defaultKeySerde: d.defaultKeySerde,
    defaultValueSerde: d.defaultValueSerde,
    deserializationHandler: d.deserializationHandler,
    processingExceptionHandler: d.processingExceptionHandler,
    logger: d.logger,
  } as StreamsConfig;
}

function show(v: unknown): string {
  if (typeof v === 'object' && v !== null && !Array.isArray(v)) return Object.prototype.toString.call(v);
  try {
    return JSON.stringify(v);
  } catch {
    return String(v);
  }
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = input;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[key];
  }
  return cur;
}
