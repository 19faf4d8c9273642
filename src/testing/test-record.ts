/*
 * TestRecord: a record as tests write it into, and read it out of, the TopologyTestDriver —
 * typed key and value, timestamp and headers (Kafka Streams' test-utils TestRecord).
 */
export interface TestRecord<K, V> {
  readonly key: K;
  readonly value: V;
  readonly timestamp: number;
  readonly headers: Readonly<Record<string, Buffer>>;
}

/** What a test pipes in: key and value required, timestamp and headers optional. */
export interface TestInputRecord<K, V> {
  readonly key: K;
  readonly value: V;
  readonly timestamp?: number;
  readonly headers?: Readonly<Record<string, Buffer>>;
}
