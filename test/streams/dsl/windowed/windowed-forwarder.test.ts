// The DSL's windowed aggregations on the window/session record cache (windowed-forwarder.ts):
// updates coalesced until the task flushes its caches, then forwarded with old values when asked
// (Kafka's TimestampedCacheFlushListener / SessionCacheFlushListener); withCachingDisabled()
// forwards each update at once. Driven through a StreamTask so commits are under the test's
// control, and through the TopologyTestDriver, which commits after every record as Kafka's does.
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { StreamsBuilder } from '../../../../src/streams/dsl/streams-builder.ts';
import { Consumed } from '../../../../src/streams/dsl/options/consumed.ts';
import { Materialized } from '../../../../src/streams/dsl/options/materialized.ts';
import { Produced } from '../../../../src/streams/dsl/options/produced.ts';
import { EmitStrategy } from '../../../../src/streams/dsl/windowed/emit-strategy.ts';
import type { KTable } from '../../../../src/streams/dsl/ktable.ts';
import { DeserializationHandlers } from '../../../../src/streams/errors/deserialization-handler.ts';
import { Serdes } from '../../../../src/streams/serde/serdes.ts';
import type { Windowed } from '../../../../src/streams/serde/windowed-serdes.ts';
import type { CollectedRecord } from '../../../../src/streams/state/store-types.ts';
import { StreamTask, type TaskConfig } from '../../../../src/streams/task/stream-task.ts';
import { SessionWindows } from '../../../../src/streams/windows/session-windows.ts';
import { TimeWindows } from '../../../../src/streams/windows/time-windows.ts';
import { TopologyTestDriver } from '../../../../src/testing/topology-test-driver.ts';
import { capture, ch } from '../joins/helpers.ts';
import { windowedString } from './windowed-test-helpers.ts';

const S = Serdes.string();
const silent = { warn: () => {}, error: () => {} };
const config = (cacheMaxBytes: number): TaskConfig => ({
  applicationId: 'app',
  stateDir: '/nonexistent-not-used-by-memory-stores',
  defaultKeySerde: S as never,
  defaultValueSerde: S as never,
  deserializationHandler: DeserializationHandlers.logAndFail(silent),
  defaultStoreType: 'memory',
  logger: silent,
  cacheMaxBytes,
});

type Build = (b: StreamsBuilder) => KTable<Windowed<string>, number>;

/** A task over `build`'s table with old values on, a probe under the table, and its changelog. */
async function taskOf(build: Build, cacheMaxBytes: number) {
  const b = new StreamsBuilder();
  const table = build(b);
  table.enableSendingOldValues(true);
  const probe = capture<Windowed<string>, unknown>();
  const topology = b.build();
  topology.addProcessor('probe', probe.supplier, table.processorName);
  const changelog: CollectedRecord[] = [];
  const task = new StreamTask(topology, topology.subtopologies()[0]!, 0, config(cacheMaxBytes), {
    send: () => {},
    changelog: { send: (r) => changelog.push(r) },
    now: () => 0,
  });
  await task.initialize();
  let offset = 0;
  const pipe = (key: string, timestamp: number) => {
    task.addRecords([{ topic: 'in', partition: 0, offset: offset++, timestamp, key: Buffer.from(key), value: Buffer.from('v'), headers: {} }]);
    task.process();
  };
  const take = () => probe.take().map(([k, v, ts]) => [windowedString(k as Windowed<string>), v, ts]);
  return { task, pipe, take, changelog };
}

const tumblingCount = (cached: boolean): Build => (b) =>
  b
    .stream('in', Consumed.with(S, S))
    .groupByKey()
    .windowedBy(TimeWindows.ofSizeWithNoGrace(10))
    .count(cached ? Materialized.as('counts') : Materialized.as<string, number>('counts').withCachingDisabled());

const sessionCount = (cached: boolean): Build => (b) =>
  b
    .stream('in', Consumed.with(S, S))
    .groupByKey()
    .windowedBy(SessionWindows.ofInactivityGapWithNoGrace(10))
    .count(cached ? Materialized.as('sessions') : Materialized.as<string, number>('sessions').withCachingDisabled());

describe('windowed aggregations on the record cache', () => {
  it('time windows: updates between commits reach downstream and the changelog once, with the old value below', async () => {
    const { task, pipe, take, changelog } = await taskOf(tumblingCount(true), 1 << 20);
    pipe('a', 1);
    pipe('a', 3);
    pipe('a', 2);
    expect(take()).toEqual([]);
    task.flushCaches();
    // Nothing was below: old value null; timestamp = the window's max record timestamp.
    expect(take()).toEqual([['[a@0/10]', ch(3, null), 3]]);
    expect(changelog).toHaveLength(1);
    pipe('a', 5);
    pipe('b', 12);
    task.flushCaches();
    expect(take()).toEqual([
      ['[a@0/10]', ch(4, 3), 5],
      ['[b@10/20]', ch(1, null), 12],
    ]);
    expect(changelog).toHaveLength(3);
    await task.close();
  });

  it('time windows withCachingDisabled(): every update is forwarded and logged when it happens', async () => {
    const { task, pipe, take, changelog } = await taskOf(tumblingCount(false), 1 << 20);
    pipe('a', 1);
    pipe('a', 3);
    expect(take()).toEqual([
      ['[a@0/10]', ch(1, 0), 1],
      ['[a@0/10]', ch(2, 1), 3],
    ]);
    expect(changelog).toHaveLength(2);
    await task.close();
  });

  it('statestore.cache.max.bytes = 0 builds no cache: forwarded at once', async () => {
    const { task, pipe, take } = await taskOf(tumblingCount(true), 0);
    pipe('a', 1);
    expect(take()).toEqual([['[a@0/10]', ch(1, 0), 1]]);
    await task.close();
  });

  it('a cache too small for one entry forwards on eviction, before any commit', async () => {
    const { task, pipe, take } = await taskOf(tumblingCount(true), 1);
    pipe('a', 1);
    pipe('a', 2);
    expect(take()).toEqual([
      ['[a@0/10]', ch(1, null), 1],
      ['[a@0/10]', ch(2, 1), 2],
    ]);
    await task.close();
  });

  it('sessions: a merge within one commit interval is one update; across commits, a removal with its old value', async () => {
    const { task, pipe, take } = await taskOf(sessionCount(true), 1 << 20);
    pipe('a', 0);
    pipe('a', 5);
    task.flushCaches();
    // [a@0/0] never reached the store below: its removal is dropped, as Kafka's caching session store does.
    expect(take()).toEqual([['[a@0/5]', ch(2, null), 5]]);
    pipe('a', 12);
    task.flushCaches();
    expect(take()).toEqual([
      ['[a@0/5]', ch(null, 2), 5],
      ['[a@0/12]', ch(3, null), 12],
    ]);
    await task.close();
  });

  it('sessions withCachingDisabled(): the removal and the merged session are forwarded at once', async () => {
    const { task, pipe, take } = await taskOf(sessionCount(false), 1 << 20);
    pipe('a', 0);
    pipe('a', 5);
    expect(take()).toEqual([
      ['[a@0/0]', ch(1, null), 0],
      ['[a@0/0]', ch(null, 1), 0],
      ['[a@0/5]', ch(2, null), 5],
    ]);
    await task.close();
  });

  it('emit on window close with caching: finals are forwarded directly, once per window', async () => {
    const build: Build = (b) =>
      b
        .stream('in', Consumed.with(S, S))
        .groupByKey()
        .windowedBy(TimeWindows.ofSizeWithNoGrace(10))
        // A bare task has the runtime's 1000 ms interval; the strategy's own interval overrides it.
        .emitStrategy(EmitStrategy.onWindowClose({ emitIntervalMs: 0 }))
        .count(Materialized.as('final-counts'));
    const { task, pipe, take } = await taskOf(build, 1 << 20);
    pipe('a', 1);
    pipe('a', 2);
    task.flushCaches();
    expect(take()).toEqual([]);
    pipe('a', 10);
    expect(take()).toEqual([['[a@0/10]', ch(2, null), 2]]);
    task.flushCaches();
    expect(take()).toEqual([]);
    await task.close();
  });
});

describe('TopologyTestDriver commits after every record (as Kafka\'s)', () => {
  let driver: TopologyTestDriver | undefined;
  afterEach(async () => {
    await driver?.close();
    driver = undefined;
  });

  async function run(cached: boolean, input: Array<[string, number]>, size: number, advance: number): Promise<unknown[]> {
    const b = new StreamsBuilder();
    const m = Materialized.as<string, number>('w');
    b.stream('in', Consumed.with(S, S))
      .groupByKey()
      .windowedBy(TimeWindows.ofSizeAndGrace(size, 1000).advanceBy(advance))
      .count(cached ? m : m.withCachingDisabled())
      .toStream()
      .map((k, v) => [windowedString(k), v])
      .to('out', Produced.with(S, Serdes.int64()));
    driver = await TopologyTestDriver.create(b.build(), { logger: silent });
    const pipe = driver.createInputTopic('in', S, S);
    for (const [k, ts] of input) pipe.pipeInput(k, 'v', ts);
    const out = driver.createOutputTopic('out', S, Serdes.int64()).readRecordsToList().map((r) => [r.key, r.value, r.timestamp]);
    await driver.close();
    driver = undefined;
    return out;
  }

  it('so a cached windowed count shows every update, exactly as an uncached one (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c'), fc.integer({ min: 0, max: 200 })), { maxLength: 25 }),
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 1, max: 30 }),
        async (input, size, adv) => {
          const advance = Math.min(size, adv);
          const cached = await run(true, input, size, advance);
          expect(cached).toEqual(await run(false, input, size, advance));
          // Reference model: one output per (record, window containing it), the running count.
          const counts = new Map<string, number>();
          const expected: unknown[] = [];
          for (const [k, ts] of input) {
            const first = Math.max(0, Math.floor((ts - size) / advance) + 1) * advance;
            for (let start = first; start <= ts; start += advance) {
              const id = `[${k}@${start}/${start + size}]`;
              counts.set(id, (counts.get(id) ?? 0) + 1);
              expected.push([id, counts.get(id)]);
            }
          }
          expect(cached.map((r) => (r as unknown[]).slice(0, 2))).toEqual(expected);
        },
      ),
      { numRuns: 25 },
    );
  });
});
