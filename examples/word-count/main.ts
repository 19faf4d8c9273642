/*
 * Runs the word-count topology on text lines and prints the final count per word.
 *
 * Honest note: Tributary's streams runtime (stream threads consuming from a broker) is a later
 * issue. Until it lands, this program runs the topology through the TopologyTestDriver — the
 * same tasks, stores and repartition path, but in-process and without a broker. Lines come
 * from stdin when it is piped, otherwise from a small built-in sample:
 *
 *   printf 'hello world\nhello streams\n' | npx tsx examples/word-count/main.ts
 */
import { StreamsBuilder } from '../../src/streams/dsl/streams-builder.ts';
import { Serdes } from '../../src/streams/serde/serdes.ts';
import { TopologyTestDriver } from '../../src/testing/topology-test-driver.ts';
import { INPUT_TOPIC, OUTPUT_TOPIC, buildTopology } from './topology.ts';

const SAMPLE = ['all streams lead to kafka', 'hello kafka streams', 'join kafka summit'];

async function readLines(): Promise<string[]> {
  if (process.stdin.isTTY) return SAMPLE;
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const lines = Buffer.concat(chunks).toString('utf8').split(/\r?\n/).filter((l) => l.trim().length > 0);
  return lines.length > 0 ? lines : SAMPLE;
}

async function main(): Promise<void> {
  const builder = new StreamsBuilder();
  buildTopology(builder);
  const topology = builder.build();
  console.log(topology.describe().toString());

  const driver = await TopologyTestDriver.create(topology, { applicationId: 'streams-wordcount' });
  try {
    const input = driver.createInputTopic(INPUT_TOPIC, Serdes.string(), Serdes.string());
    const output = driver.createOutputTopic(OUTPUT_TOPIC, Serdes.string(), Serdes.int64());
    for (const line of await readLines()) input.pipeInput(null, line);
    const counts = output.readKeyValuesToMap();
    for (const [word, count] of [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))) {
      console.log(`${word}\t${count}`);
    }
  } finally {
    await driver.close();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
