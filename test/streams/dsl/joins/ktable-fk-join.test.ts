// Ported from Apache Kafka Streams' KTableKTableForeignKeyJoinIntegrationTest (streams/src/test/
// java/org/apache/kafka/streams/integration/KTableKTableForeignKeyJoinIntegrationTest.java, which
// runs on the TopologyTestDriver): doJoinFromLeftThenDeleteLeftEntity,
// doJoinFromRightThenDeleteRightEntity, shouldEmitTombstoneWhenDeletingNonJoiningRecords,
// shouldNotEmitTombstonesWhenDeletingNonExistingRecords, shouldUnsubscribeOldForeignKeyIfLeftSideIsUpdated,
// for inner and left joins, with and without a materialized result ("store"), caching off, and with
// each side on a versioned store or not (the Java test's versionedData), plus
// shouldIgnoreOutOfOrderRecordsIffVersioned — the same outputs (read as key→value maps, as the
// Java test does) and store contents.
import { afterEach, describe, expect, it } from 'vitest';
import { StreamsBuilder } from '../../../../src/streams/dsl/streams-builder.ts';
import { Consumed } from '../../../../src/streams/dsl/options/consumed.ts';
import { Materialized } from '../../../../src/streams/dsl/options/materialized.ts';
import { Produced } from '../../../../src/streams/dsl/options/produced.ts';
import { TableJoined } from '../../../../src/streams/dsl/options/table-joined.ts';
import { Serdes } from '../../../../src/streams/serde/serdes.ts';
import { Stores } from '../../../../src/streams/state/stores.ts';
import { TopologyTestDriver } from '../../../../src/testing/topology-test-driver.ts';
import { quiet } from './stream-join-harness.ts';
import { responseWrapperSerde, valueHash } from '../../../../src/streams/dsl/joins/fk-join-wrappers.ts';

const S = Serdes.string();
let driver: TopologyTestDriver | undefined;
afterEach(async () => {
  await driver?.close();
  driver = undefined;
});

async function fkJoin(leftJoin: boolean, materialized: boolean, leftVersioned = false, rightVersioned = false) {
  const b = new StreamsBuilder();
  const FIVE_MINUTES = 5 * 60_000;
  const side = (topic: string, versioned: boolean, store: string) =>
    versioned ? b.table(topic, Consumed.with(S, S), Materialized.as(Stores.persistentVersionedKeyValueStore(store, FIVE_MINUTES))) : b.table(topic, Consumed.with(S, S));
  const left = side('left_table', leftVersioned, 'left');
  const right = side('right_table', rightVersioned, 'right');
  const extractor = (v: string) => v.split('|')[1]!;
  const joiner = (a: string | null, c: string | null) => `(${a},${c})`;
  const m = materialized ? Materialized.as<string, string>('store').withValueSerde(S).withCachingDisabled() : Materialized.with<string, string>(undefined, S).withCachingDisabled();
  const joined = leftJoin ? left.leftJoin(right, extractor, joiner, undefined, m) : left.join(right, extractor, joiner, undefined, m);
  joined.toStream().to('output', Produced.with(S, S));
  driver = await TopologyTestDriver.create(b.build(), { logger: quiet });
  const d = driver;
  const map = () => Object.fromEntries([...d.createOutputTopic('output', S, S).readKeyValuesToMap()]);
  const store = () => {
    if (!materialized) return undefined;
    const s = d.getKeyValueStore<string, string>('store')!;
    return Object.fromEntries([...s.all()].map((kv) => [kv.key, kv.value]));
  };
  return { left: d.createInputTopic('left_table', S, S), right: d.createInputTopic('right_table', S, S), map, store };
}

const base = 1000;
const bools = [false, true] as const;
/** [leftJoin, materialized, leftVersioned, rightVersioned]: the Java test's data() ∪ versionedData() without optimization/rejoin. */
const cases = bools.flatMap((leftJoin) => bools.flatMap((materialized) => bools.flatMap((lv) => bools.map((rv) => [leftJoin, materialized, lv, rv] as const))));

describe.each(cases)('KTableKTableForeignKeyJoinIntegrationTest (leftJoin=%s, materialized=%s, leftVersioned=%s, rightVersioned=%s)', (leftJoin, materialized, leftVersioned, rightVersioned) => {
  const join = () => fkJoin(leftJoin, materialized, leftVersioned, rightVersioned);

  it('doJoinFromLeftThenDeleteLeftEntity', async () => {
    const { left, right, map, store } = await join();
    right.pipeInput('rhs1', 'rhsValue1', base);
    right.pipeInput('rhs2', 'rhsValue2', base + 1);
    right.pipeInput('rhs3', 'rhsValue3', base + 2);
    expect(map()).toEqual({});
    if (materialized) expect(store()).toEqual({});
    left.pipeInput('lhs1', 'lhsValue1|rhs1', base + 3);
    left.pipeInput('lhs2', 'lhsValue2|rhs2', base + 4);
    const e1 = { lhs1: '(lhsValue1|rhs1,rhsValue1)', lhs2: '(lhsValue2|rhs2,rhsValue2)' };
    expect(map()).toEqual(e1);
    if (materialized) expect(store()).toEqual(e1);
    left.pipeInput('lhs3', 'lhsValue3|rhs1', base + 5);
    expect(map()).toEqual({ lhs3: '(lhsValue3|rhs1,rhsValue1)' });
    if (materialized) expect(store()).toEqual({ ...e1, lhs3: '(lhsValue3|rhs1,rhsValue1)' });
    left.pipeInput('lhs1', null, base + 6);
    expect(map()).toEqual({ lhs1: null });
    if (materialized) expect(store()).toEqual({ lhs2: '(lhsValue2|rhs2,rhsValue2)', lhs3: '(lhsValue3|rhs1,rhsValue1)' });
  });

  it('doJoinFromRightThenDeleteRightEntity', async () => {
    const { left, right, map, store } = await join();
    left.pipeInput('lhs1', 'lhsValue1|rhs1', base);
    left.pipeInput('lhs2', 'lhsValue2|rhs2', base + 1);
    left.pipeInput('lhs3', 'lhsValue3|rhs1', base + 2);
    const nulls = { lhs1: '(lhsValue1|rhs1,null)', lhs2: '(lhsValue2|rhs2,null)', lhs3: '(lhsValue3|rhs1,null)' };
    expect(map()).toEqual(leftJoin ? nulls : {});
    if (materialized) expect(store()).toEqual(leftJoin ? nulls : {});
    right.pipeInput('rhs1', 'rhsValue1', base + 3);
    expect(map()).toEqual({ lhs1: '(lhsValue1|rhs1,rhsValue1)', lhs3: '(lhsValue3|rhs1,rhsValue1)' });
    if (materialized) {
      expect(store()).toEqual(
        leftJoin
          ? { lhs1: '(lhsValue1|rhs1,rhsValue1)', lhs2: '(lhsValue2|rhs2,null)', lhs3: '(lhsValue3|rhs1,rhsValue1)' }
          : { lhs1: '(lhsValue1|rhs1,rhsValue1)', lhs3: '(lhsValue3|rhs1,rhsValue1)' },
      );
    }
    right.pipeInput('rhs2', 'rhsValue2', base + 4);
    expect(map()).toEqual({ lhs2: '(lhsValue2|rhs2,rhsValue2)' });
    const all = { lhs1: '(lhsValue1|rhs1,rhsValue1)', lhs2: '(lhsValue2|rhs2,rhsValue2)', lhs3: '(lhsValue3|rhs1,rhsValue1)' };
    if (materialized) expect(store()).toEqual(all);
    right.pipeInput('rhs3', 'rhsValue3', base + 5);
    expect(map()).toEqual({});
    if (materialized) expect(store()).toEqual(all);
    right.pipeInput('rhs1', null, base + 6);
    expect(map()).toEqual({ lhs1: leftJoin ? '(lhsValue1|rhs1,null)' : null, lhs3: leftJoin ? '(lhsValue3|rhs1,null)' : null });
    if (materialized) {
      expect(store()).toEqual(
        leftJoin ? { lhs1: '(lhsValue1|rhs1,null)', lhs2: '(lhsValue2|rhs2,rhsValue2)', lhs3: '(lhsValue3|rhs1,null)' } : { lhs2: '(lhsValue2|rhs2,rhsValue2)' },
      );
    }
  });

  it('shouldEmitTombstoneWhenDeletingNonJoiningRecords / shouldNotEmitTombstonesWhenDeletingNonExistingRecords', async () => {
    const { left, map, store } = await join();
    left.pipeInput('lhs0', null, base - 1);
    expect(map()).toEqual({});
    left.pipeInput('lhs1', 'lhsValue1|rhs1', base);
    const expected = leftJoin ? { lhs1: '(lhsValue1|rhs1,null)' } : {};
    expect(map()).toEqual(expected);
    if (materialized) expect(store()).toEqual(expected);
    left.pipeInput('lhs1', null, base + 1);
    expect(map()).toEqual({ lhs1: null });
    if (materialized) expect(store()).toEqual({});
    left.pipeInput('lhs1', null, base + 2);
    expect(map()).toEqual({});
  });

  it('shouldUnsubscribeOldForeignKeyIfLeftSideIsUpdated', async () => {
    const { left, right, map, store } = await join();
    right.pipeInput('rhs1', 'rhsValue1', base);
    right.pipeInput('rhs2', 'rhsValue2', base + 1);
    expect(map()).toEqual({});
    left.pipeInput('lhs1', 'lhsValue1|rhs1', base + 2);
    expect(map()).toEqual({ lhs1: '(lhsValue1|rhs1,rhsValue1)' });
    left.pipeInput('lhs1', 'lhsValue1|rhs2', base + 3);
    expect(map()).toEqual({ lhs1: '(lhsValue1|rhs2,rhsValue2)' });
    right.pipeInput('rhs1', 'rhsValue1Delta', base + 4);
    expect(map()).toEqual({});
    if (materialized) expect(store()).toEqual({ lhs1: '(lhsValue1|rhs2,rhsValue2)' });
  });

  it('joinShouldProduceNullsWhenValueHasNonMatchingForeignKey', async () => {
    const { left, right, map, store } = await join();
    const half = (fk: string) => (leftJoin ? { lhs1: `(lhsValue1|${fk},null)` } : {});
    // a new inner join on a non-existent foreign key emits nothing; the left join emits the half-join
    left.pipeInput('lhs1', 'lhsValue1|rhs1', base);
    expect(map()).toEqual(half('rhs1'));
    if (materialized) expect(store()).toEqual(half('rhs1'));
    // moving to another non-existent key: an (unnecessary) tombstone for the inner join, which
    // cannot know whether a result was emitted before; a necessary update for the left join
    left.pipeInput('lhs1', 'lhsValue1|rhs2', base + 1);
    expect(map()).toEqual({ lhs1: leftJoin ? '(lhsValue1|rhs2,null)' : null });
    if (materialized) expect(store()).toEqual(half('rhs2'));
    left.pipeInput('lhs1', 'lhsValue1|rhs3', base + 2);
    expect(map()).toEqual({ lhs1: leftJoin ? '(lhsValue1|rhs3,null)' : null });
    if (materialized) expect(store()).toEqual(half('rhs3'));
    // rhs1 was referenced before but is not now: adding it changes nothing
    right.pipeInput('rhs1', 'rhsValue1', base + 3);
    expect(map()).toEqual({});
    if (materialized) expect(store()).toEqual(half('rhs3'));
    // moving to a key that exists completes the join
    left.pipeInput('lhs1', 'lhsValue1|rhs1', base + 4);
    expect(map()).toEqual({ lhs1: '(lhsValue1|rhs1,rhsValue1)' });
    if (materialized) expect(store()).toEqual({ lhs1: '(lhsValue1|rhs1,rhsValue1)' });
    // and moving away again: a tombstone for the inner join, the half-join for the left join
    left.pipeInput('lhs1', 'lhsValue1|rhs2', base + 5);
    expect(map()).toEqual({ lhs1: leftJoin ? '(lhsValue1|rhs2,null)' : null });
    if (materialized) expect(store()).toEqual(half('rhs2'));
  });

  it('shouldIgnoreOutOfOrderRecordsIffVersioned', async () => {
    const { left, right, map, store } = await join();
    const expectOut = (out: Record<string, string | null>, rows?: Record<string, string>) => {
      expect(map()).toEqual(out);
      if (materialized) expect(store()).toEqual(rows ?? out);
    };
    right.pipeInput('rhs1', 'rhsValue1', base + 4);
    expectOut({});
    // LHS records with a match to the existing RHS record
    left.pipeInput('lhs1', 'lhsValue1|rhs1', base + 3);
    left.pipeInput('lhs2', 'lhsValue2|rhs1', base + 5);
    expectOut({ lhs1: '(lhsValue1|rhs1,rhsValue1)', lhs2: '(lhsValue2|rhs1,rhsValue1)' });
    // replace with a tombstone, to see what happens when the latest record is null
    left.pipeInput('lhs2', null, base + 6);
    expectOut({ lhs2: null }, { lhs1: '(lhsValue1|rhs1,rhsValue1)' });
    // out-of-order LHS records (for existing keys) produce no new result iff LHS is versioned
    left.pipeInput('lhs1', 'lhsValue1_ooo|rhs1', base + 2);
    left.pipeInput('lhs2', 'lhsValue2_ooo|rhs1', base + 2);
    if (leftVersioned) expectOut({}, { lhs1: '(lhsValue1|rhs1,rhsValue1)' });
    else expectOut({ lhs1: '(lhsValue1_ooo|rhs1,rhsValue1)', lhs2: '(lhsValue2_ooo|rhs1,rhsValue1)' });
    // an out-of-order LHS tombstone is ignored the same way
    left.pipeInput('lhs1', null, base + 2);
    if (leftVersioned) expectOut({}, { lhs1: '(lhsValue1|rhs1,rhsValue1)' });
    else expectOut({ lhs1: null }, { lhs2: '(lhsValue2_ooo|rhs1,rhsValue1)' });
    // LHS records with a larger timestamp always produce new results
    left.pipeInput('lhs1', 'lhsValue1_new|rhs1', base + 8);
    left.pipeInput('lhs2', 'lhsValue2_new|rhs1', base + 8);
    const fresh = { lhs1: '(lhsValue1_new|rhs1,rhsValue1)', lhs2: '(lhsValue2_new|rhs1,rhsValue1)' };
    expectOut(fresh);
    // out-of-order RHS record produces no new result iff RHS is versioned
    right.pipeInput('rhs1', 'rhsValue1_ooo', base + 1);
    if (rightVersioned) expectOut({}, fresh);
    else expectOut({ lhs1: '(lhsValue1_new|rhs1,rhsValue1_ooo)', lhs2: '(lhsValue2_new|rhs1,rhsValue1_ooo)' });
    // an out-of-order RHS tombstone is ignored the same way
    right.pipeInput('rhs1', null, base + 1);
    if (rightVersioned) expectOut({}, fresh);
    else if (leftJoin) expectOut({ lhs1: '(lhsValue1_new|rhs1,null)', lhs2: '(lhsValue2_new|rhs1,null)' });
    else expectOut({ lhs1: null, lhs2: null }, {});
    // RHS records with a larger timestamp always produce new results
    right.pipeInput('rhs1', 'rhsValue1_new', base + 6);
    expectOut({ lhs1: '(lhsValue1_new|rhs1,rhsValue1_new)', lhs2: '(lhsValue2_new|rhs1,rhsValue1_new)' });
  });
});

describe('KTableKTableForeignKeyJoinIntegrationTest (left join, foreign key becomes null)', () => {
  for (const materialized of [false, true]) {
    it(`shouldEmitRecordWhenOldAndNewFkDiffer (materialized=${materialized})`, async () => {
      const b = new StreamsBuilder();
      const left = b.table('left_table', Consumed.with(S, S));
      const right = b.table('right_table', Consumed.with(S, S));
      const extractor = (v: string) => {
        const split = v.split('|')[1]!;
        return split === 'returnNull' ? null : split;
      };
      const m = materialized ? Materialized.as<string, string>('store').withValueSerde(S).withCachingDisabled() : Materialized.with<string, string>(undefined, S).withCachingDisabled();
      left.leftJoin(right, extractor, (a, c) => `(${a},${c})`, undefined, m).toStream().to('output', Produced.with(S, S));
      const t = b.build();
      const d = await TopologyTestDriver.create(t, { logger: quiet });
      driver = d;
      const subscriptionStoreName = [...t.stores().keys()].find((n) => n.includes('SUBSCRIPTION-STATE-STORE'))!;
      const subscriptions = d.getKeyValueStore<Buffer, unknown>(subscriptionStoreName)!;
      // Kafka's subscriptionStoreKey("lhs1", "rhs1"): int32 length of the foreign key, its bytes, the primary key bytes.
      const key = Buffer.concat([Buffer.from([0, 0, 0, 4]), Buffer.from('rhs1'), Buffer.from('lhs1')]);
      const l = d.createInputTopic('left_table', S, S);
      const out = d.createOutputTopic('output', S, S);
      const storeMap = () => Object.fromEntries([...d.getKeyValueStore<string, string>('store')!.all()].map((kv) => [kv.key, kv.value]));
      l.pipeInput('lhs1', 'lhsValue1|rhs1', base);
      expect(Object.fromEntries(out.readKeyValuesToMap())).toEqual({ lhs1: '(lhsValue1|rhs1,null)' });
      if (materialized) expect(storeMap()).toEqual({ lhs1: '(lhsValue1|rhs1,null)' });
      expect(subscriptions.get(key)).toBeDefined();
      l.pipeInput('lhs1', 'lhsValue1|returnNull', base);
      expect(Object.fromEntries(out.readKeyValuesToMap())).toEqual({ lhs1: '(lhsValue1|returnNull,null)' });
      if (materialized) expect(storeMap()).toEqual({ lhs1: '(lhsValue1|returnNull,null)' });
      expect(subscriptions.get(key)).toBeUndefined();
    });
  }
});

describe('foreign-key join response resolver', () => {
  it('drops a response computed for an older version of the left row (hash check), counted; accepts a current one', async () => {
    const b = new StreamsBuilder();
    const left = b.table('L', Consumed.with(S, S));
    const right = b.table('R', Consumed.with(S, S));
    left.join(right, (v) => v.split('|')[1]!, (a, c) => `(${a},${c})`).toStream().to('out', Produced.with(S, S));
    const t = b.build();
    const responseTopic = [...t.internalTopics().keys()].find((n) => n.includes('RESPONSE'))!;
    const d = await TopologyTestDriver.create(t, { applicationId: 'app', logger: quiet });
    driver = d;
    d.createInputTopic('R', S, S).pipeInput('rhs1', 'R1', 1);
    d.createInputTopic('L', S, S).pipeInput('lhs1', 'v1|rhs1', 2);
    const out = d.createOutputTopic('out', S, S);
    expect(out.readKeyValuesToList()).toEqual([{ key: 'lhs1', value: '(v1|rhs1,R1)' }]);
    const responses = d.createInputTopic('app-' + responseTopic, S, responseWrapperSerde(S));
    const dropped = d.metrics().droppedRecordsTotal;
    responses.pipeInput('lhs1', { hash: valueHash(S.serialize('x', 'v0|rhs1')), foreignValue: 'STALE', primaryPartition: 0 }, 3);
    expect(out.readKeyValuesToList()).toEqual([]);
    expect(d.metrics().droppedRecordsTotal).toBe(dropped + 1);
    responses.pipeInput('lhs1', { hash: valueHash(S.serialize('x', 'v1|rhs1')), foreignValue: 'R2', primaryPartition: 0 }, 4);
    expect(out.readKeyValuesToList()).toEqual([{ key: 'lhs1', value: '(v1|rhs1,R2)' }]);
  });
});

describe('foreign-key join topology', () => {
  it('names internal topics and stores as Kafka and records both co-partition groups', () => {
    const b = new StreamsBuilder();
    const left = b.table('L', Consumed.with(S, S));
    const right = b.table('R', Consumed.with(S, S));
    left.join(right, (v) => v, (a, c) => a + c).toStream().to('out', Produced.with(S, S));
    const t = b.build();
    expect([...t.internalTopics().keys()]).toEqual(['KTABLE-FK-JOIN-SUBSCRIPTION-REGISTRATION-0000000006-topic', 'KTABLE-FK-JOIN-SUBSCRIPTION-RESPONSE-0000000014-topic']);
    expect([...t.stores().keys()]).toContain('KTABLE-FK-JOIN-SUBSCRIPTION-STATE-STORE-0000000010');
    expect(t.copartitionGroups()).toEqual([
      ['KTABLE-FK-JOIN-SUBSCRIPTION-REGISTRATION-0000000006-topic', 'R'],
      ['KTABLE-FK-JOIN-SUBSCRIPTION-RESPONSE-0000000014-topic', 'L'],
    ]);

    const b2 = new StreamsBuilder();
    b2.table('L', Consumed.with(S, S)).leftJoin(b2.table('R', Consumed.with(S, S)), (v) => v, (a, c) => `${a}${c}`, TableJoined.as('fk')).toStream().to('out', Produced.with(S, S));
    const t2 = b2.build();
    expect([...t2.internalTopics().keys()]).toEqual(['fk-subscription-registration-topic', 'fk-subscription-response-topic']);
    expect([...t2.stores().keys()]).toContain('fk-subscription-store');
    expect([...t2.nodes().keys()]).toContain('fk-result');
  });

  it('a left row with a null foreign key: dropped (counted) by the inner join, joined with null by the left join (shouldEmitRecordOnNullForeignKeyForLeftJoins)', async () => {
    for (const leftJoin of [false, true]) {
      const b = new StreamsBuilder();
      const left = b.table('L', Consumed.with(S, S));
      const right = b.table('R', Consumed.with(S, S));
      const joiner = (a: string | null, c: string | null) => `(${a},${c})`;
      const extractor = (v: string) => (v.includes('|') ? v.split('|')[1]! : null);
      (leftJoin ? left.leftJoin(right, extractor, joiner) : left.join(right, extractor, joiner)).toStream().to('out', Produced.with(S, S));
      const d = await TopologyTestDriver.create(b.build(), { logger: quiet });
      d.createInputTopic('L', S, S).pipeInput('k', 'nofk', 1);
      const out = d.createOutputTopic('out', S, S).readKeyValuesToList();
      expect(out).toEqual(leftJoin ? [{ key: 'k', value: '(nofk,null)' }] : []);
      if (!leftJoin) expect(d.metrics().droppedRecordsTotal).toBe(1);
      await d.close();
    }
  });
});
