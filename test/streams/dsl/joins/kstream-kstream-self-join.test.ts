// The single-store self-join (KIP-862). Ported from Apache Kafka Streams' KStreamKStreamSelfJoinTest
// (streams/src/test/java/org/apache/kafka/streams/kstream/internals/KStreamKStreamSelfJoinTest.java):
// each scenario runs the inner join of a stream with itself once as built plainly (two stores)
// and once built with topology.optimization = all (one store), and the outputs must be equal
// record for record. The "TwoStreams" variant reads one topic through two builder.stream()
// calls, which the build merges into one source (graph/source-merge.ts). Plus: the rewritten
// describe(), which joins are rewritten (left and outer ones too, as Kafka's rule does not look
// at the join type) and which are not, and a fast-check comparison over random inputs and windows.
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { JoinWindows } from '../../../../src/streams/dsl/joins/join-windows.ts';
import { StreamJoined } from '../../../../src/streams/dsl/options/stream-joined.ts';
import { StreamsBuilder } from '../../../../src/streams/dsl/streams-builder.ts';
import { Consumed } from '../../../../src/streams/dsl/options/consumed.ts';
import type { KStream } from '../../../../src/streams/dsl/kstream.ts';
import type { BuildConfig } from '../../../../src/streams/dsl/topology-optimization.ts';
import { TopologyTestDriver } from '../../../../src/testing/topology-test-driver.ts';
import { capture, type KVT } from './helpers.ts';
import { S, quiet } from './stream-join-harness.ts';

const drivers: TopologyTestDriver[] = [];
afterEach(async () => {
  for (const d of drivers.splice(0)) await d.close();
});

type Join = (s: KStream<string, string>) => KStream<string, string>;
const valueJoiner = (v: string, v2: string) => v + v2;
const inner = (windows: JoinWindows): Join => (s) => s.join(s, valueJoiner, windows, StreamJoined.with(S, S, S));

function build(join: Join, config?: BuildConfig) {
  const b = new StreamsBuilder();
  const c = capture<string, string>();
  join(b.stream('topic1', Consumed.with(S, S))).process(c.supplier);
  return { topology: b.build(config), take: c.take };
}

async function run(join: Join, input: ReadonlyArray<readonly [string, string, number]>, config?: BuildConfig, storeType: 'memory' | 'leveldb' = 'memory'): Promise<KVT[]> {
  const { topology, take } = build(join, config);
  const driver = await TopologyTestDriver.create(topology, { logger: quiet, defaultStoreType: storeType });
  drivers.push(driver);
  const in1 = driver.createInputTopic('topic1', S, S);
  for (const [k, v, t] of input) in1.pipeInput(k, v, t);
  return take();
}

/** The two-store join's output, the self-join's, and whether the self-join was really built. */
async function both(join: Join, input: ReadonlyArray<readonly [string, string, number]>) {
  const expected = await run(join, input);
  const actual = await run(join, input, { topologyOptimization: 'all' });
  return { expected, actual };
}

describe('KStreamKStreamSelfJoinTest', () => {
  it('shouldMatchInnerJoinWithSelfJoinWithSingleStream', async () => {
    const input = [['A', '1', 1], ['B', '1', 2], ['A', '2', 3], ['B', '2', 4], ['B', '3', 5]] as const;
    const { expected, actual } = await both(inner(JoinWindows.ofTimeDifferenceWithNoGrace(100)), input);
    expect(expected).toEqual([
      ['A', '11', 1], ['B', '11', 2], ['A', '21', 3], ['A', '12', 3], ['A', '22', 3],
      ['B', '21', 4], ['B', '12', 4], ['B', '22', 4],
      ['B', '31', 5], ['B', '32', 5], ['B', '13', 5], ['B', '23', 5], ['B', '33', 5],
    ]);
    expect(actual).toEqual(expected);
  });

  it('shouldMatchInnerJoinWithSelfJoinDifferentBeforeAfterWindows', async () => {
    const input = [['A', '1', 0], ['A', '2', 11000], ['B', '1', 12000], ['A', '3', 13000], ['A', '4', 15000], ['C', '1', 16000], ['D', '1', 17000], ['A', '5', 30000]] as const;
    const { expected, actual } = await both(inner(JoinWindows.ofTimeDifferenceAndGrace(11_000, 10_000)), input);
    expect(expected.length).toBeGreaterThan(input.length); // the windows matched records, not only themselves
    expect(actual).toEqual(expected);
  });

  it('shouldMatchInnerJoinWithSelfJoinOutOfOrderMessages', async () => {
    const input = [['A', '1', 0], ['A', '2', 9999], ['B', '1', 11000], ['A', '3', 13000], ['A', '4', 15000], ['C', '1', 16000], ['D', '1', 17000], ['A', '5', 30000], ['A', '5', 6000]] as const;
    const { expected, actual } = await both(inner(JoinWindows.ofTimeDifferenceWithNoGrace(10_000)), input);
    expect(actual).toEqual(expected);
  });

  it('does not join an entry that leaves retention as the record arrives (window [t, t + 3], no grace)', async () => {
    // retention = 3: at 13 the entry at 10 is out of the store the two-store join's right side reads
    const { expected, actual } = await both(inner(JoinWindows.ofTimeDifferenceAndGrace(3, 0).before(0).after(3)), [['a', '1', 10], ['a', '2', 13]]);
    expect(expected).toEqual([['a', '11', 10], ['a', '22', 13]]); // a2 looks ahead only: [13, 16]
    expect(actual).toEqual(expected);
  });

  it('describes the rewritten join as Kafka does: one windowed processor and the self-join under the merge name', () => {
    const { topology } = build(inner(JoinWindows.ofTimeDifferenceWithNoGrace(100)), { topologyOptimization: 'single.store.self.join' });
    expect(topology.describe().toString()).toBe(
      [
        'Topologies:',
        '   Sub-topology: 0',
        '    Source: KSTREAM-SOURCE-0000000000 (topics: [topic1])',
        '      --> KSTREAM-WINDOWED-0000000001',
        '    Processor: KSTREAM-WINDOWED-0000000001 (stores: [KSTREAM-JOINTHIS-0000000003-store])',
        '      --> KSTREAM-MERGE-0000000005',
        '      <-- KSTREAM-SOURCE-0000000000',
        '    Processor: KSTREAM-MERGE-0000000005 (stores: [KSTREAM-JOINTHIS-0000000003-store])',
        '      --> KSTREAM-PROCESSOR-0000000006',
        '      <-- KSTREAM-WINDOWED-0000000001',
        '    Processor: KSTREAM-PROCESSOR-0000000006 (stores: [])',
        '      --> none',
        '      <-- KSTREAM-MERGE-0000000005',
        '',
        '',
      ].join('\n'),
    );
  });

  it('shouldMatchInnerJoinWithSelfJoinWithTwoStreams', async () => {
    // As Kafka's test: one builder; the two-store reference is built first (topic2), then the
    // self-join of two streams of topic1 is added and the builder is built again with 'all'.
    const b = new StreamsBuilder();
    const ref = capture<string, string>();
    const stream3 = b.stream('topic2', Consumed.with(S, S));
    const stream4 = b.stream('topic2', Consumed.with(S, S));
    stream3.join(stream4, valueJoiner, JoinWindows.ofTimeDifferenceWithNoGrace(100), StreamJoined.with(S, S, S)).process(ref.supplier);
    const input = [['A', '1', 1], ['B', '1', 2], ['A', '2', 3], ['B', '2', 4], ['B', '3', 5]] as const;
    const refDriver = await TopologyTestDriver.create(b.build(), { logger: quiet });
    drivers.push(refDriver);
    const in2 = refDriver.createInputTopic('topic2', S, S);
    for (const [k, v, t] of input) in2.pipeInput(k, v, t);
    const expected = ref.take();
    expect(expected).toHaveLength(13);

    const self = capture<string, string>();
    const stream1 = b.stream('topic1', Consumed.with(S, S));
    const stream2 = b.stream('topic1', Consumed.with(S, S));
    stream1.join(stream2, valueJoiner, JoinWindows.ofTimeDifferenceWithNoGrace(100), StreamJoined.with(S, S, S)).process(self.supplier);
    const topology = b.build({ topologyOptimization: 'all' });
    // Both joins are self-joins once merged: one window store each.
    expect([...topology.stores().keys()].sort()).toEqual(['KSTREAM-JOINTHIS-0000000004-store', 'KSTREAM-JOINTHIS-0000000012-store']);
    const driver = await TopologyTestDriver.create(topology, { logger: quiet });
    drivers.push(driver);
    const in1 = driver.createInputTopic('topic1', S, S);
    for (const [k, v, t] of input) in1.pipeInput(k, v, t);
    expect(self.take()).toEqual(expected);
  });

  it('rewrites left and outer self-joins too, as Kafka: one store, the same output for keyed records', async () => {
    const w = JoinWindows.ofTimeDifferenceWithNoGrace(100);
    const nullable = (v: string | null, v2: string | null) => `${v}+${v2}`;
    const left: Join = (s) => s.leftJoin(s, nullable, w);
    const outer: Join = (s) => s.outerJoin(s, nullable, w);
    const input = [['A', '1', 1], ['B', '1', 2], ['A', '2', 3], ['A', '3', 500], ['B', '2', 504]] as const;
    for (const [join, thisStore] of [[left, 'KSTREAM-JOINTHIS-0000000003-store'], [outer, 'KSTREAM-OUTERTHIS-0000000003-store']] as const) {
      expect([...build(join, { topologyOptimization: 'all' }).topology.stores().keys()]).toEqual([thisStore]);
      expect(build(join).topology.stores().size).toBe(3); // this, other, and the outer-shared store
      const { expected, actual } = await both(join, input);
      expect(expected.some(([, v]) => String(v).includes('null'))).toBe(false); // every record matches itself
      expect(actual).toEqual(expected);
    }
  });

  it('leaves unoptimized builds and joins whose node has two parents with two stores', () => {
    const stores = (join: Join, config?: BuildConfig) => [...build(join, config).topology.stores().keys()].sort();
    const w = JoinWindows.ofTimeDifferenceWithNoGrace(100);
    expect(stores(inner(w))).toEqual(['KSTREAM-JOINOTHER-0000000004-store', 'KSTREAM-JOINTHIS-0000000003-store']);
    expect(stores(inner(w), { topologyOptimization: 'none' })).toHaveLength(2);
    expect(stores((s) => s.join(s.filter(() => true), valueJoiner, w), { topologyOptimization: 'all' })).toHaveLength(2);
    expect(stores(inner(w), { topologyOptimization: ['single.store.self.join'] })).toEqual(['KSTREAM-JOINTHIS-0000000003-store']);
  });
});

describe('self-join against the two-store join over random inputs (fast-check)', () => {
  const record = fc.tuple(fc.constantFrom('a', 'b'), fc.constantFrom('1', '2', '3'), fc.nat(60));
  const edge = fc.oneof(fc.constant(0), fc.nat(20)); // zero widths and grace hit the retention edges
  const windows = fc
    .record({ before: edge, after: edge, grace: edge })
    .map(({ before, after, grace }) => JoinWindows.ofTimeDifferenceAndGrace(Math.max(before, after), grace).before(before).after(after));

  it('emits the same records in the same order, on the heap and in LevelDB', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(record, { maxLength: 25 }), windows, fc.constantFrom('memory' as const, 'leveldb' as const), async (input, w, storeType) => {
        const expected = await run(inner(w), input, undefined, storeType);
        const actual = await run(inner(w), input, { topologyOptimization: 'all' }, storeType);
        expect(actual).toEqual(expected);
        for (const d of drivers.splice(0)) await d.close();
      }),
      { numRuns: 40 },
    );
  });
});
