// The suppress buffer's changelog: a buffer restored from what another buffer logged at its
// commits holds the same entries (same emission order, values, record context, prior values and
// byte sizes), whatever the interleaving of updates, evictions and commits.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Serdes } from '../../../../src/streams/serde/serdes.ts';
import type { RestoreRecord } from '../../../../src/streams/state/bytes-store.ts';
import type { CollectedRecord, StoreContext } from '../../../../src/streams/state/store-types.ts';
import { SuppressBuffer, type BufferedRecord } from '../../../../src/streams/dsl/windowed/suppress-buffer.ts';
import { decodeLoggedEntry } from '../../../../src/streams/dsl/windowed/suppress-changelog-codec.ts';
import { StreamsBuilder } from '../../../../src/streams/dsl/streams-builder.ts';
import { Consumed } from '../../../../src/streams/dsl/options/consumed.ts';
import { Grouped } from '../../../../src/streams/dsl/options/grouped.ts';
import { Produced } from '../../../../src/streams/dsl/options/produced.ts';
import { BufferConfig, Suppressed } from '../../../../src/streams/dsl/windowed/suppressed.ts';
import { TimeWindows } from '../../../../src/streams/windows/time-windows.ts';
import { TopologyTestDriver } from '../../../../src/testing/topology-test-driver.ts';
import { planInternalTopics } from '../../../../src/streams/runtime/internal-topics.ts';

function contextFor(sent: CollectedRecord[], now = () => 0): StoreContext {
  return {
    applicationId: 'app',
    taskId: '0_1',
    partition: 1,
    stateDir: '/nonexistent',
    changelogTopic: undefined,
    collector: { send: (r) => sent.push(r) },
    currentTimestamp: now,
    metrics: { record: () => {}, latency: false },
  };
}

/** The changelog as a restore would read it: every record, offsets in send order. */
function asRestore(sent: readonly CollectedRecord[]): RestoreRecord[] {
  return sent.map((r, offset) => ({ key: r.key!, value: r.value, offset, timestamp: r.timestamp, headers: r.headers ?? {} }));
}

/** Emits everything (oldest first) and reports what came out plus the accounting before. */
function drain<K, V>(buffer: SuppressBuffer<K, V>) {
  const before = { records: buffer.numRecords(), bytes: buffer.bufferSize(), min: buffer.minTimestamp() };
  const out: BufferedRecord<K, V>[] = [];
  buffer.evictWhile(() => true, (r) => out.push(r));
  return { before, out };
}

/** The input record a put came from. */
const from = (topic: string, offset = 0) => ({ topic, partition: 1, offset });

const rec = (key: string, newValue: number | null, oldValue: number | null, timestamp: number, headers = {}): BufferedRecord<string, number> => ({
  key,
  value: { newValue, oldValue },
  timestamp,
  headers,
});

describe('SuppressBuffer changelog', () => {
  it('logs to <applicationId>-<store>-changelog on the task partition, only at flushCache', async () => {
    const sent: CollectedRecord[] = [];
    const b = new SuppressBuffer<string, number>('KTABLE-SUPPRESS-STATE-STORE-0000000004', Serdes.string(), Serdes.int64());
    await b.init(contextFor(sent));
    b.put(10, rec('a', 1, null, 10), from('input'));
    b.put(10, rec('a', 2, 1, 11), from('input'));
    expect(sent).toEqual([]);
    b.flushCache();
    expect(sent).toHaveLength(1);
    expect(sent[0]!.topic).toBe('app-KTABLE-SUPPRESS-STATE-STORE-0000000004-changelog');
    expect(sent[0]!.partition).toBe(1);
    expect(sent[0]!.key).toEqual(Buffer.from('a'));
    expect(sent[0]!.timestamp).toBe(11);
    b.evictWhile(() => true, () => {});
    b.flushCache();
    expect(sent[1]!.value).toBeNull();
  });

  it('a restored buffer emits what the original would, with prior values and headers', async () => {
    const sent: CollectedRecord[] = [];
    const a = new SuppressBuffer<string, number>('s', Serdes.string(), Serdes.int64());
    await a.init(contextFor(sent));
    a.put(5, rec('x', 1, 7, 5, { h: Buffer.from('v') }), from('t'));
    a.put(3, rec('y', 4, null, 3), from('t'));
    a.put(5, rec('x', 2, 1, 6), from('t'));
    a.flushCache();
    const b = new SuppressBuffer<string, number>('s', Serdes.string(), Serdes.int64());
    await b.init(contextFor([]));
    await b.restore(asRestore(sent));
    expect(b.committedChangelogOffset()).toBe(sent.length);
    expect(b.priorValueFor('x')).toEqual({ buffered: true, prior: 7, timestamp: 6 });
    expect(b.priorValueFor('z')).toEqual({ buffered: false });
    expect(drain(b)).toEqual(drain(a));
  });

  it('without serdes, keys restore from JSON and values from v8 serialization', async () => {
    const sent: CollectedRecord[] = [];
    type Key = { key: string; window: { start: number; end: number } };
    const a = new SuppressBuffer<Key, { n: bigint; tags: Set<string> }>('s', undefined, undefined);
    await a.init(contextFor(sent));
    const key = { key: 'k', window: { start: 0, end: 10 } };
    a.put(10, { key, value: { newValue: { n: 3n, tags: new Set(['a']) }, oldValue: null }, timestamp: 4, headers: {} }, undefined);
    a.flushCache();
    const b = new SuppressBuffer<Key, { n: bigint; tags: Set<string> }>('s', undefined, undefined);
    await b.init(contextFor([]));
    await b.restore(asRestore(sent));
    expect(drain(b)).toEqual(drain(a));
  });

  it('logs nothing when logging is disabled', async () => {
    const sent: CollectedRecord[] = [];
    const b = new SuppressBuffer<string, number>('s', Serdes.string(), Serdes.int64(), false);
    await b.init(contextFor(sent));
    b.put(1, rec('a', 1, null, 1), from('t'));
    b.flushCache();
    expect(sent).toEqual([]);
  });

  it('rejects a changelog record that is not a buffer entry, naming store and offset', async () => {
    const b = new SuppressBuffer<string, number>('s', Serdes.string(), Serdes.int64());
    await b.init(contextFor([]));
    await expect(b.restore([{ key: Buffer.from('a'), value: Buffer.from('hello'), offset: 41 }])).rejects.toThrow(/suppress buffer "s".*offset 41/);
  });

  it('restoring the log up to any commit reproduces the buffer as it was at that commit (property)', async () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('put' as const), key: fc.constantFrom('a', 'b', 'c', 'd'), time: fc.integer({ min: 0, max: 50 }), value: fc.option(fc.integer({ min: 0, max: 1000 }), { nil: null }) }),
      fc.record({ kind: fc.constant('evict' as const), upTo: fc.integer({ min: 0, max: 50 }) }),
      fc.record({ kind: fc.constant('commit' as const) }),
    );
    const show = (r: BufferedRecord<string, number>) => `${r.key}=${r.value.newValue}/${r.value.oldValue}@${r.timestamp}`;
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 40 }), async (ops) => {
        const sent: CollectedRecord[] = [];
        const live = new SuppressBuffer<string, number>('s', Serdes.string(), Serdes.int64());
        await live.init(contextFor(sent, () => 99));
        // Reference model: key -> buffer time of its first pending update and its latest record.
        const model = new Map<string, { time: number; record: BufferedRecord<string, number> }>();
        const modelOrder = () => [...model].sort(([ka, a], [kb, b]) => a.time - b.time || (ka < kb ? -1 : 1));
        const last = new Map<string, number | null>();
        let ts = 0;
        for (const o of [...ops, { kind: 'commit' as const }]) {
          if (o.kind === 'put') {
            const record = rec(o.key, o.value, last.get(o.key) ?? null, ++ts);
            last.set(o.key, o.value);
            live.put(o.time, record, from('in'));
            model.set(o.key, { time: model.get(o.key)?.time ?? o.time, record });
          } else if (o.kind === 'evict') {
            const emitted: string[] = [];
            live.evictWhile(() => live.minTimestamp() <= o.upTo, (r) => emitted.push(show(r)));
            const expected = modelOrder().filter(([, e]) => e.time <= o.upTo);
            for (const [k] of expected) model.delete(k);
            expect(emitted).toEqual(expected.map(([, e]) => show(e.record)));
          } else {
            live.flushCache();
            const restored = new SuppressBuffer<string, number>('s', Serdes.string(), Serdes.int64());
            await restored.init(contextFor([]));
            await restored.restore(asRestore(sent));
            expect({ records: restored.numRecords(), bytes: restored.bufferSize(), min: restored.minTimestamp() }).toEqual({
              records: live.numRecords(),
              bytes: live.bufferSize(),
              min: live.minTimestamp(),
            });
            const order: string[] = [];
            restored.evictWhile(() => true, (r) => order.push(show(r)));
            expect(order).toEqual(modelOrder().map(([, e]) => show(e.record)));
          }
        }
      }),
      { numRuns: 150 },
    );
  });
});

describe('suppress buffer changelog in the TopologyTestDriver', () => {
  it('logs each buffered window at commit and tombstones it once emitted', async () => {
    const S = Serdes.string();
    const b = new StreamsBuilder();
    b.stream('in', Consumed.with(S, S))
      .groupByKey(Grouped.with(S, S))
      .windowedBy(TimeWindows.ofSizeWithNoGrace(10))
      .count()
      .suppress(Suppressed.untilWindowCloses(BufferConfig.unbounded()).withName('final'))
      .toStream()
      .map((k, v): [string, number] => [`${k.key}@${k.window.start}`, v])
      .to('out', Produced.with(S, Serdes.int64()));
    const driver = await TopologyTestDriver.create(b.build(), { applicationId: 'app' });
    const input = driver.createInputTopic('in', S, S);
    input.pipeInput('k', 'a', 1);
    input.pipeInput('k', 'b', 2);
    input.pipeInput('k', 'c', 12); // closes [0,10)
    const log = driver.createOutputTopic('app-final-store-changelog', Serdes.bytes(), Serdes.bytes()).readRecordsToList();
    // [0,10) logged per update (two commits), then a tombstone when emitted; [10,20) logged.
    const window0 = log.filter((r) => r.key.readBigInt64BE(r.key.length - 8) === 0n);
    expect(window0.map((r) => (r.value === null ? null : decodeLoggedEntry('final-store', { ...r, value: r.value, offset: 0 }, { topic: 'app-final-store-changelog', partition: 0 }).bufferTime))).toEqual([10, 10, null]);
    expect(log.filter((r) => r.key.readBigInt64BE(r.key.length - 8) === 10n).map((r) => r.value === null)).toEqual([false]);
    expect(driver.createOutputTopic('out', S, Serdes.int64()).readKeyValuesToList()).toEqual([{ key: 'k@0', value: 2 }]);
    await driver.close();
  });
});

describe('BufferConfig.withLoggingDisabled', () => {
  it('plans no changelog topic for the buffer; the default plans a compacted one', async () => {
    const S = Serdes.string();
    const plan = (config: ReturnType<typeof BufferConfig.unbounded>) => {
      const b = new StreamsBuilder();
      b.stream('in', Consumed.with(S, S))
        .groupByKey(Grouped.with(S, S))
        .windowedBy(TimeWindows.ofSizeWithNoGrace(10))
        .count()
        .suppress(Suppressed.untilWindowCloses(config).withName('final'));
      return planInternalTopics(b.build(), 'app', new Map([['in', 1]])).filter((p) => p.topic === 'app-final-store-changelog');
    };
    expect(plan(BufferConfig.unbounded())).toEqual([{ topic: 'app-final-store-changelog', kind: 'changelog', partitions: 1, configs: { 'cleanup.policy': 'compact' } }]);
    expect(plan(BufferConfig.unbounded().withLoggingDisabled())).toEqual([]);
  });
});
