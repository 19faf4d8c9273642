/*
 * Runs the word-count topology on the streams runtime and prints the final count per word.
 *
 *   printf 'hello world\nhello streams\n' | npx tsx examples/word-count/main.ts
 *   npx tsx examples/word-count/main.ts --bootstrap 127.0.0.1:9092     (an existing broker)
 *
 * Without --bootstrap the app uses `bootstrapServers: 'embedded'`: the bundled broker starts
 * in-process (data and state in a temp directory removed at exit). The lines (stdin when piped,
 * else a built-in sample) are produced to the input topic; the app counts them through the
 * repartition topic into the "counts-store"; once every line and word is processed the counts are
 * read back with an interactive query and printed, and the app closes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StreamsBuilder } from '../../src/streams/dsl/streams-builder.ts';
import { KafkaStreams } from '../../src/streams/runtime/kafka-streams.ts';
import { QueryableStoreTypes } from '../../src/streams/runtime/queryable-stores.ts';
import { clientFactoryFor } from '../../src/streams/runtime/runtime-deps.ts';
import { INPUT_TOPIC, OUTPUT_TOPIC, STORE_NAME, buildTopology } from './topology.ts';

const SAMPLE = ['all streams lead to kafka', 'hello kafka streams', 'join kafka summit'];

async function readLines(): Promise<string[]> {
  if (process.stdin.isTTY) return SAMPLE;
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const lines = Buffer.concat(chunks).toString('utf8').split(/\r?\n/).filter((l) => l.trim().length > 0);
  return lines.length > 0 ? lines : SAMPLE;
}

function words(line: string): string[] {
  return line.toLowerCase().split(/\W+/).filter((w) => w.length > 0);
}

async function main(): Promise<void> {
  const i = process.argv.indexOf('--bootstrap');
  const bootstrap = i > 0 ? process.argv[i + 1] : undefined;
  const lines = await readLines();
  const builder = new StreamsBuilder();
  buildTopology(builder);
  const topology = builder.build();
  console.log(topology.describe().toString());

  const dir = mkdtempSync(join(tmpdir(), 'tributary-wordcount-'));
  const streams = new KafkaStreams(topology, {
    applicationId: `streams-wordcount-${process.pid}`,
    bootstrapServers: bootstrap ?? 'embedded',
    stateDir: join(dir, 'state'),
    embedded: { dataDir: join(dir, 'broker'), topics: [INPUT_TOPIC, OUTPUT_TOPIC].map((name) => ({ name, partitions: 2 })) },
    commitIntervalMs: 200,
    cacheMaxBytes: 0,
  });
  try {
    await streams.start();
    const clients = clientFactoryFor(streams.bootstrapServers, 'wordcount-input');
    if (bootstrap !== undefined) {
      // An existing cluster: make sure the topics exist (the embedded broker creates them at start).
      const admin = clients.admin();
      await admin.connect();
      await admin.createTopics([INPUT_TOPIC, OUTPUT_TOPIC].map((topic) => ({ topic, numPartitions: 2, replicationFactor: 1 })));
      await admin.disconnect();
    }
    const producer = clients.producer();
    await producer.connect();
    await producer.send(lines.map((line) => ({ topic: INPUT_TOPIC, key: null, value: Buffer.from(line), timestamp: Date.now(), headers: {} })));
    await producer.disconnect();
    // Every line is processed once in sub-topology 0 and every word once in sub-topology 1.
    const expected = lines.length + lines.reduce((n, l) => n + words(l).length, 0);
    const deadline = Date.now() + 30_000;
    while (streams.processedRecords < expected) {
      if (Date.now() > deadline) throw new Error(`only ${streams.processedRecords} of ${expected} records were processed within 30 s (state ${streams.state})`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const store = streams.store(STORE_NAME, QueryableStoreTypes.keyValueStore<string, number>());
    const counts = [...store.all()].map((e) => [e.key, Number(e.value)] as const);
    for (const [word, count] of counts.sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))) console.log(`${word}\t${count}`);
  } finally {
    await streams.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
