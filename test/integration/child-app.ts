/*
 * The shared start-up of the application processes that the kill -9 tests spawn
 * (kill-recovery-app.ts, exactly-once-app.ts, async-operators-app.ts): one KafkaStreams with
 * settings that make a killed member's partitions move quickly (short session timeout and
 * heartbeat), warnings on stderr, and on stdout one JSON line per state change and a progress
 * line ({ processed, restored }) every `progressEveryMs` — what the tests read.
 */
import { KafkaStreams } from '../../src/streams/runtime/kafka-streams.ts';
import type { StreamsConfigInput } from '../../src/streams/runtime/streams-config.ts';
import type { Topology } from '../../src/streams/topology/topology.ts';

export async function runChildApp(topology: Topology, config: StreamsConfigInput, progressEveryMs: number): Promise<void> {
  const streams = new KafkaStreams(topology, {
    sessionTimeoutMs: 2000,
    heartbeatIntervalMs: 200,
    rebalanceTimeoutMs: 10_000,
    logger: { warn: (m) => process.stderr.write(`${m}\n`), error: (m) => process.stderr.write(`${m}\n`) },
    ...config,
  });
  const emit = (o: object) => process.stdout.write(`${JSON.stringify(o)}\n`);
  streams.onStateChange((state) => emit({ event: 'state', state }));
  await streams.start();
  setInterval(() => emit({ event: 'progress', processed: streams.processedRecords, restored: streams.restoredRecords }), progressEveryMs);
}

/** Runs `main` when `file` is the script node was started with; a failure exits 1 with its stack. */
export function runIfMain(file: string, main: () => Promise<void>): void {
  if (!process.argv[1]?.endsWith(file)) return;
  main().catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
  });
}
