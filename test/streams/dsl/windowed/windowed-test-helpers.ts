// Helpers for the windowed DSL tests: capture what reaches a processor (key, value, timestamp),
// and a logger that records warnings so tests can check Kafka's log lines.
import type { KStream } from '../../../../src/streams/dsl/kstream.ts';
import type { Windowed } from '../../../../src/streams/serde/windowed-serdes.ts';
import { longMsText } from '../../../../src/streams/windows/window-checks.ts';

export interface Captured<K, V> {
  key: K;
  value: V;
  timestamp: number;
}

/** Attaches a terminal processor that records every record it receives. */
export function capture<K, V>(stream: KStream<K, V>): Array<Captured<K, V>> {
  const out: Array<Captured<K, V>> = [];
  stream.process<never, never>(() => ({
    process(r) {
      out.push({ key: r.key, value: r.value, timestamp: r.timestamp });
    },
  }));
  return out;
}

/** Kafka's KeyValueTimestamp of a windowed key, flattened: [key, start, end, value, timestamp]. */
export function kvt<K, V>(records: Array<Captured<Windowed<K>, V>>): Array<[K, number, number, V, number]> {
  return records.map((r) => [r.key.key, r.key.window.start, r.key.window.end, r.value, r.timestamp]);
}

export function recordingLogger(): { warn(m: string): void; error(m: string): void; warnings: string[] } {
  const warnings: string[] = [];
  return { warn: (m) => warnings.push(m), error: (m) => warnings.push(m), warnings };
}

/** Kafka's Windowed.toString: "[key@start/end]" (an end of time prints as Long.MAX_VALUE). */
export function windowedString<K>(w: Windowed<K>): string {
  return `[${String(w.key)}@${w.window.start}/${longMsText(w.window.end)}]`;
}
