/*
 * The stream thread and the producer's send buffer (bufferMemory): while the producer reports no
 * room, the thread processes nothing more (as a Kafka Streams thread blocked in send() at
 * buffer.memory); once there is room it goes on, and every record is processed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { INPUT_TOPIC, OUTPUT_TOPIC, buildTopology } from '../../../examples/word-count/topology.ts';
import { StreamsBuilder } from '../../../src/streams/dsl/streams-builder.ts';
import { KafkaStreams } from '../../../src/streams/runtime/kafka-streams.ts';
import { FakeCluster } from './fake-cluster.ts';

const APP = 'room';

async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; !cond(); i++) {
    if (i > 2000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('StreamThread and the send buffer', () => {
  let dir = '';
  let cluster: FakeCluster;
  let app: KafkaStreams | undefined;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tributary-room-'));
    cluster = new FakeCluster();
    cluster.createTopic(INPUT_TOPIC, 1);
  });
  afterEach(async () => {
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('processes nothing more while the producer has no room, then counts every word once it has', async () => {
    const b = new StreamsBuilder();
    buildTopology(b);
    let makeRoom = (): void => {};
    cluster.room = new Promise<void>((r) => (makeRoom = r));
    for (let i = 0; i < 40; i++) cluster.append(INPUT_TOPIC, 0, null, Buffer.from(`w${i % 5}`), 1000 + i);
    app = new KafkaStreams(
      b.build(),
      { applicationId: APP, bootstrapServers: '127.0.0.1:1', stateDir: dir, commitIntervalMs: 1_000_000, pollMs: 5, maxRecordsPerIteration: 10, cacheMaxBytes: 0, logger: { warn: () => {}, error: () => {} } },
      { deps: ({ topology }) => cluster.deps(topology, APP) },
    );
    await app.start();
    await until(() => cluster.roomChecks > 0, 'the thread to find the buffer full');
    // Many loop turns' worth of time: a thread that did not wait would have processed all 40.
    await new Promise((r) => setTimeout(r, 200));
    expect(app.processedRecords).toBe(10);
    expect(cluster.roomChecks).toBe(1);
    cluster.room = undefined;
    makeRoom();
    const counts = (): Map<string, bigint> => new Map(cluster.read(OUTPUT_TOPIC).map((r) => [r.key!.toString(), r.value!.readBigInt64BE(0)]));
    await until(() => [...counts().values()].reduce((a, n) => a + n, 0n) === 40n, 'every word counted');
    expect(counts()).toEqual(new Map(['w0', 'w1', 'w2', 'w3', 'w4'].map((w) => [w, 8n])));
  });
});
