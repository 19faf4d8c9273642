/*
 * One application instance in its own process, for the failover and scale-out tests:
 *   node bin/run-ts.js test/integration/streams-app-process.ts BOOTSTRAP STATE_DIR [NUM_STANDBY_REPLICAS] [GROUP_INSTANCE_ID]
 * (with a group instance id the instance is a static member, KIP-345, with a 30 s session timeout:
 * long enough for a restarted process to come back before the group gives it up).
 * Topology: readings (key sensor, value reading as decimal text) → groupByKey →
 *   reduce(max) → max-by-sensor   and   count() → count-by-sensor
 * (one sub-topology, two stores). It prints one JSON line per event on stdout:
 *   {"event":"state","state":"RUNNING"} and, every 200 ms, {"event":"tasks","active":[…],"standby":[…],"processed":N,"restored":N}
 * and closes cleanly on SIGTERM.
 */
import { Consumed } from '../../src/streams/dsl/options/consumed.ts';
import { Grouped } from '../../src/streams/dsl/options/grouped.ts';
import { Materialized } from '../../src/streams/dsl/options/materialized.ts';
import { Produced } from '../../src/streams/dsl/options/produced.ts';
import { StreamsBuilder } from '../../src/streams/dsl/streams-builder.ts';
import { KafkaStreams } from '../../src/streams/runtime/kafka-streams.ts';
import { Serdes } from '../../src/streams/serde/serdes.ts';

export const READINGS = 'readings';
export const MAX_TOPIC = 'max-by-sensor';
export const COUNT_TOPIC = 'count-by-sensor';
export const APP_ID = 'failover-app';

export function buildFailoverTopology(builder: StreamsBuilder): void {
  const grouped = builder
    .stream(READINGS, Consumed.with(Serdes.string(), Serdes.string()))
    .mapValues((v) => Number(v))
    .groupByKey(Grouped.with(Serdes.string(), Serdes.int64()));
  grouped
    .reduce((a, b) => Math.max(a, b), Materialized.as('max-store'))
    .toStream()
    .to(MAX_TOPIC, Produced.with(Serdes.string(), Serdes.int64()));
  grouped
    .count(Materialized.as('count-store'))
    .toStream()
    .to(COUNT_TOPIC, Produced.with(Serdes.string(), Serdes.int64()));
}

async function main(): Promise<void> {
  const [bootstrap, stateDir, standbys, instanceId] = process.argv.slice(2);
  if (bootstrap === undefined || stateDir === undefined) throw new Error('usage: streams-app-process.ts BOOTSTRAP STATE_DIR');
  const builder = new StreamsBuilder();
  buildFailoverTopology(builder);
  const streams = new KafkaStreams(builder.build(), {
    applicationId: APP_ID,
    bootstrapServers: bootstrap,
    stateDir,
    commitIntervalMs: 100,
    cacheMaxBytes: 0,
    sessionTimeoutMs: instanceId === undefined ? 3000 : 30_000,
    ...(instanceId === undefined ? {} : { groupInstanceId: instanceId }),
    heartbeatIntervalMs: 300,
    rebalanceTimeoutMs: 10_000,
    maxRecordsPerIteration: 50,
    numStandbyReplicas: Number(standbys ?? 0),
    logger: { warn: (m) => process.stderr.write(`${m}\n`), error: (m) => process.stderr.write(`${m}\n`) },
  });
  const emit = (o: object) => process.stdout.write(`${JSON.stringify(o)}\n`);
  streams.onStateChange((state) => emit({ event: 'state', state }));
  await streams.start();
  const timer = setInterval(() => emit({ event: 'tasks', active: streams.localTasks().active, standby: streams.localTasks().standby, processed: streams.processedRecords, restored: streams.restoredRecords }), 200);
  process.once('SIGTERM', () => {
    clearInterval(timer);
    void streams.close({ timeoutMs: 10_000 }).then(() => process.exit(0));
  });
}

if (process.argv[1]?.endsWith('streams-app-process.ts')) {
  main().catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
  });
}
