// Ported from Apache Kafka Streams' KStreamWindowAggregateTest.testJoin (streams/src/test/java/
// org/apache/kafka/streams/kstream/internals/KStreamWindowAggregateTest.java): two windowed
// aggregations with the default Materialized (so on the window record cache) joined as tables,
// record for record and timestamp for timestamp. The driver commits after every record, so the
// cached tables forward every update, as in Kafka's driver.
import { afterEach, describe, expect, it } from 'vitest';
import { Consumed } from '../../../../src/streams/dsl/options/consumed.ts';
import { Grouped } from '../../../../src/streams/dsl/options/grouped.ts';
import { Materialized } from '../../../../src/streams/dsl/options/materialized.ts';
import { StreamsBuilder } from '../../../../src/streams/dsl/streams-builder.ts';
import { Serdes } from '../../../../src/streams/serde/serdes.ts';
import type { Windowed } from '../../../../src/streams/serde/windowed-serdes.ts';
import { TimeWindows } from '../../../../src/streams/windows/time-windows.ts';
import { TopologyTestDriver } from '../../../../src/testing/topology-test-driver.ts';
import { capture, windowedString } from './windowed-test-helpers.ts';

const S = Serdes.string();
/** The deprecated TimeWindows.of(size) of Kafka's test: grace = 1 day retention - size. */
const OLD_DEFAULT_GRACE = 24 * 60 * 60 * 1000 - 10;
let driver: TopologyTestDriver | undefined;
afterEach(async () => {
  await driver?.close();
  driver = undefined;
});

describe('KStreamWindowAggregateTest', () => {
  it('testJoin', async () => {
    const b = new StreamsBuilder();
    const table = (topic: string) =>
      b
        .stream(topic, Consumed.with(S, S))
        .groupByKey(Grouped.with(S, S))
        .windowedBy(TimeWindows.ofSizeAndGrace(10, OLD_DEFAULT_GRACE).advanceBy(5))
        .aggregate(() => '0', (_k, v, agg) => `${agg}+${v}`, Materialized.as<string, string>(`${topic}-Canonized`).withValueSerde(S));
    const table1 = table('topic1');
    const p0 = capture(table1.toStream());
    const table2 = table('topic2');
    const p1 = capture(table2.toStream());
    const p2 = capture(table1.join(table2, (a, c) => `${a}%${c}`).toStream());
    driver = await TopologyTestDriver.create(b.build(), { logger: { warn() {}, error() {} } });
    const in1 = driver.createInputTopic('topic1', S, S);
    const in2 = driver.createInputTopic('topic2', S, S);
    const take = (seen: Array<{ key: Windowed<string>; value: string | null; timestamp: number }>) =>
      seen.splice(0).map((r) => [windowedString(r.key), r.value, r.timestamp]);

    in1.pipeInput('A', '1', 0);
    in1.pipeInput('B', '2', 1);
    in1.pipeInput('C', '3', 2);
    in1.pipeInput('D', '4', 3);
    in1.pipeInput('A', '1', 9);
    expect(take(p0)).toEqual([
      ['[A@0/10]', '0+1', 0],
      ['[B@0/10]', '0+2', 1],
      ['[C@0/10]', '0+3', 2],
      ['[D@0/10]', '0+4', 3],
      ['[A@0/10]', '0+1+1', 9],
      ['[A@5/15]', '0+1', 9],
    ]);
    expect([take(p1), take(p2)]).toEqual([[], []]);

    in1.pipeInput('A', '1', 5);
    in1.pipeInput('B', '2', 6);
    in1.pipeInput('D', '4', 7);
    in1.pipeInput('B', '2', 8);
    in1.pipeInput('C', '3', 9);
    expect(take(p0)).toEqual([
      ['[A@0/10]', '0+1+1+1', 9],
      ['[A@5/15]', '0+1+1', 9],
      ['[B@0/10]', '0+2+2', 6],
      ['[B@5/15]', '0+2', 6],
      ['[D@0/10]', '0+4+4', 7],
      ['[D@5/15]', '0+4', 7],
      ['[B@0/10]', '0+2+2+2', 8],
      ['[B@5/15]', '0+2+2', 8],
      ['[C@0/10]', '0+3+3', 9],
      ['[C@5/15]', '0+3', 9],
    ]);
    expect([take(p1), take(p2)]).toEqual([[], []]);

    in2.pipeInput('A', 'a', 0);
    in2.pipeInput('B', 'b', 1);
    in2.pipeInput('C', 'c', 2);
    in2.pipeInput('D', 'd', 20);
    in2.pipeInput('A', 'a', 20);
    expect(take(p0)).toEqual([]);
    expect(take(p1)).toEqual([
      ['[A@0/10]', '0+a', 0],
      ['[B@0/10]', '0+b', 1],
      ['[C@0/10]', '0+c', 2],
      ['[D@15/25]', '0+d', 20],
      ['[D@20/30]', '0+d', 20],
      ['[A@15/25]', '0+a', 20],
      ['[A@20/30]', '0+a', 20],
    ]);
    expect(take(p2)).toEqual([
      ['[A@0/10]', '0+1+1+1%0+a', 9],
      ['[B@0/10]', '0+2+2+2%0+b', 8],
      ['[C@0/10]', '0+3+3%0+c', 9],
    ]);

    in2.pipeInput('A', 'a', 5);
    in2.pipeInput('B', 'b', 6);
    in2.pipeInput('D', 'd', 7);
    in2.pipeInput('D', 'd', 18);
    in2.pipeInput('A', 'a', 21);
    expect(take(p0)).toEqual([]);
    expect(take(p1)).toEqual([
      ['[A@0/10]', '0+a+a', 5],
      ['[A@5/15]', '0+a', 5],
      ['[B@0/10]', '0+b+b', 6],
      ['[B@5/15]', '0+b', 6],
      ['[D@0/10]', '0+d', 7],
      ['[D@5/15]', '0+d', 7],
      ['[D@10/20]', '0+d', 18],
      ['[D@15/25]', '0+d+d', 20],
      ['[A@15/25]', '0+a+a', 21],
      ['[A@20/30]', '0+a+a', 21],
    ]);
    expect(take(p2)).toEqual([
      ['[A@0/10]', '0+1+1+1%0+a+a', 9],
      ['[A@5/15]', '0+1+1%0+a', 9],
      ['[B@0/10]', '0+2+2+2%0+b+b', 8],
      ['[B@5/15]', '0+2+2%0+b', 8],
      ['[D@0/10]', '0+4+4%0+d', 7],
      ['[D@5/15]', '0+4%0+d', 7],
    ]);
  });
});
