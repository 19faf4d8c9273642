/*
 * `tributary consume TOPIC`: prints records as they arrive, like kafka-console-consumer. Without
 * --group it assigns partitions itself and commits nothing.
 *
 *   --from-beginning   start at each partition's earliest offset (default: its end, new records only)
 *   --partition N      only partition N (default: every partition)
 *   --max-messages N   exit after N records
 *   --print-key        print KEY<tab>VALUE (null keys and values print as "null")
 *   --timeout-ms N     exit once no record has arrived for N ms
 *
 * Without --max-messages or --timeout-ms it runs until Ctrl-C. The count of records goes to
 * stderr at exit. If stdout closes (`| head`), it stops quietly.
 *
 *   --group ID         read as a member of consumer group ID, committing what was printed
 *                      (consume-source.ts); without it no group is used and nothing is committed
 *   --print-timestamp  prefix each line with Timestamp:MS<tab>
 *   --print-headers    prefix each line with the headers, k1:v1,k2:v2<tab> (NO_HEADERS when none)
 *
 * The prefixes come in kafka-console-consumer's order: timestamp, headers, key, value.
 *
 * Progress (src/cli/progress.ts): when stdout is redirected (`> out.txt`, `| gzip`) and stderr is
 * a terminal, a run longer than a second shows records and bytes (keys + values) so far and the
 * rate on one stderr line redrawn in place; with --max-messages it adds percent and ETA. When
 * stdout is the terminal the records are the progress, and when stderr is not a terminal nothing
 * is printed but the final count, like kafka-console-consumer. `--no-progress` turns it off.
 */
import type { Command } from 'commander';
import type { Admin, ConsumedRecord } from '../../client/types.ts';
import { assignedSource, groupSource, type ConsumeSource } from './consume-source.ts';
import { CliError } from '../cli-errors.ts';
import { cliClients, withAdmin, withBootstrapOption, type ClientFlags } from '../client-session.ts';
import { intArg } from '../option-parsers.ts';
import { Progress } from '../progress.ts';

interface ConsumeFlags extends ClientFlags {
  fromBeginning?: boolean;
  partition?: number;
  maxMessages?: number;
  printKey?: boolean;
  printTimestamp?: boolean;
  printHeaders?: boolean;
  group?: string;
  timeoutMs?: number;
  progress: boolean;
}

export interface FormatOptions {
  readonly printKey?: boolean | undefined;
  readonly printTimestamp?: boolean | undefined;
  readonly printHeaders?: boolean | undefined;
}

/** One output line (without the newline), in kafka-console-consumer's field order. */
export function formatRecord(r: ConsumedRecord, opts: FormatOptions): string {
  let line = '';
  if (opts.printTimestamp === true) line += `Timestamp:${r.timestamp}\t`;
  if (opts.printHeaders === true) {
    const names = Object.keys(r.headers);
    line += names.length === 0 ? 'NO_HEADERS\t' : `${names.map((k) => `${k}:${r.headers[k]!.toString('utf8')}`).join(',')}\t`;
  }
  if (opts.printKey === true) line += `${r.key === null ? 'null' : r.key.toString('utf8')}\t`;
  return line + (r.value === null ? 'null' : r.value.toString('utf8'));
}

/** The partitions `consume` reads: every partition of the topic, or the one asked for. */
async function partitionsToRead(admin: Admin, topic: string, only: number | undefined): Promise<number[]> {
  const [info] = await admin.describeTopics([topic]);
  if (info === undefined) throw new CliError(`topic "${topic}" does not exist; check the name with \`tributary topics list\`, or create it with \`tributary topics create\``);
  if (only === undefined) return Array.from({ length: info.partitions }, (_, p) => p);
  if (only >= info.partitions) throw new CliError(`--partition ${only}: topic "${topic}" has partitions 0-${info.partitions - 1}`);
  return [only];
}

export function registerConsumeCommand(program: Command): void {
  withBootstrapOption(
    program
      .command('consume')
      .description('print the records of a topic as they arrive')
      .argument('<topic>', 'topic to read')
      .option('--from-beginning', 'start at the earliest offset instead of the end')
      .option('--partition <n>', 'read only this partition', intArg('--partition', 0, 2_147_483_647))
      .option('--max-messages <n>', 'exit after this many records', intArg('--max-messages', 1))
      .option('--print-key', 'print KEY<tab>VALUE')
      .option('--print-timestamp', 'prefix each record with Timestamp:MS<tab>')
      .option('--print-headers', 'prefix each record with its headers as k1:v1,k2:v2<tab>')
      .option('--group <id>', 'consume as a member of this consumer group, committing what was printed')
      .option('--timeout-ms <n>', 'exit when no record arrived for this long', intArg('--timeout-ms', 1))
      .option('--no-progress', 'do not show the progress line on a terminal'),
  ).action(async (topic: string, flags: ConsumeFlags) => {
    if (flags.group !== undefined && flags.partition !== undefined) throw new CliError('--group and --partition cannot be used together (the group decides which partitions this member reads)');
    if (flags.group === '') throw new CliError('--group must not be empty');
    let stopped = false;
    const stop = (): void => {
      stopped = true;
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    process.stdout.on('error', stop);
    let count = 0;
    const partitions = await withAdmin(flags, (admin) => partitionsToRead(admin, topic, flags.partition));
    const waitMs = Math.min(500, flags.timeoutMs ?? 500);
    const progress = new Progress({
      verb: 'Consumed',
      out: process.stderr,
      enabled: flags.progress && process.stdout.isTTY !== true,
      ...(flags.maxMessages !== undefined ? { total: { unit: 'records' as const, value: flags.maxMessages } } : {}),
    });
    const clients = await cliClients(flags);
    const sourceOptions = { topic, offsetReset: flags.fromBeginning ? ('earliest' as const) : ('latest' as const), maxWaitMs: waitMs };
    const source: ConsumeSource =
      flags.group === undefined
        ? await assignedSource(clients, sourceOptions, partitions)
        : await groupSource(clients, sourceOptions, flags.group, (m) => process.stderr.write(`warning: ${m}\n`));
    try {
      let lastRecordAt = Date.now();
      while (!stopped) {
        const batches = await source.poll(flags.maxMessages === undefined ? 10_000 : flags.maxMessages - count, waitMs);
        if (batches.length > 0) {
          lastRecordAt = Date.now();
          let text = '';
          let records = 0;
          let bytes = 0;
          for (const b of batches) {
            for (const r of b.records) {
              text += `${formatRecord(r, flags)}\n`;
              bytes += (r.key?.length ?? 0) + (r.value?.length ?? 0);
            }
            records += b.records.length;
          }
          count += records;
          process.stdout.write(text);
          await source.delivered(batches);
          progress.add(records, bytes);
          if (flags.maxMessages !== undefined && count >= flags.maxMessages) break;
        } else {
          if (flags.timeoutMs !== undefined && Date.now() - lastRecordAt >= flags.timeoutMs) break;
          progress.tick();
        }
      }
    } finally {
      progress.finish();
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      await source.close();
    }
    process.stderr.write(`Processed a total of ${count} message${count === 1 ? '' : 's'}.\n`);
  });
}
