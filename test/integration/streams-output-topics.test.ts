// Output topics behave as with Kafka's producer (max.block.ms), on the bundled broker over TCP:
// on a broker that auto-creates topics, writing to an output topic that does not exist creates
// it; on one that does not, the instance stops with an error naming the topic once maxBlockMs
// has passed, instead of retrying for ever.
import { describe, expect, it } from 'vitest';
import { Consumed } from '../../src/streams/dsl/options/consumed.ts';
import { Produced } from '../../src/streams/dsl/options/produced.ts';
import { StreamsBuilder } from '../../src/streams/dsl/streams-builder.ts';
import { Serdes } from '../../src/streams/serde/serdes.ts';
import type { Topology } from '../../src/streams/topology/topology.ts';
import { useStreamsTestBed, waitFor } from './streams-helpers.ts';

function copyTo(output: string): Topology {
  const b = new StreamsBuilder();
  b.stream('input', Consumed.with(Serdes.string(), Serdes.string())).to(output, Produced.with(Serdes.string(), Serdes.string()));
  return b.build();
}

const input = [
  { key: 'k1', value: 'v1', timestamp: 1000 },
  { key: 'k2', value: 'v2', timestamp: 1001 },
];

describe('output topics on a broker that auto-creates topics', () => {
  const bed = useStreamsTestBed('it-output-auto', { autoCreateTopics: true });

  it('a new output topic is created by the first write', async () => {
    await bed.io.createTopic('input', 1);
    await bed.io.produce('input', input);
    const app = bed.app(copyTo('created-on-write'));
    await app.start();
    await waitFor(async () => (await bed.io.readAll('created-on-write')).length === 2, 'the records in the auto-created topic');
    expect((await bed.io.readAll('created-on-write')).map((r) => r.value!.toString())).toEqual(['v1', 'v2']);
    expect(app.state).toBe('RUNNING');
  }, 60_000);
});

describe('output topics on a broker that does not create topics', () => {
  const bed = useStreamsTestBed('it-output-strict', { autoCreateTopics: false });

  it('a missing output topic stops the instance after maxBlockMs with an error naming it', async () => {
    await bed.io.createTopic('input', 1);
    await bed.io.produce('input', input);
    const app = bed.app(copyTo('never-created'), { maxBlockMs: 500 });
    const errors: Error[] = [];
    app.setUncaughtExceptionHandler((e) => {
      errors.push(e);
      return 'SHUTDOWN_CLIENT';
    });
    await app.start();
    await waitFor(() => app.state === 'ERROR', () => `state ERROR; got ${app.state}`);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toMatch(/"never-created"/);
    expect(errors[0]!.message).toMatch(/create it, or enable the broker's topic auto-creation/);
  }, 60_000);
});
