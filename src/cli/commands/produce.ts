/*
 * `tributary produce TOPIC`: one record per stdin line, like kafka-console-producer.
 *
 *   --key-separator SEP   each line is KEY<SEP>VALUE (split at the first SEP; a line without SEP
 *                         is an error naming the line). Without it lines are values, keys null.
 *   --partition N         every record to partition N (default: murmur2(key) like the Java
 *                         client, or sticky for null keys: ~16 KiB to a partition, then the next)
 *   --acks 0|1|-1|all     default -1
 *   --header K=V          a header on every record (repeat for more; the value is sent as UTF-8)
 *   --timestamp MS        every record's timestamp (CreateTime), in ms since the epoch
 *                         (default: the time its chunk is sent)
 *
 * Piped lines are sent in chunks (at most 1000 lines or 512 KiB) and each chunk is acknowledged
 * before more input is read, so memory stays bounded for any input size and an error stops the
 * input at a known line. Lines typed at a terminal are sent one by one as they are entered. A summary goes to stderr, keeping stdout free for pipelines.
 *
 * Progress (src/cli/progress.ts): when stdin is piped and stderr is a terminal, a run longer than
 * a second shows records and bytes sent so far and the rate on one stderr line redrawn in place;
 * when stdin is a file (`< records.txt`) its size is known, so the line adds percent and ETA.
 * With stderr not a terminal nothing is printed but the summary, like kafka-console-producer.
 * `--no-progress` turns the line off.
 */
import type { Command } from 'commander';
import { fstatSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { ProducerRecord } from '../../client/types.ts';
import { CliError } from '../cli-errors.ts';
import { cliClients, withBootstrapOption, type ClientFlags } from '../client-session.ts';
import { acksArg, headerPair, intArg, unescapeSeparator } from '../option-parsers.ts';
import { Progress } from '../progress.ts';

interface ProduceFlags extends ClientFlags {
  keySeparator?: string;
  partition?: number;
  acks: -1 | 0 | 1;
  header?: Record<string, string>;
  timestamp?: number;
  progress: boolean;
}

/** Size of stdin when it is a regular file (`< file`), for percent and ETA; otherwise undefined. */
function stdinFileSize(): number | undefined {
  try {
    const st = fstatSync(0);
    return st.isFile() && st.size > 0 ? st.size : undefined;
  } catch {
    return undefined;
  }
}

const CHUNK_LINES = 1000;
const CHUNK_BYTES = 512 * 1024;

/** One input line as key, value and partition. */
export interface LineRecord {
  key: string | null;
  value: string;
  partition?: number;
}

/** Turns one input line into a record; `lineNo` is 1-based, for error messages. */
export function lineToRecord(line: string, lineNo: number, separator: string | undefined, partition: number | undefined): LineRecord {
  let record: LineRecord;
  if (separator === undefined) {
    record = { key: null, value: line };
  } else {
    const at = line.indexOf(separator);
    if (at < 0) throw new CliError(`line ${lineNo} has no key separator ${JSON.stringify(separator)}: ${JSON.stringify(line.slice(0, 80))}`);
    record = { key: line.slice(0, at), value: line.slice(at + separator.length) };
  }
  if (partition !== undefined) record.partition = partition;
  return record;
}

export function registerProduceCommand(program: Command): void {
  withBootstrapOption(
    program
      .command('produce')
      .description('send stdin lines to a topic, one record per line')
      .argument('<topic>', 'topic to write to')
      .option('--key-separator <sep>', 'split each line into KEY<sep>VALUE (\\t for a tab)', unescapeSeparator)
      .option('--partition <n>', 'write every record to this partition', intArg('--partition', 0, 2_147_483_647))
      .option('--acks <n>', 'acknowledgements: 0, 1, -1 or all', acksArg, -1 as const)
      .option('--header <key=value>', 'add this header to every record (repeatable)', headerPair)
      .option('--timestamp <ms>', 'timestamp of every record, ms since the epoch (default: now)', intArg('--timestamp', 0))
      .option('--no-progress', 'do not show the progress line on a terminal'),
  ).action(async (topic: string, flags: ProduceFlags) => {
    if (flags.keySeparator === '') throw new CliError('--key-separator must not be empty');
    // Typed input is sent line by line; piped input in chunks.
    const chunkLines = process.stdin.isTTY ? 1 : CHUNK_LINES;
    if (process.stdin.isTTY) {
      const shape = flags.keySeparator === undefined ? 'VALUE' : `KEY${flags.keySeparator}VALUE`;
      process.stderr.write(`Type one record per line as ${shape}; Ctrl-D sends the last lines and exits.\n`);
    }
    const producer = (await cliClients(flags)).producer({ acks: flags.acks });
    const fileSize = stdinFileSize();
    const progress = new Progress({
      verb: 'Produced',
      out: process.stderr,
      enabled: flags.progress && process.stdin.isTTY !== true,
      ...(fileSize !== undefined ? { total: { unit: 'bytes' as const, value: fileSize } } : {}),
    });
    const total = await (async (): Promise<number> => {
      await producer.connect();
      const headers = Object.fromEntries(Object.entries(flags.header ?? {}).map(([k, v]) => [k, Buffer.from(v)]));
      const send = async (lines: LineRecord[]): Promise<void> => {
        const timestamp = flags.timestamp ?? Date.now();
        await producer.send(lines.map((l): ProducerRecord => ({ topic, partition: l.partition, key: l.key === null ? null : Buffer.from(l.key), value: Buffer.from(l.value), timestamp, headers })));
      };
      const lines = createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY });
      let chunk: LineRecord[] = [];
      let bytes = 0;
      let inputBytes = 0;
      let lineNo = 0;
      let sent = 0;
      for await (const line of lines) {
        lineNo++;
        chunk.push(lineToRecord(line, lineNo, flags.keySeparator, flags.partition));
        bytes += line.length;
        inputBytes += Buffer.byteLength(line) + 1;
        if (chunk.length >= chunkLines || bytes >= CHUNK_BYTES) {
          await send(chunk);
          sent += chunk.length;
          progress.add(chunk.length, inputBytes);
          chunk = [];
          bytes = 0;
          inputBytes = 0;
        }
      }
      if (chunk.length > 0) {
        await send(chunk);
        sent += chunk.length;
      }
      return sent;
    })().finally(() => {
      progress.finish();
      return producer.disconnect();
    });
    process.stderr.write(`Produced ${total} record${total === 1 ? '' : 's'} to ${topic}.\n`);
  });
}
