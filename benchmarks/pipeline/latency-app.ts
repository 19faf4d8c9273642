/*
 * The application under test of `e2e-latency-5k`, run as its own process (spawned by
 * e2e-latency.ts through bin/run-ts.js): a stateless KafkaStreams app
 *
 *   source(input) → mapValues(stamp "processed") → filter(well-formed) → to(output)
 *
 * with the runtime's defaults: commit interval 30 s; pollMs 100, so the group consumer's Fetch
 * maxWait = min(pollMs, 100) ms with minBytes 1 (the broker answers as soon as data arrives); the
 * producer (acks -1) gets each loop turn's output in one send() and writes it at the next
 * setImmediate — no linger.
 * Only the fields in `overrides` change that (the harness uses it to measure one knob at a time).
 *
 * mapValues copies the value, marks it processed and stamps the app's clock (an allocation per
 * record, as a real transform does); filter checks the magic and the flag (latency-record.ts has
 * the layout), so both operators do real per-record work without dropping any record.
 *
 * Protocol with the parent (stdout lines): "STATE <new> <old>" on every state change, "ERROR
 * <message>" on a fatal error. SIGTERM → close() → exit 0. argv[2] is a JSON AppArgs.
 */
import { Consumed } from '../../src/streams/dsl/options/consumed.ts';
import { Produced } from '../../src/streams/dsl/options/produced.ts';
import { StreamsBuilder } from '../../src/streams/dsl/streams-builder.ts';
import { KafkaStreams, type RuntimeDepsContext } from '../../src/streams/runtime/kafka-streams.ts';
import { clientFactoryFor, createRuntimeDeps } from '../../src/streams/runtime/runtime-deps.ts';
import type { StreamsConfigInput } from '../../src/streams/runtime/streams-config.ts';
import { Serdes } from '../../src/streams/serde/serdes.ts';
import { isProcessedLatencyValue, markProcessed } from './latency-record.ts';
import { epochMicros } from './pacer.ts';

/**
 * The settings the harness may change (the latency knobs): streams config fields, and
 * `producerAcks`, which replaces the runtime's producer (acks=-1: on our single-node broker, on
 * disk before the acknowledgement) by one from the same client factory with acks=1 — through
 * KafkaStreams' `deps` option; everything else stays the production wiring.
 */
export type AppOverrides = Partial<Pick<StreamsConfigInput, 'pollMs' | 'commitIntervalMs' | 'maxRecordsPerIteration'>> & { producerAcks?: 1 | -1 };

export interface AppArgs {
  readonly bootstrap: string;
  readonly input: string;
  readonly output: string;
  readonly applicationId: string;
  readonly stateDir: string;
  readonly overrides: AppOverrides;
}

async function main(): Promise<void> {
  const args = JSON.parse(process.argv[2] ?? '{}') as AppArgs;
  const I = Serdes.int32();
  const B = Serdes.bytes();
  const builder = new StreamsBuilder();
  builder
    .stream<number, Buffer>(args.input, Consumed.with(I, B))
    .mapValues((v) => markProcessed(v, epochMicros()))
    .filter((_k, v) => isProcessedLatencyValue(v))
    .to(args.output, Produced.with(I, B));
  const { producerAcks, ...config } = args.overrides;
  const deps =
    producerAcks === undefined || producerAcks === -1
      ? {}
      : { deps: (ctx: RuntimeDepsContext) => ({ ...createRuntimeDeps(ctx), producer: () => clientFactoryFor(ctx.bootstrapServers, ctx.clientId).producer({ acks: producerAcks }) }) };
  const streams = new KafkaStreams(
    builder.build(),
    {
      applicationId: args.applicationId,
      bootstrapServers: [args.bootstrap],
      stateDir: args.stateDir,
      logger: { warn: () => {}, error: (m: string) => console.error(`  [latency-app] ${m}`) },
      ...config,
    },
    deps,
  );
  streams.onStateChange((s, old) => {
    process.stdout.write(`STATE ${s} ${old}\n`);
    if (s === 'ERROR') process.stdout.write('ERROR the streams application stopped in ERROR (see stderr)\n');
  });
  let closing = false;
  process.on('SIGTERM', () => {
    if (closing) return;
    closing = true;
    void streams.close({ timeoutMs: 15_000 }).finally(() => {
      process.stdout.write(`PROCESSED ${streams.processedRecords}\n`);
      process.exit(0);
    });
  });
  await streams.start();
}

main().catch((e: unknown) => {
  process.stdout.write(`ERROR ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
