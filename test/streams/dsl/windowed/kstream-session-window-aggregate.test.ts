// Scenarios ported from Apache Kafka's KStreamSessionWindowAggregateProcessorTest
// (streams/src/test/java/org/apache/kafka/streams/kstream/internals/KStreamSessionWindowAggregateProcessorTest.java).
// Kafka drives the processor with a mock context; here it runs in the TopologyTestDriver through
// the Processor API with the same store (session store, retention 3 × gap, logging off) and the
// same counting aggregator. Kafka's on-update variants that assert forwarded results run with a
// CACHING store flushed once at the end; Tributary's session stores have no cache, so those
// ports are the non-cached scenarios (shouldImmediatelyForward…) and the emit-final ones.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Change } from '../../../../src/streams/dsl/ops/change.ts';
import { EmitStrategy } from '../../../../src/streams/dsl/windowed/emit-strategy.ts';
import { sessionWindowAggregateSupplier } from '../../../../src/streams/dsl/windowed/session-window-aggregate.ts';
import type { StreamRecord } from '../../../../src/streams/processor/record.ts';
import { Serdes } from '../../../../src/streams/serde/serdes.ts';
import type { Windowed } from '../../../../src/streams/serde/windowed-serdes.ts';
import { WindowStores } from '../../../../src/streams/state/window/window-stores.ts';
import { Topology } from '../../../../src/streams/topology/topology.ts';
import { SessionWindows } from '../../../../src/streams/windows/session-windows.ts';
import { TopologyTestDriver } from '../../../../src/testing/topology-test-driver.ts';
import { recordingLogger } from './windowed-test-helpers.ts';

const S = Serdes.string();
const GAP_MS = 5 * 60 * 1000;
type Row = [string, number, number, number | null, number | null, number];

async function open(emitFinal: boolean, windows = SessionWindows.ofInactivityGapWithNoGrace(GAP_MS), sendOldValues = false) {
  const results: Row[] = [];
  const topology = new Topology()
    .addSource('source', 'topic', { keyDeserializer: S, valueDeserializer: S })
    .addProcessor(
      'aggregate',
      sessionWindowAggregateSupplier<string, string, number>(windows, {
        storeName: 'session-store',
        emitStrategy: emitFinal ? EmitStrategy.onWindowClose() : EmitStrategy.onWindowUpdate(),
        initializer: () => 0,
        aggregator: (_k, _v, agg) => (agg ?? 0) + 1,
        merger: (_k, a, b) => (a ?? 0) + b,
        config: { sendOldValues },
      }),
      'source',
    )
    .addProcessor(
      'results',
      () => ({
        process: (r: StreamRecord<Windowed<string>, Change<number>>) =>
          void results.push([r.key.key, r.key.window.start, r.key.window.end, r.value.newValue, r.value.oldValue, r.timestamp]),
      }),
      'aggregate',
    )
    .addStateStore(WindowStores.sessionStoreBuilder(WindowStores.persistentSessionStore('session-store', GAP_MS * 3), S, Serdes.int64()).withLoggingDisabled(), 'aggregate');
  const logger = recordingLogger();
  const driver = await TopologyTestDriver.create(topology, { logger, initialWallClockTimeMs: 0 });
  const input = driver.createInputTopic('topic', S, S);
  const store = driver.getSessionStore<string, number>('session-store')!;
  const sessions = (key: string, earliestEnd: number, latestStart: number) =>
    [...store.findSessions(key, earliestEnd, latestStart)].map((kv) => [kv.key.window.start, kv.key.window.end, kv.value]);
  return { driver, input, store, sessions, results, logger, process: (k: string, v: string, t: number) => input.pipeInput(k, v, t) };
}

for (const emitFinal of [false, true]) {
  describe(`KStreamSessionWindowAggregate (${emitFinal ? 'ON_WINDOW_CLOSE' : 'ON_WINDOW_UPDATE'})`, () => {
    // shouldCreateSingleSessionWhenWithinGap
    it('creates a single session when records are within the gap', async () => {
      const t = await open(emitFinal);
      t.process('john', 'first', 0);
      t.process('john', 'second', 500);
      expect(t.sessions('john', 0, 2000)).toEqual([[0, 500, 2]]);
      await t.driver.close();
    });

    // shouldMergeSessions
    it('merges sessions that a late record bridges', async () => {
      const t = await open(emitFinal);
      t.process('mel', 'first', 0);
      expect(t.sessions('mel', 0, 0)).toHaveLength(1);
      t.process('mel', 'second', GAP_MS + 1); // beyond the gap
      expect(t.sessions('mel', GAP_MS + 1, GAP_MS + 1)).toHaveLength(1);
      expect(t.sessions('mel', 0, 0)).toHaveLength(1); // not within the gap: still there
      t.process('mel', 'third', GAP_MS / 2); // back in time: bridges both
      expect(t.sessions('mel', 0, GAP_MS + 1)).toEqual([[0, GAP_MS + 1, 3]]);
      await t.driver.close();
    });

    // shouldUpdateSessionIfTheSameTime
    it('updates a session for a record at the same time', async () => {
      const t = await open(emitFinal);
      t.process('mel', 'first', 0);
      t.process('mel', 'second', 0);
      expect(t.sessions('mel', 0, 0)).toEqual([[0, 0, 2]]);
      await t.driver.close();
    });

    // shouldRemoveMergedSessionsFromStateStore
    it('removes merged sessions from the store', async () => {
      const t = await open(emitFinal);
      t.process('a', '1', 0);
      expect(t.sessions('a', 0, 0)).toEqual([[0, 0, 1]]);
      t.process('a', '2', 100);
      expect(t.sessions('a', 0, 100)).toEqual([[0, 100, 2]]);
      await t.driver.close();
    });

    // shouldLogAndMeterWhenSkippingNullKeyWithBuiltInMetrics
    it('skips a null key, logging and counting it', async () => {
      const t = await open(emitFinal);
      t.input.pipeInput(null, '1', 0);
      expect(t.driver.metrics().droppedRecordsTotal).toBe(1);
      expect(t.logger.warnings.some((m) => m.endsWith('Skipping record due to null key. topic=[topic] partition=[0] offset=[0]'))).toBe(true);
      await t.driver.close();
    });
  });
}

describe('KStreamSessionWindowAggregate forwarding', () => {
  // shouldHaveMultipleSessionsForSameIdWhenTimestampApartBySessionGap (emit-final variant)
  it('emits each session once when it closes (emit final)', async () => {
    const t = await open(true);
    let now = 0;
    t.process('mel', 'first', now);
    now += GAP_MS + 1;
    t.process('mel', 'second', now);
    t.process('mel', 'second', now);
    now += GAP_MS + 1;
    t.process('mel', 'third', now);
    t.process('mel', 'third', now);
    t.process('mel', 'third', now);
    expect(t.results).toEqual([
      ['mel', 0, 0, 1, null, 0],
      ['mel', GAP_MS + 1, GAP_MS + 1, 2, null, GAP_MS + 1],
    ]);
    await t.driver.close();
  });

  // shouldHandleMultipleSessionsAndMerging (emit-final variant)
  it('emits closed sessions of several keys in end order (emit final)', async () => {
    const t = await open(true);
    t.process('a', '1', 0);
    t.process('b', '1', 0);
    t.process('c', '1', 0);
    t.process('d', '1', 0);
    t.process('d', '2', GAP_MS / 2);
    t.process('a', '2', GAP_MS + 1);
    t.process('b', '2', GAP_MS + 1);
    t.process('a', '3', GAP_MS + 1 + GAP_MS / 2);
    t.process('c', '3', GAP_MS + 1 + GAP_MS / 2);
    expect(t.results).toEqual([
      ['a', 0, 0, 1, null, 0],
      ['b', 0, 0, 1, null, 0],
      ['c', 0, 0, 1, null, 0],
      ['d', 0, GAP_MS / 2, 2, null, GAP_MS / 2],
    ]);
    await t.driver.close();
  });

  // shouldImmediatelyForwardNewSessionWhenNonCachedStore
  it('forwards a new session immediately', async () => {
    const t = await open(false);
    t.process('a', '1', 0);
    t.process('b', '1', 0);
    t.process('c', '1', 0);
    expect(t.results).toEqual([
      ['a', 0, 0, 1, null, 0],
      ['b', 0, 0, 1, null, 0],
      ['c', 0, 0, 1, null, 0],
    ]);
    await t.driver.close();
  });

  // shouldImmediatelyForwardRemovedSessionsWhenMerging
  it('forwards a tombstone for each merged-away session, then the merged session', async () => {
    const t = await open(false);
    t.process('a', '1', 0);
    t.process('a', '1', 5);
    expect(t.results).toEqual([
      ['a', 0, 0, 1, null, 0],
      ['a', 0, 0, null, null, 0],
      ['a', 0, 5, 2, null, 5],
    ]);
    await t.driver.close();
  });

  it('sends the old aggregate with the tombstone when old values are requested', async () => {
    const t = await open(false, SessionWindows.ofInactivityGapWithNoGrace(GAP_MS), true);
    t.process('a', '1', 0);
    t.process('a', '1', 5);
    expect(t.results[1]).toEqual(['a', 0, 0, null, 1, 0]);
    await t.driver.close();
  });

  // shouldLogAndMeterWhenSkippingLateRecordWithZeroGrace
  it('drops a late record with zero grace', async () => {
    const t = await open(false, SessionWindows.ofInactivityGapAndGrace(10, 0));
    t.process('dummy', 'dummy', 0);
    t.process('OnTime1', '1', 0);
    t.process('dummy', 'dummy', 11);
    t.process('Late1', '1', 0);
    expect(t.logger.warnings.some((m) => m.endsWith('Skipping record for expired window. topic=[topic] partition=[0] offset=[3] timestamp=[0] window=[0,0] expiration=[1] streamTime=[11]'))).toBe(true);
    expect(t.driver.metrics().droppedRecordsTotal).toBe(1);
    await t.driver.close();
  });

  // shouldLogAndMeterWhenSkippingLateRecordWithNonzeroGrace
  it('drops a late record with non-zero grace only past gap + grace', async () => {
    const t = await open(false, SessionWindows.ofInactivityGapAndGrace(10, 1));
    t.process('dummy', 'dummy', 0);
    t.process('OnTime1', '1', 0);
    t.process('dummy', 'dummy', 11);
    t.process('OnTime2', '1', 0);
    t.process('dummy', 'dummy', 12);
    t.process('Late1', '1', 0);
    expect(t.logger.warnings.some((m) => m.endsWith('Skipping record for expired window. topic=[topic] partition=[0] offset=[5] timestamp=[0] window=[0,0] expiration=[1] streamTime=[12]'))).toBe(true);
    expect(t.driver.metrics().droppedRecordsTotal).toBe(1);
    await t.driver.close();
  });
});

describe('session merging against a reference model (property)', () => {
  // Sessions of one key, for in-order or shuffled input with a grace large enough that nothing is
  // late, equal the naive definition: sort the timestamps and split where the distance between
  // neighbours exceeds the gap; each session is [first, last] with the count of its records.
  it('final sessions equal gap-splitting of the sorted timestamps', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 0, max: 200 }), { maxLength: 25 }), fc.integer({ min: 1, max: 30 }), async (times, gap) => {
        const t = await open(false, SessionWindows.ofInactivityGapAndGrace(gap, 1000));
        for (const ts of times) t.process('k', 'v', ts);
        const actual = t.sessions('k', 0, Number.MAX_SAFE_INTEGER);
        await t.driver.close();
        const sorted = [...times].sort((a, b) => a - b);
        const model: Array<[number, number, number]> = [];
        for (const ts of sorted) {
          const last = model[model.length - 1];
          if (last !== undefined && ts - last[1] <= gap) {
            last[1] = ts;
            last[2]++;
          } else model.push([ts, ts, 1]);
        }
        expect(actual).toEqual(model);
      }),
      { numRuns: 100 },
    );
  });
});
