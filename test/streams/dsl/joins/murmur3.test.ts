// Kafka Streams' Murmur3.hash128 vectors (Murmur3Test.testMurmur3_128 in apache/kafka, taken
// from Apache Hive's TestMurmur3; seed 123, results as Java signed longs).
import { describe, expect, it } from 'vitest';
import { murmur3Hash128Bytes, murmur3x64128 } from '../../../../src/streams/dsl/joins/murmur3.ts';
import { Consumed } from '../../../../src/streams/dsl/options/consumed.ts';
import { Produced } from '../../../../src/streams/dsl/options/produced.ts';
import { StreamsBuilder } from '../../../../src/streams/dsl/streams-builder.ts';
import { Serdes } from '../../../../src/streams/serde/serdes.ts';
import { TopologyTestDriver } from '../../../../src/testing/topology-test-driver.ts';

const CASES: Array<[string, bigint, bigint]> = [
  ['21', 5857341059704281894n, -5288187638297930763n],
  ['foobar', -351361463397418609n, 8959716011862540668n],
  ['a-little-bit-long-string', 8836256500583638442n, -198172363548498523n],
  ['a-little-bit-longer-string', 1838346159335108511n, 8794688210320490705n],
  ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -4024021876037397259n, -1482317706335141238n],
  ['abc', 1489494923063836066n, -5440978547625122829n],
];

describe('murmur3x64128 (Kafka Streams Murmur3.hash128)', () => {
  it.each(CASES)('%s', (input, h1, h2) => {
    const [a, b] = murmur3x64128(Buffer.from(input), 123);
    expect([BigInt.asIntN(64, a), BigInt.asIntN(64, b)]).toEqual([h1, h2]);
  });

  it('writes h1 then h2 big-endian, as SubscriptionWrapperSerde puts them', () => {
    const bytes = murmur3Hash128Bytes(Buffer.from('foobar'), 123);
    expect(bytes.readBigInt64BE(0)).toBe(-351361463397418609n);
    expect(bytes.readBigInt64BE(8)).toBe(8959716011862540668n);
  });

  it('reads a sub-view of a larger buffer correctly (byteOffset)', () => {
    const big = Buffer.from('xxxxfoobar');
    expect(murmur3x64128(big.subarray(4), 123)).toEqual(murmur3x64128(Buffer.from('foobar'), 123));
  });
});

describe('foreign-key join subscriptions carry the Kafka hash of the left value', () => {
  it('the registration record holds murmur3(serialized left value, 104729)', async () => {
    const S = Serdes.string();
    const b = new StreamsBuilder();
    b.table('orders', Consumed.with(S, S))
      .join(b.table('customers', Consumed.with(S, S)), (v: string) => v.split('|')[0]!, (o: string, c: string) => `${o}/${c}`)
      .toStream()
      .to('out', Produced.with(S, S));
    const driver = await TopologyTestDriver.create(b.build());
    driver.createInputTopic('orders', S, S).pipeInput('o1', 'c1|x', 1);
    const topic = [...driver.producedTopicNames()].find((t) => t.includes('SUBSCRIPTION-REGISTRATION'))!;
    const [record] = driver.createOutputTopic(topic, S, Serdes.bytes()).readRecordsToList();
    expect(record!.key).toBe('c1');
    // Kafka's SubscriptionWrapper v1: version 1 (bit 7 clear: hash present), instruction 3
    // (PROPAGATE_ONLY_IF_FK_VAL_AVAILABLE), the 16 hash bytes, primary key "o1", partition 0.
    const head = Buffer.from([0x01, 0x03]);
    const tail = Buffer.from([0x6f, 0x31, 0, 0, 0, 0]);
    expect(record!.value).toEqual(Buffer.concat([head, murmur3Hash128Bytes(Buffer.from('c1|x')), tail]));
    await driver.close();
  });
});
