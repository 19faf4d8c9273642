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
import type { TransactionDescription } from '../../client/types.ts';
import { CliError } from '../cli-errors.ts';
import { withAdmin, withBootstrapOption, type ClientFlags } from '../client-session.ts';
import { formatTable } from './topics.ts';

export function formatTransaction(v: TransactionDescription): string {
  const lines = [
    `Transactional id: ${v.transactionalId}`,
    `State:            ${v.state}`,
    `Producer:         id ${v.producerId}, epoch ${v.producerEpoch}`,
    `Timeout:          ${v.timeoutMs} ms`,
    `Started:          ${v.startTimeMs >= 0 ? new Date(v.startTimeMs).toISOString() : '-'}`,
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
    const all = await withAdmin(flags, (admin) => admin.listTransactions(flags.state));
    const rows = all.map((t) => [t.transactionalId, String(t.producerId), t.state]);
    process.stdout.write(`${formatTable([['TRANSACTIONAL-ID', 'PRODUCER-ID', 'STATE'], ...rows])}\n`);
  });

  withBootstrapOption(txns.command('describe').description('show the state and partitions of a transaction').argument('<transactional-id>', 'transactional id')).action(
    async (transactionalId: string, flags: ClientFlags) => {
      const view = await withAdmin(flags, (admin) => admin.describeTransaction(transactionalId));
      process.stdout.write(`${formatTransaction(view)}\n`);
    },
  );
}
