/*
 * The topology module of the stream-threads test (streams-threads.test.ts): every stream thread
 * (the main one and each worker) imports it and builds the same word count.
 *   INPUT (key = word, value = anything) → count per word in store STORE → OUTPUT (word → count as
 *   a decimal string, every update: no cache)
 * Fault injection for the REPLACE_THREAD test: a record whose value is "boom", processed on a
 * worker thread while the file named by $TRIBUTARY_THREADS_BOOM exists, makes the processor throw
 * once: the file is renamed away first, and rename is atomic, so exactly one thread throws once.
 */
import { renameSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';
import { Consumed } from '../../src/streams/dsl/options/consumed.ts';
import { Grouped } from '../../src/streams/dsl/options/grouped.ts';
import { Materialized } from '../../src/streams/dsl/options/materialized.ts';
import { Produced } from '../../src/streams/dsl/options/produced.ts';
import { StreamsBuilder } from '../../src/streams/dsl/streams-builder.ts';
import { Serdes } from '../../src/streams/serde/serdes.ts';
import type { Topology } from '../../src/streams/topology/topology.ts';
import type { StreamsConfigInput } from '../../src/streams/runtime/streams-config.ts';

export const INPUT = 'threads-words';
export const OUTPUT = 'threads-counts';
export const STORE = 'threads-count-store';

const S = Serdes.string();

function maybeBoom(value: string | null): void {
  const armed = process.env['TRIBUTARY_THREADS_BOOM'];
  if (value !== 'boom' || isMainThread || armed === undefined) return;
  try {
    renameSync(armed, `${armed}.fired`);
  } catch {
    return; // already fired (or never armed)
  }
  throw new Error('boom: injected processor failure on a worker thread');
}

export function topology(): Topology {
  const builder = new StreamsBuilder();
  builder
    .stream(INPUT, Consumed.with(S, S))
    .peek((_k, v) => maybeBoom(v))
    .groupByKey(Grouped.with(S, S))
    .count(Materialized.as<string, number>(STORE).withKeySerde(S).withCachingDisabled())
    .toStream()
    .mapValues((n) => String(n))
    .to(OUTPUT, Produced.with(S, S));
  return builder.build();
}

/** The settings the tests running this module share (fast commits, no cache, quick rebalances). */
export function threadsAppConfig(applicationId: string, bootstrapServers: string, stateDir: string): StreamsConfigInput {
  return {
    applicationId,
    bootstrapServers,
    stateDir,
    commitIntervalMs: 100,
    cacheMaxBytes: 0,
    sessionTimeoutMs: 6000,
    heartbeatIntervalMs: 300,
    logger: { warn: () => {}, error: (m: string) => process.stderr.write(`${m}\n`) },
  };
}
