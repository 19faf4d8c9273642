/*
 * `npm run bench` — the streams benchmark suite (Kafka Streams' SimpleBenchmark workloads, see
 * benchmarks/streams/simple-benchmark.ts) against the bundled broker in its own process.
 *
 *   npm run bench                                  all workloads, default 1,000,000 records
 *   npm run bench -- streamcount consume           only those
 *   npm run bench -- --records 200000              smaller N (the machine has 2 cores)
 *   npm run bench -- --list                        workload names
 *   options: --max-wait-s S (give up on one workload after S s; default 600)
 *            --bootstrap HOST:PORT (use a running broker instead of starting one; it must not
 *            already hold the input topics)
 *            --profile-dir DIR (CPU-profile each workload's timed phase in this process: writes
 *            DIR/<workload>.cpuprofile and DIR/<workload>.md, a summary by client / codec / store /
 *            scheduling with the top self-time functions; see lib/cpu-profile.ts)
 *
 * Steps: start `tributary broker --port 0` on a fresh data dir; load topic ONE (and TWO when a
 * join is selected) — not timed; run the selected workloads one after another in this process;
 * print a Markdown table next to the Kafka Streams 2.1.1 figures from /work/shared/PEERS.md; write
 * benchmarks/results/streams-<ISO time>.json (rewritten after each workload). The broker-level
 * scripts (broker-throughput.ts, protocol-codec.ts, log-append.ts, state-store.ts) run on their
 * own: `node bin/run-ts.js benchmarks/<script>.ts`.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { formatSummary, profileDuring, summarize } from './lib/cpu-profile.ts';
import { loadTopic } from './lib/data-loader.ts';
import { startBrokerProcess, type BrokerProcess } from './lib/broker-process.ts';
import { newResultFile, summaryTable, writeResultFile } from './lib/results.ts';
import { SOURCE_TOPIC_ONE, SOURCE_TOPIC_TWO, WORKLOADS } from './streams/simple-benchmark.ts';

/** Kafka Streams 2.1.1 (in-memory stores) on this machine, records/s (PEERS.md). */
export const KAFKA_STREAMS_2_1_1: Readonly<Record<string, number>> = {
  consume: 420_000,
  streamprocesswithsink: 94_500,
  streamprocesswithstatestore: 88_000,
  streamcount: 129_500,
};

const KEY_SPACE = 10_000;
const VALUE_SIZE = 1024;

interface Args {
  records: number;
  maxWaitMs: number;
  bootstrap: string | undefined;
  names: string[];
  list: boolean;
  profileDir: string | undefined;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { records: 1_000_000, maxWaitMs: 600_000, bootstrap: undefined, names: [], list: false, profileDir: undefined };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--records') args.records = Number(value());
    else if (a === '--max-wait-s') args.maxWaitMs = Number(value()) * 1000;
    else if (a === '--bootstrap') args.bootstrap = value();
    else if (a === '--list') args.list = true;
    else if (a === '--profile-dir') args.profileDir = resolve(value());
    else if (a.startsWith('--')) throw new Error(`unknown option ${a}; see the comment at the top of benchmarks/run.ts`);
    else args.names.push(a.toLowerCase());
  }
  if (!Number.isSafeInteger(args.records) || args.records < 1) throw new Error(`--records must be a positive whole number, got ${args.records}`);
  if (!(args.maxWaitMs > 0)) throw new Error(`--max-wait-s must be > 0`);
  const known = new Set(WORKLOADS.map((w) => w.name));
  const unknown = args.names.filter((n) => !known.has(n));
  if (unknown.length > 0) throw new Error(`unknown workload(s) ${unknown.join(', ')}; known: ${[...known].join(', ')}`);
  return args;
}

async function profiled<T>(dir: string, name: string, fn: () => Promise<T>): Promise<T> {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name}.cpuprofile`);
  const r = await profileDuring(path, fn);
  const summary = formatSummary(name, summarize(JSON.parse(readFileSync(path, 'utf8'))));
  writeFileSync(join(dir, `${name}.md`), `${summary}\n`);
  console.error(summary);
  return r;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.list) {
    for (const w of WORKLOADS) console.log(w.name);
    return;
  }
  const selected = args.names.length === 0 ? WORKLOADS : WORKLOADS.filter((w) => args.names.includes(w.name));
  const file = newResultFile('streams', { records: args.records, keySpace: KEY_SPACE, valueSize: VALUE_SIZE, partitions: 1, commitIntervalMs: 30_000, workloads: selected.map((w) => w.name) });
  let broker: BrokerProcess | undefined;
  try {
    let bootstrap = args.bootstrap;
    if (bootstrap === undefined) {
      broker = await startBrokerProcess();
      bootstrap = broker.bootstrap;
    }
    console.error(`broker ${bootstrap}${broker ? ` (pid ${broker.pid})` : ''}; loading ${args.records.toLocaleString('en-US')} records (not timed)…`);
    const base = Date.now() - 2 * args.records;
    await loadTopic(bootstrap, { topic: SOURCE_TOPIC_ONE, records: args.records, keySpace: KEY_SPACE, valueSize: VALUE_SIZE, seed: 1, baseTimestamp: base });
    if (selected.some((w) => w.twoInputs)) {
      await loadTopic(bootstrap, { topic: SOURCE_TOPIC_TWO, records: args.records, keySpace: KEY_SPACE, valueSize: VALUE_SIZE, seed: 2, baseTimestamp: base });
    }
    for (const w of selected) {
      console.error(`running ${w.name}…`);
      try {
        const ctx = { bootstrap, records: args.records, maxWaitMs: args.maxWaitMs };
        const profileDir = args.profileDir;
        const r = profileDir === undefined ? await w.run(ctx) : await profiled(profileDir, w.name, () => w.run(ctx));
        file.results.push(r);
        console.error(`  ${w.name}: ${Math.round(r.recordsPerSec).toLocaleString('en-US')} records/s (${r.records} in ${r.seconds.toFixed(2)} s)${r.note ? ` — ${r.note}` : ''}`);
      } catch (e) {
        console.error(`  ${w.name} FAILED: ${e instanceof Error ? e.stack : String(e)}`);
        file.results.push({ workload: w.name, records: 0, seconds: 0, recordsPerSec: 0, mbPerSec: 0, note: `failed: ${e instanceof Error ? e.message : String(e)}` });
      }
      writeResultFile(file);
    }
  } finally {
    await broker?.stop();
  }
  const path = writeResultFile(file);
  console.log(`\nStreams workloads, ${args.records.toLocaleString('en-US')} records × ${VALUE_SIZE} B, commit ${file.commit}, Node ${file.node}\n`);
  console.log(summaryTable(file.results, KAFKA_STREAMS_2_1_1, 'Kafka Streams 2.1.1 rec/s'));
  console.log(`\nresults: ${path}`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
});
