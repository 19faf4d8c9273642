// Materialized.withRetention for window and session stores, as Kafka's
// TimeWindowedKStreamImpl / SlidingWindowedKStreamImpl / SessionWindowedKStreamImpl.materialize:
// the retention keeps closed windows queryable; one below the operator's minimum is rejected with
// Kafka's message (TimeWindowedKStreamImplTest / SessionWindowedKStreamImplTest
// "shouldThrowIfRetentionPeriodIsSmallerThan…" style checks); the window store's changelog is
// created compact,delete with retention.ms = retention + 1 day.
import { describe, expect, it } from 'vitest';
import { Consumed } from '../../../../src/streams/dsl/options/consumed.ts';
import { Grouped } from '../../../../src/streams/dsl/options/grouped.ts';
import { Materialized } from '../../../../src/streams/dsl/options/materialized.ts';
import { StreamsBuilder } from '../../../../src/streams/dsl/streams-builder.ts';
import { planInternalTopics } from '../../../../src/streams/runtime/internal-topics.ts';
import { Serdes } from '../../../../src/streams/serde/serdes.ts';
import { SessionWindows } from '../../../../src/streams/windows/session-windows.ts';
import { SlidingWindows } from '../../../../src/streams/windows/sliding-windows.ts';
import { TimeWindows } from '../../../../src/streams/windows/time-windows.ts';
import { TopologyTestDriver } from '../../../../src/testing/topology-test-driver.ts';

const S = Serdes.string();
const L = Serdes.int64();
const DAY = 24 * 60 * 60 * 1000;

function grouped(b: StreamsBuilder) {
  return b.stream('in', Consumed.with(S, S)).groupByKey(Grouped.with(S, S));
}

describe('Materialized.withRetention (window and session stores)', () => {
  it('keeps closed windows queryable for the retention, and drops them after it', async () => {
    for (const [retention, expectOld] of [[undefined, false], [10_000, true]] as const) {
      const b = new StreamsBuilder();
      const m = Materialized.as<string, number>('counts').withKeySerde(S).withValueSerde(L);
      grouped(b).windowedBy(TimeWindows.ofSizeWithNoGrace(100)).count(retention === undefined ? m : m.withRetention(retention));
      const driver = await TopologyTestDriver.create(b.build());
      const input = driver.createInputTopic('in', S, S);
      input.pipeInput('k', 'a', 10);
      input.pipeInput('k', 'b', 5_000); // stream time far past the first window's end
      const store = driver.getWindowStore<string, number>('counts')!;
      expect(store.fetch('k', 0)).toBe(expectOld ? 1 : undefined);
      expect(store.fetch('k', 5_000)).toBe(1);
      await driver.close();
    }
  });

  it('keeps closed sessions queryable for the retention', async () => {
    const b = new StreamsBuilder();
    grouped(b).windowedBy(SessionWindows.ofInactivityGapWithNoGrace(50)).count(Materialized.as<string, number>('sessions').withKeySerde(S).withValueSerde(L).withRetention(10_000));
    const driver = await TopologyTestDriver.create(b.build());
    const input = driver.createInputTopic('in', S, S);
    input.pipeInput('k', 'a', 10);
    input.pipeInput('k', 'b', 5_000);
    const sessions = [...driver.getSessionStore<string, number>('sessions')!.fetch('k')].map((kv) => [kv.key.window.start, kv.value]);
    expect(sessions).toEqual([
      [10, 1],
      [5_000, 1],
    ]);
    await driver.close();
  });

  it('rejects a retention below window size + grace, with Kafka\'s message', () => {
    const b = new StreamsBuilder();
    expect(() => grouped(b).windowedBy(TimeWindows.ofSizeAndGrace(100, 20)).count(Materialized.as<string, number>('w').withRetention(119))).toThrow(
      'The retention period of the window store w must be no smaller than its window size plus the grace period. Got size=[100], grace=[20], retention=[119]',
    );
    expect(() => grouped(b).windowedBy(SlidingWindows.ofTimeDifferenceAndGrace(100, 20)).count(Materialized.as<string, number>('s').withRetention(219))).toThrow(
      'The retention period of the window store s must be no smaller than 2 * time difference plus the grace period. Got time difference=[100], grace=[20], retention=[219]',
    );
    expect(() => grouped(b).windowedBy(SessionWindows.ofInactivityGapAndGrace(100, 20)).count(Materialized.as<string, number>('x').withRetention(119))).toThrow(
      'The retention period of the session store x must be no smaller than the session inactivity gap plus the grace period. Got gap=[100], grace=[20], retention=[119]',
    );
    expect(() => Materialized.as('y').withRetention(-1)).toThrow(/withRetention needs a non-negative whole number/);
  });

  it('creates window and session changelogs compact,delete with retention.ms = retention + 1 day; key-value ones compact', () => {
    const b = new StreamsBuilder();
    const g = grouped(b);
    g.windowedBy(TimeWindows.ofSizeAndGrace(100, 20)).count(Materialized.as<string, number>('win').withKeySerde(S).withValueSerde(L));
    g.windowedBy(TimeWindows.ofSizeWithNoGrace(100)).count(Materialized.as<string, number>('win-kept').withKeySerde(S).withValueSerde(L).withRetention(60_000));
    g.windowedBy(SessionWindows.ofInactivityGapWithNoGrace(50)).count(Materialized.as<string, number>('sess').withKeySerde(S).withValueSerde(L));
    g.count(Materialized.as<string, number>('kv').withKeySerde(S).withValueSerde(L).withLoggingEnabled({ 'min.compaction.lag.ms': '10' }));
    const plan = planInternalTopics(b.build(), 'app', new Map([['in', 2]]));
    const configs = Object.fromEntries(plan.filter((p) => p.kind === 'changelog').map((p) => [p.topic, p.configs]));
    expect(configs).toEqual({
      'app-win-changelog': { 'cleanup.policy': 'compact,delete', 'retention.ms': String(120 + DAY) },
      'app-win-kept-changelog': { 'cleanup.policy': 'compact,delete', 'retention.ms': String(60_000 + DAY) },
      'app-sess-changelog': { 'cleanup.policy': 'compact,delete', 'retention.ms': String(50 + DAY) },
      'app-kv-changelog': { 'cleanup.policy': 'compact', 'min.compaction.lag.ms': '10' },
    });
  });
});
