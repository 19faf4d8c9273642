// EmitStrategy.onWindowClose across a restart on the bundled broker: the last emit time travels
// with the committed offsets (task/commit-metadata.ts, Kafka's TopicPartitionMetadata), so the
// restarted application does not emit again the windows it emitted before it stopped. The store
// retains windows long after they close (Materialized.withRetention), so without the committed
// time the restarted processor would find the old window in its restored store and emit it again.
import { describe, expect, it } from 'vitest';
import { Consumed } from '../../src/streams/dsl/options/consumed.ts';
import { Grouped } from '../../src/streams/dsl/options/grouped.ts';
import { Materialized } from '../../src/streams/dsl/options/materialized.ts';
import { Produced } from '../../src/streams/dsl/options/produced.ts';
import { StreamsBuilder } from '../../src/streams/dsl/streams-builder.ts';
import { EmitStrategy } from '../../src/streams/dsl/windowed/emit-strategy.ts';
import { Serdes } from '../../src/streams/serde/serdes.ts';
import type { Topology } from '../../src/streams/topology/topology.ts';
import { TimeWindows } from '../../src/streams/windows/time-windows.ts';
import { useStreamsTestBed, waitFor } from './streams-helpers.ts';

const S = Serdes.string();

function finalCounts(): Topology {
  const b = new StreamsBuilder();
  b.stream('events', Consumed.with(S, S))
    .groupByKey(Grouped.with(S, S))
    .windowedBy(TimeWindows.ofSizeWithNoGrace(10))
    .emitStrategy(EmitStrategy.onWindowClose({ emitIntervalMs: 0 })) // the runtime's default is 1000 ms
    .count(Materialized.as<string, number>('final-counts').withRetention(100_000))
    .toStream()
    .map((k, v): [string, number] => [`${k.key}@${k.window.start}`, v])
    .to('finals', Produced.with(S, Serdes.int64()));
  return b.build();
}

describe('emit on window close across a restart', () => {
  const bed = useStreamsTestBed('eowc-restart');

  it('windows emitted before the restart are not emitted again (KStreamWindowAggregateTest.shouldEmitFromLastEmitTime)', async () => {
    await bed.io.createTopic('events', 1);
    await bed.io.createTopic('finals', 1);
    const finals = async () => (await bed.io.readAll('finals')).map((r) => `${r.key!.toString()}=${r.value!.readBigInt64BE(0)}`);

    await bed.io.produce('events', [
      { key: 'a', value: '1', timestamp: 1 },
      { key: 'a', value: '2', timestamp: 5 },
      { key: 'b', value: '3', timestamp: 12 },
    ]);
    const first = bed.app(finalCounts());
    await first.start();
    await waitFor(async () => (await finals()).length === 1, 'the first window to close');
    // Let a commit carry the emit time (commitIntervalMs 100), then stop cleanly (it commits too).
    await first.close();
    expect(await finals()).toEqual(['a@0=2']);

    const second = bed.app(finalCounts());
    await second.start();
    await bed.io.produce('events', [{ key: 'c', value: '4', timestamp: 25 }]);
    await waitFor(async () => (await finals()).length >= 2, 'the second window to close');
    // A sentinel after the window that closes at 30, so anything emitted at 25 is out by then.
    await bed.io.produce('events', [{ key: 'd', value: '5', timestamp: 31 }]);
    await waitFor(async () => (await finals()).includes('c@20=1'), 'the third window to close');
    expect(await finals()).toEqual(['a@0=2', 'b@10=1', 'c@20=1']);
  }, 60_000);
});
