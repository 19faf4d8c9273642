/*
 * `tributary consume TOPIC`: prints records as they arrive, like kafka-console-consumer, without
 * a consumer group (it assigns partitions itself and commits nothing).
 *
 *   --from-beginning   start at each partition's earliest offset (default: its end, new records only)
 *   --partition N      only partition N (default: every partition)
 *   --max-messages N   exit after N records
 *   --print-key        print KEY<tab>VALUE (null keys and values print as "null")
 *   --timeout-ms N     exit once no record has arrived for N ms
 *
 * Without --max-messages or --timeout-ms it runs until Ctrl-C. The count of records goes to
 * stderr at exit. If stdout closes (`| head`), it stops quietly.
 */
import type { Command } from 'commander';
import { PartitionConsumer, type ConsumedRecord } from '../../client/consumer/partition-consumer.ts';
import { withBootstrapOption, withCluster, type ClientFlags } from '../client-session.ts';
import { intArg } from '../option-parsers.ts';

interface ConsumeFlags extends ClientFlags {
  fromBeginning?: boolean;
  partition?: number;
  maxMessages?: number;
  printKey?: boolean;
  timeoutMs?: number;
}

export function formatRecord(r: ConsumedRecord, printKey: boolean): string {
  const value = r.value === null ? 'null' : r.value.toString('utf8');
  if (!printKey) return value;
  return `${r.key === null ? 'null' : r.key.toString('utf8')}\t${value}`;
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
      .option('--timeout-ms <n>', 'exit when no record arrived for this long', intArg('--timeout-ms', 1)),
  ).action(async (topic: string, flags: ConsumeFlags) => {
    let stopped = false;
    const stop = (): void => {
      stopped = true;
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    process.stdout.on('error', stop);
    let count = 0;
    try {
      await withCluster(flags, async (cluster) => {
        const consumer = new PartitionConsumer(cluster, { maxWaitMs: Math.min(500, flags.timeoutMs ?? 500) });
        await consumer.assign(topic, flags.fromBeginning ? 'earliest' : 'latest', flags.partition === undefined ? undefined : [flags.partition]);
        let lastRecordAt = Date.now();
        while (!stopped) {
          const records = await consumer.poll();
          if (records.length > 0) {
            lastRecordAt = Date.now();
            const room = flags.maxMessages === undefined ? records.length : flags.maxMessages - count;
            const shown = records.slice(0, room);
            count += shown.length;
            process.stdout.write(shown.map((r) => `${formatRecord(r, flags.printKey ?? false)}\n`).join(''));
            if (flags.maxMessages !== undefined && count >= flags.maxMessages) break;
          } else if (flags.timeoutMs !== undefined && Date.now() - lastRecordAt >= flags.timeoutMs) {
            break;
          }
        }
      });
    } finally {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    }
    process.stderr.write(`Processed a total of ${count} message${count === 1 ? '' : 's'}.\n`);
  });
}
