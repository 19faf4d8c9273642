/*
 * Runs an example's topology live, the way an application does: a KafkaStreams instance on the
 * embedded broker (or on `--bootstrap host:port`), the example's script produced to its input
 * topics, and every record the app writes to its output topics printed as it is read back.
 *
 *   1 start KafkaStreams (embedded broker and state in a temp directory, removed at exit)
 *   2 produce the script (already serialized by the example with its own serdes)
 *   3 wait until the app has processed every input record and has been idle for a moment
 *     (one commit interval flushes its outputs), bounded by 60 s
 *   4 read each output topic from the beginning to its end offset and print it through the
 *     example's formatter; close the app
 *
 * Every topic gets one partition, so stream time is the script's own order, as in the
 * TopologyTestDriver, and the live output equals the `--replay` output.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClientFactory, KafkaStreams, StreamsBuilder, type ConsumedRecord, type ProducerRecord } from 'tributary';

export interface LiveExample {
  /** Application id, and the prefix of the temp directory. */
  readonly name: string;
  readonly buildTopology: (builder: StreamsBuilder) => void;
  /** Every topic the topology reads or writes (created on the embedded broker, or on --bootstrap). */
  readonly topics: readonly string[];
  /** The script, in the order it is produced. */
  readonly input: readonly ProducerRecord[];
  /** Output topic → a line for each record of it (undefined: print nothing for that record). */
  readonly outputs: Readonly<Record<string, (record: ConsumedRecord) => string | undefined>>;
  /** Records processed when the script is done: inputs, plus repartitioned records if any. */
  readonly expectedProcessed?: (input: readonly ProducerRecord[]) => number;
}

const IDLE_MS = 1_000;
const MAX_WAIT_MS = 60_000;

/** The value of `--name value` in argv, if given. */
export function flag(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
}

export async function runLive(example: LiveExample): Promise<void> {
  const bootstrap = flag('--bootstrap');
  const builder = new StreamsBuilder();
  example.buildTopology(builder);
  const topology = builder.build();
  console.log(topology.describe().toString());

  const dir = mkdtempSync(join(tmpdir(), `tributary-${example.name}-`));
  const topics = example.topics.map((name) => ({ name, partitions: 1 }));
  const streams = new KafkaStreams(topology, {
    applicationId: `${example.name}-${process.pid}`,
    bootstrapServers: bootstrap === undefined ? 'embedded' : [bootstrap],
    stateDir: join(dir, 'state'),
    embedded: { dataDir: join(dir, 'broker'), topics },
    commitIntervalMs: 100,
    // No record cache: every update reaches the output topics, as the driver shows them.
    cacheMaxBytes: 0,
    // Non-joined outer/left join results as soon as their window closes, as the driver: with
    // Kafka's 1 s throttle the script's last ones would wait for a record a second later.
    outerJoinEmitIntervalMs: 0,
  });
  const clients = () => createClientFactory({ bootstrapServers: streams.bootstrapServers, clientId: `${example.name}-script` });
  try {
    if (bootstrap !== undefined) {
      // An existing cluster: create the topics first (the embedded broker creates them at start).
      const admin = clients().admin();
      await admin.connect();
      await admin.createTopics(topics.map((t) => ({ topic: t.name, numPartitions: 1, replicationFactor: 1 })));
      await admin.disconnect();
    }
    await streams.start();
    const producer = clients().producer();
    await producer.connect();
    await producer.send(example.input);
    await producer.disconnect();

    const expected = example.expectedProcessed?.(example.input) ?? example.input.length;
    await waitUntilIdle(streams, expected);
    await printOutputs(clients(), example.outputs);
  } finally {
    await streams.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Waits until `expected` records are processed and the count has not moved for IDLE_MS. */
async function waitUntilIdle(streams: KafkaStreams, expected: number): Promise<void> {
  const deadline = Date.now() + MAX_WAIT_MS;
  let last = -1;
  let stableSince = Date.now();
  for (;;) {
    const now = Date.now();
    const processed = streams.processedRecords;
    if (processed !== last) [last, stableSince] = [processed, now];
    if (processed >= expected && now - stableSince >= IDLE_MS) return;
    if (now > deadline) throw new Error(`only ${processed} of ${expected} records were processed within ${MAX_WAIT_MS / 1000} s (state ${streams.state})`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Reads each output topic from offset 0 to its current end and prints the formatted records. */
async function printOutputs(
  clients: ReturnType<typeof createClientFactory>,
  outputs: LiveExample['outputs'],
): Promise<void> {
  const admin = clients.admin();
  const consumer = clients.assignedConsumer();
  await admin.connect();
  await consumer.connect();
  try {
    for (const [topic, format] of Object.entries(outputs)) {
      const [end] = await admin.listOffsets([{ topic, partition: 0 }], 'latest');
      const endOffset = end?.offset ?? 0;
      if (endOffset === 0) continue;
      await consumer.assign([{ topic, partition: 0, offset: 0 }]);
      // Up to the end offset; a few empty polls in a row also end the topic (e.g. a gap at its end).
      let next = 0;
      for (let emptyPolls = 0; next < endOffset && emptyPolls < 10; ) {
        const batches = await consumer.poll(1000, 500);
        emptyPolls = batches.length === 0 ? emptyPolls + 1 : 0;
        for (const batch of batches) {
          for (const record of batch.records) {
            next = record.offset + 1;
            const line = format(record);
            if (line !== undefined) console.log(line);
          }
        }
      }
    }
  } finally {
    await consumer.disconnect();
    await admin.disconnect();
  }
}
