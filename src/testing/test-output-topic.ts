/*
 * TestOutputTopic: reads what the topology produced to a topic in the TopologyTestDriver, in
 * production order, deserializing with the deserializers the test gives. Reading consumes: each
 * record is returned once. Reading an empty topic throws ("Empty topic: <name>"), as Kafka's
 * TestOutputTopic does; use isEmpty() / queueSize first when that is expected.
 */
import type { Deserializer } from '../streams/serde/serde.ts';
import type { TestRecord } from './test-record.ts';

export interface RawOutputRecord {
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly timestamp: number;
  readonly headers: Readonly<Record<string, Buffer>>;
}

/** The part of the driver an output topic uses. */
export interface OutputSource {
  readOutput(topic: string): RawOutputRecord | undefined;
  outputSize(topic: string): number;
}

export class TestOutputTopic<K, V> {
  /** @internal — use TopologyTestDriver.createOutputTopic. */
  constructor(
    private readonly driver: OutputSource,
    readonly topic: string,
    private readonly keyDeserializer: Deserializer<K>,
    private readonly valueDeserializer: Deserializer<V>,
  ) {}

  readRecord(): TestRecord<K, V> {
    const raw = this.driver.readOutput(this.topic);
    if (raw === undefined) throw new Error(`Empty topic: ${this.topic}`);
    return {
      key: (raw.key === null ? null : this.keyDeserializer.deserialize(this.topic, raw.key)) as K,
      value: (raw.value === null ? null : this.valueDeserializer.deserialize(this.topic, raw.value)) as V,
      timestamp: raw.timestamp,
      headers: raw.headers,
    };
  }

  readValue(): V {
    return this.readRecord().value;
  }

  readKeyValue(): { key: K; value: V } {
    const r = this.readRecord();
    return { key: r.key, value: r.value };
  }

  readRecordsToList(): Array<TestRecord<K, V>> {
    const out: Array<TestRecord<K, V>> = [];
    while (!this.isEmpty()) out.push(this.readRecord());
    return out;
  }

  readValuesToList(): V[] {
    return this.readRecordsToList().map((r) => r.value);
  }

  readKeyValuesToList(): Array<{ key: K; value: V }> {
    return this.readRecordsToList().map((r) => ({ key: r.key, value: r.value }));
  }

  /**
   * The latest value per key (a null value stays as a null entry, as in Kafka). Keys are Map
   * keys, so object keys never collapse: use primitive keys with this method.
   */
  readKeyValuesToMap(): Map<K, V> {
    const out = new Map<K, V>();
    while (!this.isEmpty()) {
      const r = this.readRecord();
      if (r.key === null || r.key === undefined) throw new Error(`Null keys not allowed with readKeyValuesToMap (topic ${this.topic}).`);
      out.set(r.key, r.value);
    }
    return out;
  }

  isEmpty(): boolean {
    return this.driver.outputSize(this.topic) === 0;
  }

  get queueSize(): number {
    return this.driver.outputSize(this.topic);
  }
}
