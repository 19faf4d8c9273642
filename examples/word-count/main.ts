/*
 * Runs the word-count topology and prints every count update it writes.
 *
 *   npx tsx examples/word-count/main.ts                       live: embedded broker + KafkaStreams
 *   printf 'hello world\nhello streams\n' | npx tsx examples/word-count/main.ts     your own lines
 *   npx tsx examples/word-count/main.ts --bootstrap 127.0.0.1:9092     live, on an existing broker
 *   npx tsx examples/word-count/main.ts --replay              the same lines through the driver
 *
 * Live, the app counts the lines through the repartition topic into the "counts-store" and writes
 * each update to the output topic (caching off, so every update is written, as the driver shows).
 */
import { Serdes, StreamsBuilder } from 'tributary';
import { TopologyTestDriver } from 'tributary/testing';
import { runLive } from '../live.ts';
import { INPUT_TOPIC, OUTPUT_TOPIC, buildTopology } from './topology.ts';

const SAMPLE = ['all streams lead to kafka', 'hello kafka streams', 'join kafka summit'];
const T0 = Date.UTC(2026, 0, 1);

async function readLines(): Promise<string[]> {
  if (process.stdin.isTTY || process.argv.includes('--sample')) return SAMPLE;
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const lines = Buffer.concat(chunks).toString('utf8').split(/\r?\n/).filter((l) => l.trim().length > 0);
  return lines.length > 0 ? lines : SAMPLE;
}

const countLine = (word: string, count: number) => `${word}\t${count}`;

async function replay(lines: readonly string[]): Promise<void> {
  const builder = new StreamsBuilder();
  buildTopology(builder);
  const driver = await TopologyTestDriver.create(builder.build(), { applicationId: 'word-count', cacheMaxBytes: 0 });
  try {
    const input = driver.createInputTopic(INPUT_TOPIC, Serdes.string(), Serdes.string());
    lines.forEach((line, i) => input.pipeInput(null, line, T0 + i));
    for (const { key, value } of driver.createOutputTopic(OUTPUT_TOPIC, Serdes.string(), Serdes.int64()).readKeyValuesToList()) console.log(countLine(key, value));
  } finally {
    await driver.close();
  }
}

async function live(lines: readonly string[]): Promise<void> {
  const words = (line: string) => line.toLowerCase().split(/\W+/).filter((w) => w.length > 0);
  await runLive({
    name: 'word-count',
    buildTopology,
    topics: [INPUT_TOPIC, OUTPUT_TOPIC],
    input: lines.map((line, i) => ({ topic: INPUT_TOPIC, key: null, value: Buffer.from(line), timestamp: T0 + i, headers: {} })),
    // Every line once in sub-topology 0, and every word once more after the repartition.
    expectedProcessed: (input) => input.length + lines.reduce((n, l) => n + words(l).length, 0),
    outputs: {
      [OUTPUT_TOPIC]: (r) => (r.key === null || r.value === null ? undefined : countLine(r.key.toString('utf8'), Serdes.int64().deserialize(OUTPUT_TOPIC, r.value))),
    },
  });
}

const lines = await readLines();
(process.argv.includes('--replay') ? replay(lines) : live(lines)).catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
