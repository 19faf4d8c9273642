/*
 * `tributary transactions list|describe`: transaction administration over the Kafka protocol
 * (ListTransactions, FindCoordinator key type 1, DescribeTransactions; KIP-664), against the
 * bundled broker or any Kafka 3.0+ cluster.
 *
 *   transactions list [--state S]…      one row per transactional id: id, producer id, state;
 *                                       ListTransactions goes to every broker, since each lists
 *                                       only the transactional ids it coordinates
 *   transactions describe ID            state, producer id and epoch, timeout, start time and the
 *                                       partitions of the open transaction (from its coordinator)
 */
import type { Command } from 'commander';
import { ApiKeys } from '../../protocol/api-keys.ts';
import type { WireCluster } from '../../client/wire/cluster.ts';
import type { WireConnection } from '../../client/wire/connection.ts';
import { checkErrorCode } from '../../client/wire/wire-errors.ts';
import { CliError } from '../cli-errors.ts';
import { withBootstrapOption, withCluster, type ClientFlags } from '../client-session.ts';
import { formatTable } from './topics.ts';

export interface TransactionListing {
  transactionalId: string;
  producerId: bigint;
  state: string;
}

export interface TransactionView {
  transactionalId: string;
  state: string;
  producerId: bigint;
  producerEpoch: number;
  timeoutMs: number;
  /** -1 when no transaction is open. */
  startTimeMs: bigint;
  partitions: { topic: string; partitions: number[] }[];
}

/** Every transactional id of the cluster, optionally only those in `states`, ordered by id. */
export async function listTransactions(cluster: WireCluster, states: readonly string[] = []): Promise<TransactionListing[]> {
  await cluster.refresh([]);
  const out = new Map<string, TransactionListing>();
  for (const nodeId of cluster.brokers.keys()) {
    const conn = await cluster.connectionTo(nodeId);
    const { body } = await conn.request(ApiKeys.ListTransactions, { stateFilters: [...states], producerIdFilters: [], durationFilter: -1n });
    checkErrorCode(body.errorCode, `listing transactions on broker ${nodeId}`);
    if (body.unknownStateFilters.length > 0) {
      throw new CliError(`unknown transaction state(s): ${body.unknownStateFilters.join(', ')}; use Empty, Ongoing, PrepareCommit, PrepareAbort, CompleteCommit, CompleteAbort, PrepareEpochFence or Dead`);
    }
    for (const t of body.transactionStates) out.set(t.transactionalId, { transactionalId: t.transactionalId, producerId: t.producerId, state: t.transactionState });
  }
  return [...out.values()].sort((a, b) => a.transactionalId.localeCompare(b.transactionalId));
}

/** The connection to the transaction coordinator of `transactionalId` (FindCoordinator key type 1). */
async function coordinatorOf(cluster: WireCluster, transactionalId: string): Promise<WireConnection> {
  const conn = await cluster.any();
  const { version, body } = await conn.request(ApiKeys.FindCoordinator, { key: transactionalId, keyType: 1, coordinatorKeys: [transactionalId] });
  const found = version >= 4 ? body.coordinators[0] : body;
  if (!found) throw new CliError(`the broker returned no coordinator for transactional id "${transactionalId}"`);
  checkErrorCode(found.errorCode, `finding the coordinator of transactional id "${transactionalId}"`, found.errorMessage);
  await cluster.refresh([]);
  return cluster.connectionTo(found.nodeId);
}

export async function describeTransaction(cluster: WireCluster, transactionalId: string): Promise<TransactionView> {
  const conn = await coordinatorOf(cluster, transactionalId);
  const { body } = await conn.request(ApiKeys.DescribeTransactions, { transactionalIds: [transactionalId] });
  const t = body.transactionStates[0];
  if (!t) throw new CliError(`the broker returned no description for transactional id "${transactionalId}"`);
  checkErrorCode(t.errorCode, `describing transactional id "${transactionalId}"`);
  return {
    transactionalId: t.transactionalId,
    state: t.transactionState,
    producerId: t.producerId,
    producerEpoch: t.producerEpoch,
    timeoutMs: t.transactionTimeoutMs,
    startTimeMs: t.transactionStartTimeMs,
    partitions: t.topics.map((tp) => ({ topic: tp.topic, partitions: [...tp.partitions] })),
  };
}

export function formatTransaction(v: TransactionView): string {
  const lines = [
    `Transactional id: ${v.transactionalId}`,
    `State:            ${v.state}`,
    `Producer:         id ${v.producerId}, epoch ${v.producerEpoch}`,
    `Timeout:          ${v.timeoutMs} ms`,
    `Started:          ${v.startTimeMs >= 0n ? new Date(Number(v.startTimeMs)).toISOString() : '-'}`,
  ];
  const rows = v.partitions.flatMap((t) => t.partitions.map((p) => [t.topic, String(p)]));
  if (rows.length > 0) lines.push('', formatTable([['TOPIC', 'PARTITION'], ...rows]));
  return lines.join('\n');
}

export function registerTransactionsCommands(program: Command): void {
  const txns = program.command('transactions').description('list and describe transactions');

  withBootstrapOption(
    txns
      .command('list')
      .description('list transactional ids with their producer id and state')
      .option('--state <state>', 'only transactions in this state (repeatable)', (s: string, prev: string[]) => [...prev, s], [] as string[]),
  ).action(async (flags: ClientFlags & { state: string[] }) => {
    const all = await withCluster(flags, (cluster) => listTransactions(cluster, flags.state));
    const rows = all.map((t) => [t.transactionalId, String(t.producerId), t.state]);
    process.stdout.write(`${formatTable([['TRANSACTIONAL-ID', 'PRODUCER-ID', 'STATE'], ...rows])}\n`);
  });

  withBootstrapOption(txns.command('describe').description('show the state and partitions of a transaction').argument('<transactional-id>', 'transactional id')).action(
    async (transactionalId: string, flags: ClientFlags) => {
      const view = await withCluster(flags, (cluster) => describeTransaction(cluster, transactionalId));
      process.stdout.write(`${formatTransaction(view)}\n`);
    },
  );
}
