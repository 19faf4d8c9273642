// The word-count example: counts are right, and describe() is the text Kafka Streams prints
// for the same topology (so a Java user sees the exact same names and internal topics).
import { afterEach, describe, expect, it } from 'vitest';
import { Serdes, StreamsBuilder } from 'tributary';
import { TopologyTestDriver } from 'tributary/testing';
import { INPUT_TOPIC, OUTPUT_TOPIC, STORE_NAME, buildTopology } from './topology.ts';

// The text Kafka Streams (3.x/4.x) prints for WordCountDemo's topology (Topology#describe()).
const KAFKA_DESCRIBE = `Topologies:
   Sub-topology: 0
    Source: KSTREAM-SOURCE-0000000000 (topics: [streams-plaintext-input])
      --> KSTREAM-FLATMAPVALUES-0000000001
    Processor: KSTREAM-FLATMAPVALUES-0000000001 (stores: [])
      --> KSTREAM-KEY-SELECT-0000000002
      <-- KSTREAM-SOURCE-0000000000
    Processor: KSTREAM-KEY-SELECT-0000000002 (stores: [])
      --> counts-store-repartition-filter
      <-- KSTREAM-FLATMAPVALUES-0000000001
    Processor: counts-store-repartition-filter (stores: [])
      --> counts-store-repartition-sink
      <-- KSTREAM-KEY-SELECT-0000000002
    Sink: counts-store-repartition-sink (topic: counts-store-repartition)
      <-- counts-store-repartition-filter

  Sub-topology: 1
    Source: counts-store-repartition-source (topics: [counts-store-repartition])
      --> KSTREAM-AGGREGATE-0000000003
    Processor: KSTREAM-AGGREGATE-0000000003 (stores: [counts-store])
      --> KTABLE-TOSTREAM-0000000007
      <-- counts-store-repartition-source
    Processor: KTABLE-TOSTREAM-0000000007 (stores: [])
      --> KSTREAM-SINK-0000000008
      <-- KSTREAM-AGGREGATE-0000000003
    Sink: KSTREAM-SINK-0000000008 (topic: streams-wordcount-output)
      <-- KTABLE-TOSTREAM-0000000007

`;

describe('word count example', () => {
  let driver: TopologyTestDriver | undefined;
  afterEach(async () => {
    await driver?.close();
    driver = undefined;
  });

  it('describes itself exactly as Kafka Streams does', () => {
    const builder = new StreamsBuilder();
    buildTopology(builder);
    expect(builder.build().describe().toString()).toBe(KAFKA_DESCRIBE);
  });

  it('counts words across lines, emitting the running count per word', async () => {
    const builder = new StreamsBuilder();
    buildTopology(builder);
    driver = await TopologyTestDriver.create(builder.build(), { applicationId: 'wordcount' });
    const input = driver.createInputTopic(INPUT_TOPIC, Serdes.string(), Serdes.string());
    const output = driver.createOutputTopic(OUTPUT_TOPIC, Serdes.string(), Serdes.int64());

    input.pipeInput('l1', 'Hello Kafka Streams', 1000);
    input.pipeInput('l2', 'All streams lead to Kafka', 2000);
    input.pipeInput('l3', 'Join Kafka Summit', 3000);

    expect(output.readKeyValuesToList()).toEqual([
      { key: 'hello', value: 1 },
      { key: 'kafka', value: 1 },
      { key: 'streams', value: 1 },
      { key: 'all', value: 1 },
      { key: 'streams', value: 2 },
      { key: 'lead', value: 1 },
      { key: 'to', value: 1 },
      { key: 'kafka', value: 2 },
      { key: 'join', value: 1 },
      { key: 'kafka', value: 3 },
      { key: 'summit', value: 1 },
    ]);
    const store = driver.getKeyValueStore<string, number>(STORE_NAME)!;
    expect(store.get('kafka')).toBe(3);
    expect(store.get('absent')).toBeUndefined();
    expect(driver.producedTopicNames()).toEqual(
      new Set([OUTPUT_TOPIC, 'wordcount-counts-store-repartition', 'wordcount-counts-store-changelog']),
    );
  });
});
