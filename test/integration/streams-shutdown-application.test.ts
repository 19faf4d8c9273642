// SHUTDOWN_APPLICATION from the uncaught-exception handler (KIP-671), on the bundled broker over
// TCP: two instances of one application share its tasks; a record that makes a processor throw
// on one of them stops BOTH — the request travels through the group (errorCode
// SHUTDOWN_REQUESTED in the assignor's subscription, answered in every member's assignment) and
// each instance goes PENDING_ERROR → ERROR, as Kafka Streams does.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Consumed } from '../../src/streams/dsl/options/consumed.ts';
import { Produced } from '../../src/streams/dsl/options/produced.ts';
import { StreamsBuilder } from '../../src/streams/dsl/streams-builder.ts';
import { StreamThreadExceptionResponse, type KafkaStreams } from '../../src/streams/runtime/kafka-streams.ts';
import type { StreamsState } from '../../src/streams/runtime/streams-state.ts';
import { Serdes } from '../../src/streams/serde/serdes.ts';
import type { Topology } from '../../src/streams/topology/topology.ts';
import { useStreamsTestBed, waitFor } from './streams-helpers.ts';

function failsOnPoison(): Topology {
  const b = new StreamsBuilder();
  b.stream('input', Consumed.with(Serdes.string(), Serdes.string()))
    .mapValues((v) => {
      if (v === 'poison') throw new Error('cannot process a poison record');
      return v;
    })
    .to('output', Produced.with(Serdes.string(), Serdes.string()));
  return b.build();
}

describe('SHUTDOWN_APPLICATION (bundled broker over TCP)', () => {
  const bed = useStreamsTestBed('it-shutdown-app');

  it('a processing error on one instance stops every instance of the application', async () => {
    const { io } = bed;
    await io.createTopic('input', 2);
    await io.createTopic('output', 2);
    const instances: Array<{ app: KafkaStreams; states: StreamsState[]; errors: string[] }> = [];
    for (const name of ['a', 'b']) {
      const app = bed.app(failsOnPoison(), { stateDir: join(bed.dir, name) });
      const entry = { app, states: [] as StreamsState[], errors: [] as string[] };
      app.onStateChange((s) => entry.states.push(s));
      app.setUncaughtExceptionHandler((e) => {
        entry.errors.push(e.message);
        return StreamThreadExceptionResponse.SHUTDOWN_APPLICATION;
      });
      await app.start();
      instances.push(entry);
    }
    const [a, b] = instances as [(typeof instances)[0], (typeof instances)[0]];
    await waitFor(
      () => instances.every((i) => i.app.state === 'RUNNING' && i.app.localTasks().active.length === 1),
      () => `both instances RUNNING with one task each; got ${instances.map((i) => `${i.app.state} [${i.app.localTasks().active.join(',')}]`).join(' / ')}`,
    );
    await io.produce('input', [
      { key: 'k0', value: 'fine', partition: 0, timestamp: 1000 },
      { key: 'k1', value: 'fine', partition: 1, timestamp: 1001 },
    ]);
    await waitFor(async () => (await io.readAll('output')).length === 2, 'the two good records processed');

    await io.produce('input', [{ key: 'k0', value: 'poison', partition: 0, timestamp: 2000 }]);
    await waitFor(() => instances.every((i) => i.app.state === 'ERROR'), () => `both instances in ERROR; got ${instances.map((i) => i.app.state).join(' / ')}`);
    for (const i of instances) expect(i.states.slice(-2)).toEqual(['PENDING_ERROR', 'ERROR']);
    // Exactly one instance owned partition 0 and saw the poison record; the other was stopped through the group.
    const failed = instances.filter((i) => i.errors.length > 0);
    expect(failed).toHaveLength(1);
    expect(failed[0]!.errors[0]).toMatch(/poison/);
    expect([a, b].filter((i) => i.errors.length === 0)).toHaveLength(1);
  }, 60_000);
});
