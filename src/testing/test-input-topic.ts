/*
 * TestInputTopic: pipes typed records into a TopologyTestDriver, serializing them with the
 * serializers the test gives (so a test can also pipe bytes a source cannot deserialize).
 *
 * Timestamps: a record without an explicit timestamp gets the topic's current time, which
 * starts at `startTimestampMs` and moves forward by `autoAdvanceMs` after each record (as Kafka's
 * TestInputTopic); `advanceTime(ms)` moves it by hand. Each pipe call processes the record
 * completely (including repartition round trips and the commit) before returning.
 */
import type { Serializer } from '../streams/serde/serde.ts';
import type { TestInputRecord } from './test-record.ts';

/** The part of the driver an input topic uses. */
export interface InputPipe {
  pipeRaw(topic: string, key: Buffer | null, value: Buffer | null, timestamp: number, headers: Readonly<Record<string, Buffer>>): void;
}

export class TestInputTopic<K, V> {
  #currentTime: number;

  /** @internal — use TopologyTestDriver.createInputTopic. */
  constructor(
    private readonly driver: InputPipe,
    readonly topic: string,
    private readonly keySerializer: Serializer<K>,
    private readonly valueSerializer: Serializer<V>,
    startTimestampMs: number,
    private readonly autoAdvanceMs: number,
  ) {
    if (autoAdvanceMs < 0) throw new Error(`autoAdvanceMs must be >= 0, got ${autoAdvanceMs}.`);
    this.#currentTime = startTimestampMs;
  }

  /** Moves the topic's time forward for records piped without a timestamp. */
  advanceTime(ms: number): void {
    if (ms < 0) throw new Error(`advanceTime needs a non-negative duration, got ${ms}.`);
    this.#currentTime += ms;
  }

  get currentTime(): number {
    return this.#currentTime;
  }

  /** A null key means "no key"; a null value is a tombstone (deletes the key in a table). */
  pipeInput(key: K | null, value: V | null, timestamp?: number, headers: Readonly<Record<string, Buffer>> = {}): void {
    let ts: number;
    if (timestamp === undefined) {
      ts = this.#currentTime;
      this.#currentTime += this.autoAdvanceMs;
    } else {
      ts = timestamp;
    }
    const k = key === null || key === undefined ? null : this.keySerializer.serialize(this.topic, key);
    const v = value === null || value === undefined ? null : this.valueSerializer.serialize(this.topic, value);
    this.driver.pipeRaw(this.topic, k, v, ts, headers);
  }

  /** Pipes a value with a null key. */
  pipeValue(value: V, timestamp?: number): void {
    this.pipeInput(null, value, timestamp);
  }

  pipeValueList(values: Iterable<V>): void {
    for (const v of values) this.pipeValue(v);
  }

  /**
   * Pipes key/value pairs; with `startTimestampMs`, the first gets that time and each next one
   * `advanceMs` more, otherwise they take the topic's current time.
   */
  pipeKeyValueList(pairs: Iterable<readonly [K, V] | { key: K; value: V }>, startTimestampMs?: number, advanceMs = 0): void {
    let ts = startTimestampMs;
    for (const p of pairs) {
      const [k, v] = Array.isArray(p) ? (p as readonly [K, V]) : [(p as { key: K }).key, (p as { value: V }).value];
      this.pipeInput(k, v, ts);
      if (ts !== undefined) ts += advanceMs;
    }
  }

  pipeRecordList(records: Iterable<TestInputRecord<K, V>>): void {
    for (const r of records) this.pipeInput(r.key, r.value, r.timestamp, r.headers ?? {});
  }
}
