// Scenarios ported from Apache Kafka's KStreamSlidingWindowAggregateTest
// (streams/src/test/java/org/apache/kafka/streams/kstream/internals/KStreamSlidingWindowAggregateTest.java).
// Kafka compares outputs as "window start → set of (value, timestamp)" (gatherOutput); so do we.
// Kafka's TopologyTestDriver emits final results on every record (emit interval 0); so does ours,
// with a plain EmitStrategy.onWindowClose().
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Consumed } from '../../../../src/streams/dsl/options/consumed.ts';
import { Grouped } from '../../../../src/streams/dsl/options/grouped.ts';
import { Materialized } from '../../../../src/streams/dsl/options/materialized.ts';
import { Produced } from '../../../../src/streams/dsl/options/produced.ts';
import { StreamsBuilder } from '../../../../src/streams/dsl/streams-builder.ts';
import { EmitStrategy } from '../../../../src/streams/dsl/windowed/emit-strategy.ts';
import { Serdes } from '../../../../src/streams/serde/serdes.ts';
import type { Windowed } from '../../../../src/streams/serde/windowed-serdes.ts';
import { SlidingWindows } from '../../../../src/streams/windows/sliding-windows.ts';
import { TopologyTestDriver } from '../../../../src/testing/topology-test-driver.ts';
import { capture, recordingLogger, type Captured } from './windowed-test-helpers.ts';

const S = Serdes.string();
const adder = (_k: string, v: string, agg: string) => `${agg}+${v}`;

/** Kafka's gatherOutput: start → sorted "value@timestamp" (a set in Kafka). */
function gather(records: Array<Captured<Windowed<string>, string>>): Record<number, string[]> {
  const out: Record<number, Set<string>> = {};
  for (const r of records) (out[r.key.window.start] ??= new Set()).add(`${r.value}@${r.timestamp}`);
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, [...v].sort()]));
}

function expected(map: Record<number, Array<[string, number]>>): Record<number, string[]> {
  return Object.fromEntries(Object.entries(map).map(([k, v]) => [k, v.map(([val, t]) => `${val}@${t}`).sort()]));
}

async function runSliding(
  windows: SlidingWindows,
  emitFinal: boolean,
  input: Array<[string, string, number]>,
  op: 'aggregate' | 'reduce' = 'aggregate',
): Promise<Array<Captured<Windowed<string>, string>>> {
  const builder = new StreamsBuilder();
  const windowed = builder
    .stream('topic', Consumed.with(S, S))
    .groupByKey(Grouped.with(S, S))
    .windowedBy(windows)
    .emitStrategy(emitFinal ? EmitStrategy.onWindowClose() : EmitStrategy.onWindowUpdate());
  const table =
    op === 'aggregate'
      ? windowed.aggregate(() => '0', adder, Materialized.as<string, string>('store-name').withValueSerde(S))
      : windowed.reduce((a, b) => `${a}+${b}`, Materialized.as<string, string>('store-name'));
  const seen = capture(table.toStream());
  const driver = await TopologyTestDriver.create(builder.build(), { logger: recordingLogger() });
  try {
    const topic = driver.createInputTopic('topic', S, S);
    for (const [k, v, t] of input) topic.pipeInput(k, v, t);
  } finally {
    await driver.close();
  }
  return seen;
}

for (const emitFinal of [false, true]) {
  describe(`KStreamSlidingWindowAggregate (${emitFinal ? 'ON_WINDOW_CLOSE' : 'ON_WINDOW_UPDATE'})`, () => {
    // KStreamSlidingWindowAggregateTest.testAggregateSmallInput
    it('aggregates a small input (testAggregateSmallInput)', async () => {
      const seen = await runSliding(SlidingWindows.ofTimeDifferenceAndGrace(10, 5), emitFinal, [
        ['A', '1', 10], ['A', '2', 10], ['A', '3', 14], ['A', '4', 15], ['A', '5', 20], ['A', '6', 22], ['A', '7', 30],
      ]);
      expect(gather(seen)).toEqual(
        expected(
          emitFinal
            ? { 0: [['0+1+2', 10]], 4: [['0+1+2+3', 14]], 5: [['0+1+2+3+4', 15]], 10: [['0+1+2+3+4+5', 20]], 11: [['0+3+4+5', 20]], 12: [['0+3+4+5+6', 22]] }
            : {
                0: [['0+1', 10], ['0+1+2', 10]],
                4: [['0+1+2+3', 14]],
                5: [['0+1+2+3+4', 15]],
                10: [['0+1+2+3+4+5', 20]],
                11: [['0+3', 14], ['0+3+4', 15], ['0+3+4+5', 20]],
                12: [['0+3+4+5+6', 22]],
                15: [['0+4', 15], ['0+4+5', 20], ['0+4+5+6', 22]],
                16: [['0+5', 20], ['0+5+6', 22]],
                20: [['0+5+6+7', 30]],
                21: [['0+6', 22], ['0+6+7', 30]],
                23: [['0+7', 30]],
              },
        ),
      );
    });

    // KStreamSlidingWindowAggregateTest.testReduceSmallInput
    it('reduces a small input (testReduceSmallInput)', async () => {
      const seen = await runSliding(
        SlidingWindows.ofTimeDifferenceAndGrace(10, 5),
        emitFinal,
        [['A', '1', 10], ['A', '2', 14], ['A', '3', 15], ['A', '4', 22], ['A', '5', 26], ['A', '6', 30]],
        'reduce',
      );
      expect(gather(seen)).toEqual(
        expected(
          emitFinal
            ? { 0: [['1', 10]], 4: [['1+2', 14]], 5: [['1+2+3', 15]], 11: [['2+3', 15]], 12: [['2+3+4', 22]] }
            : {
                0: [['1', 10]],
                4: [['1+2', 14]],
                5: [['1+2+3', 15]],
                11: [['2', 14], ['2+3', 15]],
                12: [['2+3+4', 22]],
                15: [['3', 15], ['3+4', 22]],
                16: [['4', 22], ['4+5', 26]],
                20: [['4+5+6', 30]],
                23: [['5', 26], ['5+6', 30]],
                27: [['6', 30]],
              },
        ),
      );
    });

    // KStreamSlidingWindowAggregateTest.testEarlyRecordsSmallInput
    it('puts records earlier than the time difference into [0, d] (testEarlyRecordsSmallInput)', async () => {
      const seen = await runSliding(SlidingWindows.ofTimeDifferenceAndGrace(50, 0), emitFinal, [
        ['A', '1', 0], ['A', '2', 5], ['A', '3', 6], ['A', '4', 3], ['A', '5', 13], ['A', '6', 10], ['A', '7', 70],
      ]);
      expect(gather(seen)).toEqual(
        expected(
          emitFinal
            ? { 0: [['0+1+2+3+4+5+6', 13]], 1: [['0+2+3+4+5+6', 13]], 4: [['0+2+3+5+6', 13]], 6: [['0+3+5+6', 13]], 7: [['0+5+6', 13]], 11: [['0+5', 13]] }
            : {
                0: [['0+1', 0], ['0+1+2', 5], ['0+1+2+3', 6], ['0+1+2+3+4', 6], ['0+1+2+3+4+5', 13], ['0+1+2+3+4+5+6', 13]],
                1: [['0+2', 5], ['0+2+3', 6], ['0+2+3+4', 6], ['0+2+3+4+5', 13], ['0+2+3+4+5+6', 13]],
                4: [['0+2+3', 6], ['0+2+3+5', 13], ['0+2+3+5+6', 13]],
                6: [['0+3', 6], ['0+3+5', 13], ['0+3+5+6', 13]],
                7: [['0+5', 13], ['0+5+6', 13]],
                11: [['0+5', 13]],
                20: [['0+7', 70]],
              },
        ),
      );
    });

    // KStreamSlidingWindowAggregateTest.shouldLogAndMeterWhenSkippingExpiredWindowByGrace
    it('drops and logs records whose windows closed by grace', async () => {
      const builder = new StreamsBuilder();
      builder
        .stream('topic', Consumed.with(S, S))
        .groupByKey(Grouped.with(S, S))
        .windowedBy(SlidingWindows.ofTimeDifferenceAndGrace(10, 90))
        .emitStrategy(emitFinal ? EmitStrategy.onWindowClose() : EmitStrategy.onWindowUpdate())
        .aggregate(() => '0', adder, Materialized.as<string, string>('store-name').withValueSerde(S))
        .toStream()
        .to('output', Produced.with(Serdes.timeWindowed(S, 10), S));
      const logger = recordingLogger();
      const driver = await TopologyTestDriver.create(builder.build(), { logger });
      try {
        const input = driver.createInputTopic('topic', S, S);
        input.pipeInput('k', '100', 200);
        for (let i = 0; i <= 5; i++) input.pipeInput('k', String(i), 100 + i);
        input.pipeInput('k', '6', 15);
        input.pipeInput('k', '101', 300);
        input.pipeInput('k', '102', 400);
        expect(driver.metrics().droppedRecordsTotal).toBe(7);
        const lines = [0, 1, 2, 3, 4, 5].map(
          (i) => `offset=[${i + 1}] timestamp=[${100 + i}] window=[${90 + i},${100 + i}] expiration=[110] streamTime=[200]`,
        );
        lines.push('offset=[7] timestamp=[15] window=[15,25] expiration=[110] streamTime=[200]');
        for (const l of lines) expect(logger.warnings.some((m) => m.endsWith(`Skipping record for expired window. topic=[topic] partition=[0] ${l}`))).toBe(true);
        const out = driver.createOutputTopic('output', Serdes.timeWindowed(S, 10), S).readRecordsToList();
        const rows = out.map((r) => [r.key.key, r.key.window.start, r.key.window.end, r.value, r.timestamp]);
        expect(rows).toEqual(
          emitFinal
            ? [['k', 190, 200, '0+100', 200], ['k', 290, 300, '0+101', 300]]
            : [['k', 190, 200, '0+100', 200], ['k', 290, 300, '0+101', 300], ['k', 390, 400, '0+102', 400]],
        );
      } finally {
        await driver.close();
      }
    });
  });
}

describe('sliding windows against a reference model (property)', () => {
  // Final state of every sliding window equals a brute-force computation: for each window
  // start s present in the store, the aggregate is the in-order concatenation of the records
  // with s <= ts <= s + d, and the window set is exactly { ts - d (or 0) } ∪ { ts + 1 where a
  // later record exists within d } over the records, as KIP-450 defines it.
  it('the latest value per window matches brute force over in-order input', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(fc.integer({ min: 0, max: 120 }), { maxLength: 12 }), async (times) => {
        const d = 10;
        const sorted = [...times].sort((a, b) => a - b);
        const input = sorted.map((t) => ['k', `r${t}`, t] as [string, string, number]);
        const seen = await runSliding(SlidingWindows.ofTimeDifferenceWithNoGrace(d), false, input, 'reduce');
        const latest = new Map<number, string>();
        for (const r of seen) latest.set(r.key.window.start, r.value);
        const starts = new Set<number>();
        for (const t of sorted) {
          starts.add(Math.max(0, t - d));
          if (sorted.some((u) => u > t && u <= t + 1 + d)) starts.add(t + 1);
        }
        const model = new Map<number, string>();
        for (const s of starts) {
          const inside = sorted.filter((t) => t >= s && t <= s + d);
          if (inside.length > 0) model.set(s, inside.map((t) => `r${t}`).join('+'));
        }
        expect(new Map([...latest].sort((a, b) => a[0] - b[0]))).toEqual(new Map([...model].sort((a, b) => a[0] - b[0])));
      }),
      { numRuns: 60 },
    );
  });
});
