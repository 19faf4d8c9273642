/*
 * The application of the exactly-once kill test (streams-exactly-once.test.ts), run in its own
 * process:
 *   node bin/run-ts.js test/integration/exactly-once-app.ts BOOTSTRAP STATE_DIR GUARANTEE
 * GUARANTEE is 'exactly_once_v2' or 'at_least_once'. Input: key = a word, value = a record id.
 *   stateless branch  every input record → PASSTHROUGH, value "<id>"
 *   count             count per word → COUNTS, value "<count>" (every update, no cache)
 * Under exactly-once a read_committed reader sees each id once on PASSTHROUGH and, per word, the
 * counts 1, 2, …, n once each; under at-least-once a kill makes records be processed again, so
 * ids and count values repeat.
 *
 * Stdout: {"event":"state","state":…} and, every 50 ms, {"event":"progress","processed":N}.
 */
import { Consumed } from '../../src/streams/dsl/options/consumed.ts';
import { Grouped } from '../../src/streams/dsl/options/grouped.ts';
import { Materialized } from '../../src/streams/dsl/options/materialized.ts';
import { Produced } from '../../src/streams/dsl/options/produced.ts';
import { StreamsBuilder } from '../../src/streams/dsl/streams-builder.ts';
import { runChildApp, runIfMain } from './child-app.ts';
import type { ProcessingGuarantee } from '../../src/streams/runtime/streams-config.ts';
import { Serdes } from '../../src/streams/serde/serdes.ts';
import type { Topology } from '../../src/streams/topology/topology.ts';
import type { OutputRecord } from './streams-helpers.ts';

export const INPUT = 'eos-input';
export const PASSTHROUGH = 'eos-passthrough';
export const COUNTS = 'eos-counts';
export const appId = (guarantee: string) => `eos-${guarantee.replace(/_/g, '-')}`;

const S = Serdes.string();

/** The app's topology: INPUT → PASSTHROUGH, and a count per key (no cache) → COUNTS. */
export function buildEosTopology(): Topology {
  const builder = new StreamsBuilder();
  const input = builder.stream(INPUT, Consumed.with(S, S));
  input.to(PASSTHROUGH, Produced.with(S, S));
  input
    .groupByKey(Grouped.with(S, S))
    .count(Materialized.as<string, number>('eos-count-store').withKeySerde(S).withCachingDisabled())
    .toStream()
    .mapValues((n) => String(n))
    .to(COUNTS, Produced.with(S, S));
  return builder.build();
}

/** Per word, the count values on COUNTS in the order they were written (a word lives on one partition). */
export function countUpdates(records: readonly OutputRecord[]): Map<string, number[]> {
  const m = new Map<string, number[]>();
  for (const r of [...records].sort((a, b) => a.partition - b.partition || a.offset - b.offset)) {
    const word = r.key!.toString();
    m.set(word, [...(m.get(word) ?? []), Number(r.value!.toString())]);
  }
  return m;
}

/** Per word, the last count value on COUNTS. */
export function finalCounts(records: readonly OutputRecord[]): Map<string, number> {
  return new Map([...countUpdates(records)].map(([w, seq]) => [w, seq[seq.length - 1]!]));
}

async function main(): Promise<void> {
  const [bootstrap, stateDir, guarantee] = process.argv.slice(2);
  if (bootstrap === undefined || stateDir === undefined || (guarantee !== 'exactly_once_v2' && guarantee !== 'at_least_once')) {
    throw new Error('usage: exactly-once-app.ts BOOTSTRAP STATE_DIR (exactly_once_v2|at_least_once)');
  }
  await runChildApp(
    buildEosTopology(),
    {
      applicationId: appId(guarantee),
      bootstrapServers: bootstrap,
      stateDir,
      // Each guarantee's default commit interval (Kafka's): 100 ms under exactly_once_v2, 30 s
      // under at_least_once, so an at-least-once instance killed mid-stream always has processed
      // input whose offsets it never committed.
      processingGuarantee: guarantee as ProcessingGuarantee,
      retryBackoffMs: 100,
      maxRecordsPerIteration: 50,
    },
    50,
  );
}

runIfMain('exactly-once-app.ts', main);
