/*
 * Benchmark: scaling out from one instance to two, eager vs cooperative rebalancing (KIP-429).
 *
 * One bundled broker in-process, an 8-partition input fed continuously (a batch of 16 records
 * every 5 ms, round-robin over partitions) and a count topology. Instance A runs alone until it
 * processes steadily; then instance B starts. Measured per round:
 *   scale-out ms   B.start() → both RUNNING, group Stable, tasks split 4/4
 *   longest pause  the longest gap between two records A processed of the partitions it keeps,
 *                  within [B.start(), scaled out + 1 s] — how long A stopped working
 * Rounds alternate eager, cooperative, eager, … (a fresh broker and state per round), so load on
 * the shared machine hits both alike; prints each round and the medians with the load average.
 * Usage: node bin/run-ts.js benchmarks/streams/scale-out.ts [rounds per protocol=3]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { GROUPS } from '../../src/broker/coordinator/service.ts';
import { createClientFactory } from '../../src/client/client-factory.ts';
import { Consumed } from '../../src/streams/dsl/options/consumed.ts';
import { Grouped } from '../../src/streams/dsl/options/grouped.ts';
import { Materialized } from '../../src/streams/dsl/options/materialized.ts';
import { Produced } from '../../src/streams/dsl/options/produced.ts';
import { StreamsBuilder } from '../../src/streams/dsl/streams-builder.ts';
import type { ProcessorSupplier } from '../../src/streams/processor/processor.ts';
import { KafkaStreams } from '../../src/streams/runtime/kafka-streams.ts';
import { Serdes } from '../../src/streams/serde/serdes.ts';
import { startTestBroker } from '../../src/testing/broker-harness.ts';

const rounds = Number(process.argv[2] ?? 3);
const PARTITIONS = 8;
const APP = 'scale-out';

/** Counts per key; every processed record of A is stamped (partition, wall clock). */
function topology(stamps: { p: number; at: number }[] | undefined) {
  const stamp: ProcessorSupplier<string, string, string, string> = () => {
    let ctx: Parameters<NonNullable<ReturnType<ProcessorSupplier<string, string, string, string>>['init']>>[0] | undefined;
    return {
      init: (c) => void (ctx = c),
      process(r) {
        stamps?.push({ p: ctx!.recordMetadata()!.partition, at: performance.now() });
        ctx!.forward(r);
      },
    };
  };
  const b = new StreamsBuilder();
  b.stream('in', Consumed.with(Serdes.string(), Serdes.string()))
    .processValues(stamp)
    .groupByKey(Grouped.with(Serdes.string(), Serdes.string()))
    .count(Materialized.as('counts'))
    .toStream()
    .to('out', Produced.with(Serdes.string(), Serdes.int64()));
  return b.build();
}

const until = async (cond: () => boolean, what: string, ms = 60_000): Promise<void> => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

async function round(protocol: 'eager' | 'cooperative'): Promise<{ scaleOutMs: number; pauseMs: number }> {
  const broker = await startTestBroker();
  const dir = mkdtempSync(join(tmpdir(), 'tributary-scale-out-'));
  const clients = createClientFactory({ bootstrapServers: [broker.bootstrap], clientId: 'bench', logLevel: 'nothing' });
  const admin = clients.admin();
  await admin.connect();
  await admin.createTopics([{ topic: 'in', numPartitions: PARTITIONS, replicationFactor: 1 }, { topic: 'out', numPartitions: PARTITIONS, replicationFactor: 1 }]);
  const producer = clients.producer();
  await producer.connect();
  let feeding = true;
  let n = 0;
  const feed = (async () => {
    while (feeding) {
      await producer.send(Array.from({ length: 16 }, () => ({ topic: 'in', partition: n % PARTITIONS, key: Buffer.from(`k${n++ % 64}`), value: Buffer.from('v'), timestamp: Date.now(), headers: {} })));
      await new Promise((r) => setTimeout(r, 5));
    }
  })();
  const config = (name: string) => ({
    applicationId: APP, bootstrapServers: broker.bootstrap, stateDir: join(dir, name), commitIntervalMs: 100, sessionTimeoutMs: 6000,
    heartbeatIntervalMs: 300, rebalanceProtocol: protocol, logger: { warn: () => {}, error: () => {} },
  });
  const stamps: { p: number; at: number }[] = [];
  const a = new KafkaStreams(topology(stamps), config('a'));
  const b = new KafkaStreams(topology(undefined), config('b'));
  try {
    await a.start();
    await until(() => a.state === 'RUNNING' && a.localTasks().active.length === PARTITIONS && stamps.length > 2000, 'A running alone');
    const group = () => broker.broker.service(GROUPS).coordinator.group(APP);
    const startedAt = performance.now();
    await b.start();
    await until(() => a.state === 'RUNNING' && b.state === 'RUNNING' && group()?.state === 'Stable' && a.localTasks().active.length === 4 && b.localTasks().active.length === 4, 'the split');
    const scaledAt = performance.now();
    await new Promise((r) => setTimeout(r, 1000));
    const kept = new Set(a.localTasks().active.map((t) => Number(t.split('_')[1])));
    let last = startedAt;
    let pauseMs = 0;
    for (const s of stamps) {
      if (!kept.has(s.p) || s.at < startedAt || s.at > scaledAt + 1000) continue;
      pauseMs = Math.max(pauseMs, s.at - last);
      last = s.at;
    }
    return { scaleOutMs: scaledAt - startedAt, pauseMs };
  } finally {
    feeding = false;
    await feed;
    await b.close();
    await a.close();
    await producer.disconnect();
    await admin.disconnect();
    await broker.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const median = (xs: number[]): number => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const results = { eager: [] as { scaleOutMs: number; pauseMs: number }[], cooperative: [] as { scaleOutMs: number; pauseMs: number }[] };
  const load: number[] = [];
  for (let i = 0; i < rounds; i++) {
    for (const p of ['eager', 'cooperative'] as const) {
      load.push(loadavg()[0]!);
      const r = await round(p);
      results[p].push(r);
      console.log(`${p.padEnd(12)} scale-out ${r.scaleOutMs.toFixed(0).padStart(6)} ms   longest pause of A ${r.pauseMs.toFixed(0).padStart(6)} ms`);
    }
  }
  for (const p of ['eager', 'cooperative'] as const) {
    console.log(`median ${p.padEnd(12)} scale-out ${median(results[p].map((r) => r.scaleOutMs)).toFixed(0)} ms, longest pause ${median(results[p].map((r) => r.pauseMs)).toFixed(0)} ms`);
  }
  console.log(`load average (1 min) during the runs: ${Math.min(...load).toFixed(2)}–${Math.max(...load).toFixed(2)}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
