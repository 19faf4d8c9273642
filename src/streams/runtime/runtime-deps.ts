/*
 * Production wiring of RuntimeDeps (client-port.ts) from a ClientFactory (src/client/types.ts):
 * the producer, admin and assign-only consumer are the client's own objects (they satisfy the
 * ports as they are); the group consumer is wrapped so that
 *   - it subscribes to the application's input topics on connect,
 *   - it joins with the streams task assignor, whose subscription userData carries this member's
 *     tasks and their changelog offsets (stickiness, warm-state preference),
 *   - onAssigned decodes the assignor's userData (active/standby tasks, host map) for the thread.
 *   - an application with RegExp sources subscribes to one pattern (pattern-subscription.ts)
 *     re-read every metadataMaxAgeMs,
 *   - the leader's assignor lists the changelog end offsets (a short-lived admin) to measure
 *     each member's lag exactly, as Kafka's assignor does.
 *   - an assignment that placed warmups (KIP-441) makes the member rejoin after
 *     probingRebalanceIntervalMs (a probing rebalance: a warmup that caught up takes its task).
 * Internal topics are created/validated with internal-topics.ts before the group is joined.
 * The global thread gets its own admin and assign-only consumer (global()).
 */
import type { ClientSecurity } from '../../client/security.ts';
import { createClientFactory } from '../../client/client-factory.ts';
import type { LoggerLike } from '../../logging/logger.ts';
import type { MetricRegistry } from '../../metrics/metric-registry.ts';
import type { Admin, ClientFactory, GroupAssignor } from '../../client/types.ts';
import { decodeAssignment } from './assignor/assignment-codec.ts';
import { createStreamsAssignor } from './assignor/streams-assignor.ts';
import { InternalTopicError, ensureInternalTopics } from './internal-topics.ts';
import { applicationTopicPattern } from './pattern-subscription.ts';
import type { PortAssignment, PortGroupConsumer, PortGroupConsumerOptions, PortSubscriptionInfo, RuntimeDeps } from './client-port.ts';
import type { RuntimeDepsContext } from './kafka-streams.ts';

/** The assignor and topic-setup pieces the wiring needs (from runtime/assignor and internal-topics.ts). */
export interface StreamsGroupPieces {
  /** The streams assignor for this member; `info()` is read at every (re)join. */
  assignor(info: () => PortSubscriptionInfo): GroupAssignor;
  /** Decodes the assignment userData this member received. */
  decodeAssignment(userData: Buffer): Omit<PortAssignment, 'partitions'>;
  ensureInternalTopics(admin: Admin): Promise<void>;
  /** One RegExp subscription for applications with pattern sources (else the topic list). */
  readonly subscription?: RegExp | undefined;
}

/**
 * Kafka Streams' producer default under exactly-once (transaction.timeout.ms = 10 s): a crashed
 * instance's open transaction is aborted by the coordinator within this time even if the instance
 * never comes back (a restarted one fences it at once with the same transactional id).
 */
const EOS_TRANSACTION_TIMEOUT_MS = 10_000;

export function runtimeDepsFromClients(clients: ClientFactory, pieces: StreamsGroupPieces, pollMaxWaitMs: number, tuning: { maxBlockMs?: number; metadataMaxAgeMs?: number; probingRebalanceIntervalMs?: number } = {}): RuntimeDeps {
  return {
    producer: (options = {}) =>
      options.transactionalId === undefined
        ? clients.producer({ acks: -1, maxBlockMs: tuning.maxBlockMs })
        : clients.producer({ transactionalId: options.transactionalId, offsetsGroupId: options.offsetsGroupId, transactionTimeoutMs: EOS_TRANSACTION_TIMEOUT_MS, maxBlockMs: tuning.maxBlockMs }),
    global: () => ({
      admin: () => clients.admin(),
      consumer: () => clients.assignedConsumer({ offsetReset: 'earliest', maxWaitMs: pollMaxWaitMs }),
    }),
    admin: () => clients.admin(),
    assignedConsumer: () => clients.assignedConsumer({ offsetReset: 'earliest', maxWaitMs: pollMaxWaitMs }),
    ensureInternalTopics: () => withAdmin(clients, (admin) => pieces.ensureInternalTopics(admin)),
    groupConsumer(options: PortGroupConsumerOptions): PortGroupConsumer {
      let probe: NodeJS.Timeout | undefined;
      const consumer = clients.consumer({
        groupId: options.groupId,
        assignor: pieces.assignor(options.subscriptionInfo),
        sessionTimeoutMs: options.sessionTimeoutMs,
        heartbeatIntervalMs: options.heartbeatIntervalMs,
        rebalanceTimeoutMs: options.rebalanceTimeoutMs,
        metadataMaxAgeMs: tuning.metadataMaxAgeMs,
        groupInstanceId: options.groupInstanceId,
        maxWaitMs: pollMaxWaitMs,
        offsetReset: 'earliest',
        beforeRevoke: options.beforeRevoke,
        onAssigned: async (a) => {
          const decoded: Omit<PortAssignment, 'partitions'> & { probingRebalance?: boolean } = a.userData.length > 0 ? pieces.decodeAssignment(a.userData) : {};
          clearTimeout(probe);
          if (decoded.probingRebalance === true) {
            probe = setTimeout(() => consumer.enforceRebalance?.(), tuning.probingRebalanceIntervalMs ?? 600_000);
            probe.unref();
          }
          await options.onAssigned({ ...decoded, partitions: a.partitions });
        },
      });
      return {
        connect: async () => {
          await consumer.connect();
          await consumer.subscribe(pieces.subscription ?? options.topics);
        },
        poll: (max, timeoutMs) => consumer.poll(max, timeoutMs),
        commitOffsets: (offsets) => consumer.commitOffsets(offsets),
        rebalanceInProgress: () => consumer.rebalanceInProgress?.() ?? false,
        committed: (tps) => consumer.committed(tps),
        groupMetadata: () => consumer.groupMetadata(),
        disconnect: () => {
          clearTimeout(probe);
          return consumer.disconnect();
        },
      };
    },
  };
}

/** The clients the runtime uses: producer, consumers and admin of the project's own client (src/client/client-factory.ts). */
export function clientFactoryFor(bootstrapServers: readonly string[], clientId: string, security?: ClientSecurity, logger?: LoggerLike, metrics?: MetricRegistry): ClientFactory {
  return createClientFactory({ bootstrapServers, clientId, logLevel: process.env['TRIBUTARY_DEBUG'] ? 'info' : 'error', security, logger, metrics });
}

/** The production RuntimeDeps: clientFactoryFor clients, the tributary-streams assignor, internal topics. */
export function createRuntimeDeps(context: RuntimeDepsContext): RuntimeDeps {
  const { config, topology } = context;
  const clients = clientFactoryFor(context.bootstrapServers, context.clientId, config.security, context.logger, context.metrics);
  const server = config.applicationServer;
  return runtimeDepsFromClients(
    clients,
    {
      assignor: (info) =>
        createStreamsAssignor({
          topology,
          applicationId: config.applicationId,
          processId: context.processId,
          applicationServer: server === undefined ? null : `${server.host}:${server.port}`,
          numStandbyReplicas: config.numStandbyReplicas,
          acceptableRecoveryLag: config.acceptableRecoveryLag,
          maxWarmupReplicas: config.maxWarmupReplicas,
          cooperative: config.rebalanceProtocol === 'cooperative',
          localState: info,
          changelogEndOffsets: (tps) => withAdmin(clients, (admin) => admin.listOffsets(tps, 'latest')),
          warn: (m) => context.logger.warn(m),
        }),
      subscription: applicationTopicPattern(topology, config.applicationId),
      decodeAssignment: (userData) => decodeAssignment(userData),
      async ensureInternalTopics(admin) {
        try {
          await ensureInternalTopics(admin, topology, { applicationId: config.applicationId, replicationFactor: config.replicationFactor });
        } catch (e) {
          // Input topics that do not exist YET are waited for (retried with backoff, REBALANCING),
          // not fatal: they are often created right after the application starts.
          if (e instanceof InternalTopicError && /^Source topic\(s\)/.test(e.message)) throw new Error(e.message, { cause: e });
          throw e;
        }
      },
    },
    Math.min(config.pollMs, 100),
    { maxBlockMs: config.maxBlockMs, metadataMaxAgeMs: config.metadataMaxAgeMs, probingRebalanceIntervalMs: config.probingRebalanceIntervalMs },
  );
}

/** Runs `fn` with a connected admin that is disconnected afterwards. */
async function withAdmin<T>(clients: ClientFactory, fn: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = clients.admin();
  try {
    await admin.connect();
    return await fn(admin);
  } finally {
    await admin.disconnect().catch(() => {});
  }
}
