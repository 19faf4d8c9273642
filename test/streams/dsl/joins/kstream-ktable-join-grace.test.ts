// Ported from Apache Kafka Streams' KStreamKTableJoinTest (streams/src/test/java/org/apache/
// kafka/streams/kstream/internals/KStreamKTableJoinTest.java): the grace-period cases (KIP-923) —
// a stream–table join on a versioned table holds stream records for the grace period and joins
// them with the table as of their timestamp. Same inputs and outputs, record for record.
import { afterEach, describe, expect, it } from 'vitest';
import { StreamsBuilder } from '../../../../src/streams/dsl/streams-builder.ts';
import { Consumed } from '../../../../src/streams/dsl/options/consumed.ts';
import { Joined } from '../../../../src/streams/dsl/options/joined.ts';
import { Materialized } from '../../../../src/streams/dsl/options/materialized.ts';
import { Stores } from '../../../../src/streams/state/stores.ts';
import { TopologyTestDriver } from '../../../../src/testing/topology-test-driver.ts';
import { capture } from './helpers.ts';
import { I, S, quiet, toStringJoiner } from './stream-join-harness.ts';

const MINUTES_5 = 5 * 60_000;
let driver: TopologyTestDriver | undefined;
afterEach(async () => {
  await driver?.close();
  driver = undefined;
});

async function makeJoin(graceMs: number, storeType: 'memory' | 'leveldb' = 'leveldb') {
  const b = new StreamsBuilder();
  const consumed = Consumed.with(I, S);
  const stream = b.stream('streamTopic', consumed);
  const supplier = storeType === 'leveldb' ? Stores.persistentVersionedKeyValueStore('V-grace', MINUTES_5) : Stores.inMemoryVersionedKeyValueStore('V-grace', MINUTES_5);
  const table = b.table('tableTopic2', consumed, Materialized.as(supplier));
  const c = capture<number, string>();
  stream.join(table, toStringJoiner, Joined.with(I, S, S, 'Grace', graceMs)).process(c.supplier);
  driver = await TopologyTestDriver.create(b.build(), { logger: quiet });
  const streamIn = driver.createInputTopic('streamTopic', I, S);
  const tableIn = driver.createInputTopic('tableTopic2', I, S);
  const keys = [0, 1, 2, 3];
  return {
    out: c.take,
    streamIn,
    pushToStream: (n: number, prefix: string) => keys.slice(0, n).forEach((k, i) => streamIn.pipeInput(k, prefix + k, i)),
    pushToTableNonRandom: (n: number, prefix: string) => keys.slice(0, n).forEach((k) => tableIn.pipeInput(k, prefix + k, 0)),
  };
}

const twoStrings = () => {
  const b = new StreamsBuilder();
  return { b, streamA: b.stream('topic', Consumed.with(S, S)) };
};
const concat = (a: string, c: string) => a + c;

describe('KStreamKTableJoinTest (grace period)', () => {
  it('shouldFailIfTableIsNotVersioned', () => {
    const { b, streamA } = twoStrings();
    const tableB = b.table('topic2', Consumed.with(S, S));
    expect(() => streamA.join(tableB, concat, Joined.with(S, S, S, 'first-join', 6)).to('out-one')).toThrow('KTable must be versioned to use a grace period in a stream table join.');
  });

  it('shouldFailIfTableIsNotVersionedButMaterializationIsInherited', () => {
    const { b, streamA } = twoStrings();
    const source = b.table('topic2', Consumed.with(S, S), Materialized.as('tableB'));
    const tableB = source.filter(() => true);
    streamA.join(tableB, concat, Joined.with(S, S, S, 'first-join', 6)).to('out-one');
    expect(() => b.build()).toThrow('KTable must be versioned to use a grace period in a stream table join.');
  });

  it('shouldNotFailIfTableIsVersionedButMaterializationIsInherited', () => {
    const { b, streamA } = twoStrings();
    const source = b.table('topic2', Consumed.with(S, S), Materialized.as(Stores.persistentVersionedKeyValueStore('tableB', MINUTES_5)));
    streamA.join(source.filter(() => true), concat, Joined.with(S, S, S, 'first-join', 6)).to('out-one');
    expect(() => b.build()).not.toThrow();
  });

  it('shouldFailIfGracePeriodIsLongerThanHistoryRetention', () => {
    const { b, streamA } = twoStrings();
    const tableB = b.table('topic2', Consumed.with(S, S), Materialized.as(Stores.persistentVersionedKeyValueStore('tableB', MINUTES_5)));
    streamA.join(tableB, concat, Joined.with(S, S, S, 'first-join', 6 * 60_000)).to('out-one');
    expect(() => b.build()).toThrow('History retention must be at least grace period.');
  });

  it('shouldFailIfGracePeriodIsLongerThanHistoryRetentionAndInheritedStore', () => {
    const { b, streamA } = twoStrings();
    const source = b.table('topic2', Consumed.with(S, S), Materialized.as(Stores.persistentVersionedKeyValueStore('V-grace', 0)));
    streamA.join(source.filter(() => true), concat, Joined.with(S, S, S, 'first-join', 6)).to('out-one');
    expect(() => b.build()).toThrow('History retention must be at least grace period.');
  });

  for (const storeType of ['leveldb', 'memory'] as const) {
    it(`shouldDelayJoinByGracePeriod (${storeType})`, async () => {
      const j = await makeJoin(2, storeType);
      j.pushToTableNonRandom(4, 'Y');
      expect(j.out()).toEqual([]);
      j.pushToStream(4, 'X');
      expect(j.out()).toEqual([[0, 'X0+Y0', 0], [1, 'X1+Y1', 1]]);
      j.pushToTableNonRandom(4, 'YY');
      expect(j.out()).toEqual([]);
      j.pushToStream(4, 'X');
      expect(j.out()).toEqual([[0, 'X0+YY0', 0], [1, 'X1+YY1', 1]]);
      j.streamIn.pipeInput(5, 'test', 7);
      expect(j.out()).toEqual([[2, 'X2+YY2', 2], [2, 'X2+YY2', 2], [3, 'X3+YY3', 3], [3, 'X3+YY3', 3]]);
      j.pushToTableNonRandom(4, 'YYY');
      expect(j.out()).toEqual([]);
    });
  }

  it('shouldHandleLateJoinsWithGracePeriod', async () => {
    const j = await makeJoin(2);
    j.pushToTableNonRandom(4, 'Y');
    expect(j.out()).toEqual([]);
    j.pushToStream(4, 'X');
    expect(j.out()).toEqual([[0, 'X0+Y0', 0], [1, 'X1+Y1', 1]]);
    j.pushToStream(1, 'X'); // late: joined at once, evicts nothing
    expect(j.out()).toEqual([[0, 'X0+Y0', 0]]);
  });

  it('joins each buffered record with the table as it was at the record time, not as it is at eviction', async () => {
    const j = await makeJoin(10, 'memory');
    const tableIn = driver!.createInputTopic('tableTopic2', I, S);
    tableIn.pipeInput(1, 'old', 0);
    j.streamIn.pipeInput(1, 'a', 5);
    tableIn.pipeInput(1, 'new', 8); // after the stream record's time: not its version
    j.streamIn.pipeInput(1, 'b', 9);
    expect(j.out()).toEqual([]);
    j.streamIn.pipeInput(2, 'tick', 20); // stream time 20: evicts 5 and 9
    expect(j.out()).toEqual([[1, 'a+old', 5], [1, 'b+new', 9]]);
  });
});
