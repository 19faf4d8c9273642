// Kafka's expected describe() texts for RepartitionOptimizingTest (EXPECTED_OPTIMIZED_TOPOLOGY and
// EXPECTED_UNOPTIMIZED_TOPOLOGY in apache/kafka's
// streams/src/test/java/org/apache/kafka/streams/processor/internals/RepartitionOptimizingTest.java).

export const EXPECTED_OPTIMIZED_TOPOLOGY =
  'Topologies:\n' +
  '   Sub-topology: 0\n' +
  '    Source: sourceStream (topics: [input])\n' +
  '      --> source-map\n' +
  '    Processor: source-map (stores: [])\n' +
  '      --> process-filter, count-groupByKey-repartition-filter\n' +
  '      <-- sourceStream\n' +
  '    Processor: process-filter (stores: [])\n' +
  '      --> process-mapValues\n' +
  '      <-- source-map\n' +
  '    Processor: count-groupByKey-repartition-filter (stores: [])\n' +
  '      --> count-groupByKey-repartition-sink\n' +
  '      <-- source-map\n' +
  '    Processor: process-mapValues (stores: [])\n' +
  '      --> process\n' +
  '      <-- process-filter\n' +
  '    Sink: count-groupByKey-repartition-sink (topic: count-groupByKey-repartition)\n' +
  '      <-- count-groupByKey-repartition-filter\n' +
  '    Processor: process (stores: [])\n' +
  '      --> none\n' +
  '      <-- process-mapValues\n' +
  '\n' +
  '  Sub-topology: 1\n' +
  '    Source: count-groupByKey-repartition-source (topics: [count-groupByKey-repartition])\n' +
  '      --> aggregate, count, join-filter, reduce-filter\n' +
  '    Processor: count (stores: [count-store])\n' +
  '      --> count-toStream\n' +
  '      <-- count-groupByKey-repartition-source\n' +
  '    Processor: count-toStream (stores: [])\n' +
  '      --> join-other-windowed, count-to\n' +
  '      <-- count\n' +
  '    Processor: join-filter (stores: [])\n' +
  '      --> join-this-windowed\n' +
  '      <-- count-groupByKey-repartition-source\n' +
  '    Processor: reduce-filter (stores: [])\n' +
  '      --> reduce-peek\n' +
  '      <-- count-groupByKey-repartition-source\n' +
  '    Processor: join-other-windowed (stores: [other-join-store])\n' +
  '      --> join-other-join\n' +
  '      <-- count-toStream\n' +
  '    Processor: join-this-windowed (stores: [join-store])\n' +
  '      --> join-this-join\n' +
  '      <-- join-filter\n' +
  '    Processor: reduce-peek (stores: [])\n' +
  '      --> reducer\n' +
  '      <-- reduce-filter\n' +
  '    Processor: aggregate (stores: [aggregate-store])\n' +
  '      --> aggregate-toStream\n' +
  '      <-- count-groupByKey-repartition-source\n' +
  '    Processor: join-other-join (stores: [join-store])\n' +
  '      --> join-merge\n' +
  '      <-- join-other-windowed\n' +
  '    Processor: join-this-join (stores: [other-join-store])\n' +
  '      --> join-merge\n' +
  '      <-- join-this-windowed\n' +
  '    Processor: reducer (stores: [reduce-store])\n' +
  '      --> reduce-toStream\n' +
  '      <-- reduce-peek\n' +
  '    Processor: aggregate-toStream (stores: [])\n' +
  '      --> reduce-to\n' +
  '      <-- aggregate\n' +
  '    Processor: join-merge (stores: [])\n' +
  '      --> join-to\n' +
  '      <-- join-this-join, join-other-join\n' +
  '    Processor: reduce-toStream (stores: [])\n' +
  '      --> KSTREAM-SINK-0000000023\n' +
  '      <-- reducer\n' +
  '    Sink: KSTREAM-SINK-0000000023 (topic: outputTopic_2)\n' +
  '      <-- reduce-toStream\n' +
  '    Sink: count-to (topic: outputTopic_0)\n' +
  '      <-- count-toStream\n' +
  '    Sink: join-to (topic: joinedOutputTopic)\n' +
  '      <-- join-merge\n' +
  '    Sink: reduce-to (topic: outputTopic_1)\n' +
  '      <-- aggregate-toStream\n' +
  '\n' +
  '';

export const EXPECTED_UNOPTIMIZED_TOPOLOGY =
  'Topologies:\n' +
  '   Sub-topology: 0\n' +
  '    Source: sourceStream (topics: [input])\n' +
  '      --> source-map\n' +
  '    Processor: source-map (stores: [])\n' +
  '      --> reduce-filter, process-filter, aggregate-groupByKey-repartition-filter, count-groupByKey-repartition-filter, join-filter\n' +
  '      <-- sourceStream\n' +
  '    Processor: reduce-filter (stores: [])\n' +
  '      --> reduce-peek\n' +
  '      <-- source-map\n' +
  '    Processor: join-filter (stores: [])\n' +
  '      --> join-left-repartition-filter\n' +
  '      <-- source-map\n' +
  '    Processor: process-filter (stores: [])\n' +
  '      --> process-mapValues\n' +
  '      <-- source-map\n' +
  '    Processor: reduce-peek (stores: [])\n' +
  '      --> reduce-groupByKey-repartition-filter\n' +
  '      <-- reduce-filter\n' +
  '    Processor: aggregate-groupByKey-repartition-filter (stores: [])\n' +
  '      --> aggregate-groupByKey-repartition-sink\n' +
  '      <-- source-map\n' +
  '    Processor: count-groupByKey-repartition-filter (stores: [])\n' +
  '      --> count-groupByKey-repartition-sink\n' +
  '      <-- source-map\n' +
  '    Processor: join-left-repartition-filter (stores: [])\n' +
  '      --> join-left-repartition-sink\n' +
  '      <-- join-filter\n' +
  '    Processor: process-mapValues (stores: [])\n' +
  '      --> process\n' +
  '      <-- process-filter\n' +
  '    Processor: reduce-groupByKey-repartition-filter (stores: [])\n' +
  '      --> reduce-groupByKey-repartition-sink\n' +
  '      <-- reduce-peek\n' +
  '    Sink: aggregate-groupByKey-repartition-sink (topic: aggregate-groupByKey-repartition)\n' +
  '      <-- aggregate-groupByKey-repartition-filter\n' +
  '    Sink: count-groupByKey-repartition-sink (topic: count-groupByKey-repartition)\n' +
  '      <-- count-groupByKey-repartition-filter\n' +
  '    Sink: join-left-repartition-sink (topic: join-left-repartition)\n' +
  '      <-- join-left-repartition-filter\n' +
  '    Processor: process (stores: [])\n' +
  '      --> none\n' +
  '      <-- process-mapValues\n' +
  '    Sink: reduce-groupByKey-repartition-sink (topic: reduce-groupByKey-repartition)\n' +
  '      <-- reduce-groupByKey-repartition-filter\n' +
  '\n' +
  '  Sub-topology: 1\n' +
  '    Source: count-groupByKey-repartition-source (topics: [count-groupByKey-repartition])\n' +
  '      --> count\n' +
  '    Processor: count (stores: [count-store])\n' +
  '      --> count-toStream\n' +
  '      <-- count-groupByKey-repartition-source\n' +
  '    Processor: count-toStream (stores: [])\n' +
  '      --> join-other-windowed, count-to\n' +
  '      <-- count\n' +
  '    Source: join-left-repartition-source (topics: [join-left-repartition])\n' +
  '      --> join-this-windowed\n' +
  '    Processor: join-other-windowed (stores: [other-join-store])\n' +
  '      --> join-other-join\n' +
  '      <-- count-toStream\n' +
  '    Processor: join-this-windowed (stores: [join-store])\n' +
  '      --> join-this-join\n' +
  '      <-- join-left-repartition-source\n' +
  '    Processor: join-other-join (stores: [join-store])\n' +
  '      --> join-merge\n' +
  '      <-- join-other-windowed\n' +
  '    Processor: join-this-join (stores: [other-join-store])\n' +
  '      --> join-merge\n' +
  '      <-- join-this-windowed\n' +
  '    Processor: join-merge (stores: [])\n' +
  '      --> join-to\n' +
  '      <-- join-this-join, join-other-join\n' +
  '    Sink: count-to (topic: outputTopic_0)\n' +
  '      <-- count-toStream\n' +
  '    Sink: join-to (topic: joinedOutputTopic)\n' +
  '      <-- join-merge\n' +
  '\n' +
  '  Sub-topology: 2\n' +
  '    Source: aggregate-groupByKey-repartition-source (topics: [aggregate-groupByKey-repartition])\n' +
  '      --> aggregate\n' +
  '    Processor: aggregate (stores: [aggregate-store])\n' +
  '      --> aggregate-toStream\n' +
  '      <-- aggregate-groupByKey-repartition-source\n' +
  '    Processor: aggregate-toStream (stores: [])\n' +
  '      --> reduce-to\n' +
  '      <-- aggregate\n' +
  '    Sink: reduce-to (topic: outputTopic_1)\n' +
  '      <-- aggregate-toStream\n' +
  '\n' +
  '  Sub-topology: 3\n' +
  '    Source: reduce-groupByKey-repartition-source (topics: [reduce-groupByKey-repartition])\n' +
  '      --> reducer\n' +
  '    Processor: reducer (stores: [reduce-store])\n' +
  '      --> reduce-toStream\n' +
  '      <-- reduce-groupByKey-repartition-source\n' +
  '    Processor: reduce-toStream (stores: [])\n' +
  '      --> KSTREAM-SINK-0000000023\n' +
  '      <-- reducer\n' +
  '    Sink: KSTREAM-SINK-0000000023 (topic: outputTopic_2)\n' +
  '      <-- reduce-toStream\n' +
  '\n' +
  '';
