// Records forwarded from the record caches carry the headers of the record that last wrote the
// cached entry, as Kafka's LRUCacheEntry keeps its ProcessorRecordContext (headers included):
// key-value (a table aggregate), window (a windowed count) and session (a session count) caches,
// with updates coalesced until the task flushes its caches.
import { describe, expect, it } from 'vitest';
import { Consumed } from '../../../../src/streams/dsl/options/consumed.ts';
import { Materialized } from '../../../../src/streams/dsl/options/materialized.ts';
import { StreamsBuilder } from '../../../../src/streams/dsl/streams-builder.ts';
import type { StreamRecord } from '../../../../src/streams/processor/record.ts';
import { Serdes } from '../../../../src/streams/serde/serdes.ts';
import { StreamTask } from '../../../../src/streams/task/stream-task.ts';
import { SessionWindows } from '../../../../src/streams/windows/session-windows.ts';
import { TimeWindows } from '../../../../src/streams/windows/time-windows.ts';
import { testTaskConfig } from '../../task/task-config-fixture.ts';

const S = Serdes.string();
const config = testTaskConfig(1 << 20);

type Table = { processorName: string };
const builds: Array<[string, (b: StreamsBuilder) => Table]> = [
  ['key-value cache (count)', (b) => b.stream('in', Consumed.with(S, S)).groupByKey().count(Materialized.as('kv'))],
  ['window cache (windowed count)', (b) => b.stream('in', Consumed.with(S, S)).groupByKey().windowedBy(TimeWindows.ofSizeWithNoGrace(100)).count(Materialized.as('win'))],
  ['session cache (session count)', (b) => b.stream('in', Consumed.with(S, S)).groupByKey().windowedBy(SessionWindows.ofInactivityGapWithNoGrace(100)).count(Materialized.as('ses'))],
];

describe('records flushed from the record caches carry the cached record\'s headers', () => {
  for (const [name, build] of builds) {
    it(name, async () => {
      const b = new StreamsBuilder();
      const table = build(b);
      const topology = b.build();
      const seen: Array<[string, string]> = [];
      topology.addProcessor('probe', () => ({ process: (r: StreamRecord<unknown, unknown>) => void seen.push([JSON.stringify(r.value), r.headers['h']?.toString() ?? '<none>']) }), table.processorName);
      const task = new StreamTask(topology, topology.subtopologies()[0]!, 0, config, { send: () => {}, changelog: { send: () => {} }, now: () => 0 });
      await task.initialize();
      let offset = 0;
      const pipe = (key: string, timestamp: number, h: string) => {
        task.addRecords([{ topic: 'in', partition: 0, offset: offset++, timestamp, key: Buffer.from(key), value: Buffer.from('v'), headers: { h: Buffer.from(h) } }]);
        task.process();
      };
      try {
        pipe('a', 1, 'first');
        pipe('a', 2, 'second'); // coalesced with the first: the entry now holds the second's context
        pipe('b', 3, 'third');
        expect(seen).toEqual([]); // nothing forwarded before the flush
        task.flushCaches();
        expect(seen.map(([, h]) => h)).toEqual(['second', 'third']);
        expect(seen[0]![0]).toContain('"newValue":2');
      } finally {
        await task.close();
      }
    });
  }
});
