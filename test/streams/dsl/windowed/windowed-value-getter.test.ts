// Windowed KTables can be looked up by key (windowed-value-getter.ts): a join of two session-
// windowed counts finds the other side's session only under the same key and the same session
// bounds, stamped with the session end (Kafka's KStreamSessionWindowAggregate.view()).
import { afterEach, describe, expect, it } from 'vitest';
import { Consumed } from '../../../../src/streams/dsl/options/consumed.ts';
import { Grouped } from '../../../../src/streams/dsl/options/grouped.ts';
import { StreamsBuilder } from '../../../../src/streams/dsl/streams-builder.ts';
import { Serdes } from '../../../../src/streams/serde/serdes.ts';
import { SessionWindows } from '../../../../src/streams/windows/session-windows.ts';
import { TopologyTestDriver } from '../../../../src/testing/topology-test-driver.ts';
import { capture, windowedString } from './windowed-test-helpers.ts';

const S = Serdes.string();
let driver: TopologyTestDriver | undefined;
afterEach(async () => {
  await driver?.close();
  driver = undefined;
});

describe('windowed value getter', () => {
  it('session-windowed tables join on (key, session)', async () => {
    const b = new StreamsBuilder();
    const counts = (topic: string) => b.stream(topic, Consumed.with(S, S)).groupByKey(Grouped.with(S, S)).windowedBy(SessionWindows.ofInactivityGapWithNoGrace(10)).count();
    const joined = capture(counts('left').join(counts('right'), (l, r) => `${l}/${r}`).toStream());
    driver = await TopologyTestDriver.create(b.build(), { logger: { warn() {}, error() {} } });
    const left = driver.createInputTopic('left', S, S);
    const right = driver.createInputTopic('right', S, S);
    left.pipeInput('a', 'x', 0);
    right.pipeInput('a', 'y', 0); // same session [0,0]: joins
    right.pipeInput('b', 'y', 0); // no left session for b
    left.pipeInput('a', 'x', 5); // left session becomes [0,5]: right has only [0,0]
    right.pipeInput('a', 'y', 5); // right merges into [0,5] too: joins again
    const out = joined.splice(0).map((r) => [windowedString(r.key), r.value, r.timestamp]);
    expect(out).toEqual([
      ['[a@0/0]', '1/1', 0],
      ['[a@0/0]', null, 0], // the left [0,0] session was merged away
      ['[a@0/5]', '2/2', 5],
    ]);
  });
});
