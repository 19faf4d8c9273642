// Custom clients with several stream threads (Kafka's KafkaClientSupplier): a client supplier
// module (client-supplier-module.ts) that thread 1 and each worker import and call for their own
// clients; the word count of threads-topology.ts is exact with 2 threads on those clients.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { KafkaStreams } from '../../src/streams/runtime/kafka-streams.ts';
import { LOG_ENV } from './client-supplier-module.ts';
import { INPUT, OUTPUT } from './threads-topology.ts';
import { lastValues, useStreamsTestBed, waitFor } from './streams-helpers.ts';

const WAIT_MS = 90_000;

describe('a client supplier module with several stream threads', () => {
  const bed = useStreamsTestBed('threads-clients');
  const apps: KafkaStreams[] = [];
  afterEach(async () => {
    for (const a of apps.splice(0)) await a.close();
    delete process.env[LOG_ENV];
  });

  it('builds every thread\'s clients with the module, on the main thread and in the worker', async () => {
    await bed.io.createTopic(INPUT, 4);
    await bed.io.createTopic(OUTPUT, 4);
    const log = join(bed.dir, 'supplier.log');
    process.env[LOG_ENV] = log;
    const a = await KafkaStreams.fromModule(new URL('./threads-topology.ts', import.meta.url), {
      applicationId: 'threads-clients',
      bootstrapServers: bed.broker.bootstrap,
      stateDir: bed.dir,
      numStreamThreads: 2,
      commitIntervalMs: 100,
      cacheMaxBytes: 0,
      sessionTimeoutMs: 6000,
      heartbeatIntervalMs: 300,
      logger: { warn: () => {}, error: (m: string) => process.stderr.write(`${m}\n`) },
    }, { clientSupplier: new URL('./client-supplier-module.ts', import.meta.url) });
    apps.push(a);
    await a.start();
    await waitFor(() => a.state === 'RUNNING' && a.localTasks().active.length === 4, 'RUNNING with 2 threads', WAIT_MS);
    const words = ['ant', 'bee', 'cat', 'dog', 'eel', 'fox'];
    await bed.io.produce(INPUT, words.flatMap((w) => [1, 2, 3].map((i) => ({ key: w, value: 'x', timestamp: i }))));
    await waitFor(async () => {
      const got = lastValues(await bed.io.readAll(OUTPUT), (b) => Number(b.toString()));
      return words.every((w) => got.get(w) === 3);
    }, 'exact counts', WAIT_MS);
    const callers = new Set(readFileSync(log, 'utf8').trim().split('\n').map((l) => l.split(' ')[0]));
    expect(callers).toEqual(new Set(['main', 'worker']));
  }, 180_000);
});
