// Faults over TCP: a broker that is not there when the application starts is retried with backoff
// — the state stays REBALANCING (never ERROR, no crash) — and the application runs once the broker
// comes up on that address; a broker that goes away and comes back is survived the same way.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { INPUT_TOPIC, OUTPUT_TOPIC, buildTopology } from '../../examples/word-count/topology.ts';
import { StreamsBuilder } from '../../src/streams/dsl/streams-builder.ts';
import { KafkaStreams } from '../../src/streams/runtime/kafka-streams.ts';
import type { StreamsState } from '../../src/streams/runtime/streams-state.ts';
import { startTestBroker, type TestBroker } from '../../src/testing/broker-harness.ts';
import { StreamsIo, freePort, int64, lastValues, waitFor } from './streams-helpers.ts';

describe('streams runtime faults (bundled broker over TCP)', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it('waits for a broker that is down at start, then runs; survives the broker restarting', async () => {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'tributary-faults-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const b = new StreamsBuilder();
    buildTopology(b);
    const warnings: string[] = [];
    const streams = new KafkaStreams(b.build(), {
      applicationId: 'faults-app',
      bootstrapServers: `127.0.0.1:${port}`,
      stateDir: join(dir, 'state'),
      commitIntervalMs: 100,
      cacheMaxBytes: 0,
      sessionTimeoutMs: 6000,
      heartbeatIntervalMs: 500,
      retryBackoffMs: 200,
      retryBackoffMaxMs: 1000,
      logger: { warn: (m) => warnings.push(m), error: (m) => warnings.push(m) },
    });
    cleanups.push(async () => {
      await streams.close({ timeoutMs: 20_000 });
    });
    const states: StreamsState[] = [];
    streams.onStateChange((s) => states.push(s));
    await streams.start();
    await waitFor(() => warnings.some((w) => /retrying in \d+ ms/.test(w)), () => `a retry warning; got ${warnings.join('\n')}`, 40_000);
    expect(streams.state).toBe('REBALANCING');

    let broker: TestBroker = await startTestBroker({ port, dataDir: join(dir, 'broker') });
    cleanups.push(() => broker.stop());
    const io = new StreamsIo(broker.bootstrap);
    cleanups.push(() => io.close());
    await io.createTopic(INPUT_TOPIC, 2);
    await io.createTopic(OUTPUT_TOPIC, 2);
    await io.produce(INPUT_TOPIC, [{ key: null, value: 'up down up', timestamp: 1 }]);
    await waitFor(async () => lastValues(await io.readAll(OUTPUT_TOPIC), int64).get('up') === 2n, () => `processing after the broker came up (${streams.state})`, 45_000);
    expect(streams.state).toBe('RUNNING');

    // The broker goes away (clean stop keeps its data), then comes back on the same address.
    io.close();
    await broker.stop();
    await waitFor(() => streams.state === 'REBALANCING', 'REBALANCING while the broker is gone', 45_000);
    broker = await startTestBroker({ port, dataDir: join(dir, 'broker') });
    const io2 = new StreamsIo(broker.bootstrap);
    cleanups.push(() => io2.close());
    await io2.produce(INPUT_TOPIC, [{ key: null, value: 'up', timestamp: 2 }]);
    // At-least-once: input processed but not yet committed when the broker went away is processed
    // again (the count may pass 3); nothing is lost.
    await waitFor(async () => (lastValues(await io2.readAll(OUTPUT_TOPIC), int64).get('up') ?? 0n) >= 3n, () => `processing after the broker came back (${streams.state}, processed ${streams.processedRecords}, tasks ${JSON.stringify(streams.localTasks())})\n${warnings.slice(-8).join("\n")}`, 45_000);
    expect(states).not.toContain('ERROR');
  }, 120_000);
});
