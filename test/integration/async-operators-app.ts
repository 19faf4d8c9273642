/*
 * An application with an async operator, run in its own process by the async kill -9 tests
 * (streams-async-operators.test.ts):
 *   node bin/run-ts.js test/integration/async-operators-app.ts BOOTSTRAP STATE_DIR GUARANTEE
 * Topology: INPUT (key word, value record id) → mapValuesAsync (a simulated remote call of
 * 1–12 ms, 32 in flight per task) → OUTPUT (value "<id>:scored"). With many calls in flight at
 * any moment, a SIGKILL always lands mid-flight.
 * Stdout: {"event":"state",…} and, every 50 ms, {"event":"progress","processed":N}.
 */
import { Consumed } from '../../src/streams/dsl/options/consumed.ts';
import { Produced } from '../../src/streams/dsl/options/produced.ts';
import { StreamsBuilder } from '../../src/streams/dsl/streams-builder.ts';
import { runChildApp, runIfMain } from './child-app.ts';
import type { ProcessingGuarantee } from '../../src/streams/runtime/streams-config.ts';
import { Serdes } from '../../src/streams/serde/serdes.ts';
import type { Topology } from '../../src/streams/topology/topology.ts';

export const INPUT = 'async-input';
export const OUTPUT = 'async-output';
export const appId = (guarantee: string) => `async-${guarantee.replace(/_/g, '-')}`;

const S = Serdes.string();

/** A call whose latency (1–12 ms) depends on the record, like a remote service's would. */
export function simulatedCall(id: string): Promise<string> {
  let h = 0;
  for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) | 0;
  return new Promise((r) => setTimeout(() => r(`${id}:scored`), 1 + (Math.abs(h) % 12)));
}

export function buildAsyncTopology(): Topology {
  const builder = new StreamsBuilder();
  builder
    .stream(INPUT, Consumed.with(S, S))
    .mapValuesAsync((id) => simulatedCall(id), { concurrency: 32 })
    .to(OUTPUT, Produced.with(S, S));
  return builder.build();
}

async function main(): Promise<void> {
  const [bootstrap, stateDir, guarantee] = process.argv.slice(2);
  if (bootstrap === undefined || stateDir === undefined || (guarantee !== 'exactly_once_v2' && guarantee !== 'at_least_once')) {
    throw new Error('usage: async-operators-app.ts BOOTSTRAP STATE_DIR (exactly_once_v2|at_least_once)');
  }
  await runChildApp(
    buildAsyncTopology(),
    {
      applicationId: appId(guarantee),
      bootstrapServers: bootstrap,
      stateDir,
      processingGuarantee: guarantee as ProcessingGuarantee,
      commitIntervalMs: 100,
      retryBackoffMs: 100,
      maxRecordsPerIteration: 50,
    },
    50,
  );
}

runIfMain('async-operators-app.ts', main);
