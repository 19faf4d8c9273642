// Shared test helpers for the join tests: a capturing processor (Kafka's MockApiProcessor) and
// compact readers of an output topic as [key, value, timestamp] triples.
import type { ProcessorSupplier } from '../../../../src/streams/processor/processor.ts';
import type { TestOutputTopic } from '../../../../src/testing/test-output-topic.ts';

export type KVT = readonly [unknown, unknown, number];

/** A processor that records every record it receives; `take()` returns and clears them. */
export function capture<K, V>(): { supplier: ProcessorSupplier<K, V>; take(): KVT[] } {
  const seen: KVT[] = [];
  return {
    supplier: () => ({ process: (r) => void seen.push([r.key, r.value, r.timestamp]) }),
    take: () => seen.splice(0, seen.length),
  };
}

/** Kafka's Change(new, old) as the tests write it. */
export const ch = (newValue: unknown, oldValue: unknown) => ({ newValue, oldValue });

export function drain(topic: TestOutputTopic<unknown, unknown>): KVT[] {
  return topic.readRecordsToList().map((r) => [r.key, r.value, r.timestamp] as const);
}
