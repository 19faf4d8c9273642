// A RegExp (Pattern) source in the runtime, end to end on the bundled broker over TCP: the
// application reads every topic matching the pattern, and a matching topic created AFTER start
// is picked up at the next metadata refresh (metadataMaxAgeMs, Kafka's metadata.max.age.ms),
// joins the group's assignment and is processed; a topic that does not match is left alone.
import { describe, expect, it } from 'vitest';
import { Consumed } from '../../src/streams/dsl/options/consumed.ts';
import { Produced } from '../../src/streams/dsl/options/produced.ts';
import { StreamsBuilder } from '../../src/streams/dsl/streams-builder.ts';
import { Serdes } from '../../src/streams/serde/serdes.ts';
import type { Topology } from '../../src/streams/topology/topology.ts';
import { useStreamsTestBed, waitFor } from './streams-helpers.ts';

function shout(): Topology {
  const b = new StreamsBuilder();
  b.stream(/^events-/, Consumed.with(Serdes.string(), Serdes.string()))
    .mapValues((v) => v.toUpperCase())
    .to('shouted', Produced.with(Serdes.string(), Serdes.string()));
  return b.build();
}

describe('RegExp sources in the runtime (bundled broker over TCP)', () => {
  const bed = useStreamsTestBed('it-pattern');

  it('reads every matching topic, including one created after start', async () => {
    const { io } = bed;
    await io.createTopic('events-a', 2);
    await io.createTopic('shouted', 1);
    await io.createTopic('other', 1);
    await io.produce('events-a', [
      { key: 'a1', value: 'one', timestamp: 1000 },
      { key: 'a2', value: 'two', timestamp: 1001 },
    ]);
    await io.produce('other', [{ key: 'x', value: 'not me', timestamp: 1002 }]);
    const app = bed.app(shout(), { metadataMaxAgeMs: 300 });
    await app.start();
    const values = async () => (await io.readAll('shouted')).map((r) => r.value!.toString()).sort();
    await waitFor(async () => (await values()).length >= 2, 'the records of events-a');

    // Created after the application started: found by the pattern refresh, then processed.
    await io.createTopic('events-b', 3);
    await io.produce('events-b', [
      { key: 'b1', value: 'three', partition: 0, timestamp: 2000 },
      { key: 'b2', value: 'four', partition: 2, timestamp: 2001 },
    ]);
    await waitFor(async () => (await values()).length >= 4, 'the records of events-b');
    expect(await values()).toEqual(['FOUR', 'ONE', 'THREE', 'TWO']);
    // Task 0_2 exists only because events-b has a third partition.
    await waitFor(() => app.localTasks().active.includes('0_2'), () => `task 0_2 among ${app.localTasks().active.join(', ')}`);
    expect(app.localTasks().active.sort()).toEqual(['0_0', '0_1', '0_2']);
  }, 60_000);
});
