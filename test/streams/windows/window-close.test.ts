// Window close (grace) through the time-windowed aggregation, against a naive model: a record
// is counted in window [s, s + size) exactly when s + size > maxTimestampSoFar - grace, where
// maxTimestampSoFar includes the record itself (Kafka: windowEnd > observedStreamTime - grace;
// otherwise it is dropped and counted). Also checks the dropped-records total.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Consumed } from '../../../src/streams/dsl/options/consumed.ts';
import { Grouped } from '../../../src/streams/dsl/options/grouped.ts';
import { Materialized } from '../../../src/streams/dsl/options/materialized.ts';
import { StreamsBuilder } from '../../../src/streams/dsl/streams-builder.ts';
import { Serdes } from '../../../src/streams/serde/serdes.ts';
import { TimeWindows } from '../../../src/streams/windows/time-windows.ts';
import { TopologyTestDriver } from '../../../src/testing/topology-test-driver.ts';

const S = Serdes.string();
const silent = { warn: () => {}, error: () => {} };

describe('window close against a naive model (property)', () => {
  it('final counts per window and the dropped-record count match the model', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.constantFrom('a', 'b'), fc.integer({ min: 0, max: 100 })), { maxLength: 30 }),
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 0, max: 15 }),
        async (records, size, adv, grace) => {
          const advance = Math.min(adv, size);
          const windows = TimeWindows.ofSizeAndGrace(size, grace).advanceBy(advance);
          const builder = new StreamsBuilder();
          builder
            .stream('in', Consumed.with(S, S))
            .groupByKey(Grouped.with(S, S))
            .windowedBy(windows)
            .count(Materialized.as<string, number>('counts'));
          const driver = await TopologyTestDriver.create(builder.build(), { logger: silent });
          const model = new Map<string, number>();
          let streamTime = -1;
          let dropped = 0;
          let maxStart = -1; // the store's observed time: the max window start it was given
          try {
            const input = driver.createInputTopic('in', S, S);
            for (const [key, ts] of records) {
              input.pipeInput(key, 'x', ts);
              streamTime = Math.max(streamTime, ts);
              for (let start = 0; start <= ts; start += advance) {
                if (ts >= start + size) continue;
                if (start + size > streamTime - grace) {
                  model.set(`${key}@${start}`, (model.get(`${key}@${start}`) ?? 0) + 1);
                  maxStart = Math.max(maxStart, start);
                } else dropped++;
              }
            }
            const store = driver.getWindowStore<string, number>('counts')!;
            const actual = new Map<string, number>();
            for (const { key, value } of store.all()) actual.set(`${key.key}@${key.window.start}`, value);
            // The store keeps a window while its start > (max window start) - retention, retention =
            // size + grace (Kafka's default): compare the live ones.
            const live = new Map([...model].filter(([id]) => Number(id.split('@')[1]) > maxStart - (size + grace)));
            expect(actual).toEqual(live);
            expect(driver.metrics().droppedRecordsTotal).toBe(dropped);
          } finally {
            await driver.close();
          }
        },
      ),
      { numRuns: 80 },
    );
  });
});
