/*
 * Word count — the classic Kafka Streams WordCountDemo, unchanged in shape:
 *
 *   streams-plaintext-input ─flatMapValues(split on non-word characters, lowercase)
 *     ─groupBy(word) ─[repartition by word]─ count(store "counts-store")
 *     ─toStream ─▶ streams-wordcount-output (key: word, value: count as int64)
 *
 * groupBy changes the key, so the builder inserts the repartition topic
 * "<applicationId>-counts-store-repartition" and the topology has two sub-topologies; its
 * describe() text is the same as Kafka Streams prints for the Java version.
 */
import { Consumed, Grouped, Materialized, Produced, Serdes, StreamsBuilder, type Topology } from 'tributary';

export const INPUT_TOPIC = 'streams-plaintext-input';
export const OUTPUT_TOPIC = 'streams-wordcount-output';
export const STORE_NAME = 'counts-store';

export function buildTopology(builder: StreamsBuilder): void {
  builder
    .stream(INPUT_TOPIC, Consumed.with(Serdes.string(), Serdes.string()))
    .flatMapValues((line) => line.toLowerCase().split(/\W+/).filter((w) => w.length > 0))
    .groupBy((_key, word) => word, Grouped.with(Serdes.string(), Serdes.string()))
    .count(Materialized.as(STORE_NAME))
    .toStream()
    .to(OUTPUT_TOPIC, Produced.with(Serdes.string(), Serdes.int64()));
}

/**
 * The same topology as a topology module (a `topology()` export): what KafkaStreams.fromModule
 * takes, and what `npx tributary describe examples/word-count/topology.ts` prints and
 * `npx tributary dev examples/word-count/topology.ts` runs.
 */
export function topology(): Topology {
  const builder = new StreamsBuilder();
  buildTopology(builder);
  return builder.build();
}
