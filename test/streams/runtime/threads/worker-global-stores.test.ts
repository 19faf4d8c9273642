// A worker's replica of the global stores against an in-memory stand-in for the global topic:
// the worker's stream thread may start (onReady) only once the replica holds the whole topic as
// it was when bootstrapping began; the replica lives in global-<threadIndex>/ with its own
// checkpoint, never in the instance's global/; without global stores the thread starts at once.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AssignedPartition } from '../../../../src/client/types.ts';
import { Consumed } from '../../../../src/streams/dsl/options/consumed.ts';
import { Materialized } from '../../../../src/streams/dsl/options/materialized.ts';
import { StreamsBuilder } from '../../../../src/streams/dsl/streams-builder.ts';
import type { PortRecord, RuntimeDeps } from '../../../../src/streams/runtime/client-port.ts';
import { parseStreamsConfig } from '../../../../src/streams/runtime/streams-config.ts';
import { taskConfigOf } from '../../../../src/streams/runtime/threads/task-config.ts';
import { globalReplicaDirName, WorkerGlobalStores } from '../../../../src/streams/runtime/threads/worker-global-stores.ts';
import { Serdes } from '../../../../src/streams/serde/serdes.ts';
import type { KeyValueStore } from '../../../../src/streams/state/store-types.ts';
import type { ValueAndTimestamp } from '../../../../src/streams/state/value-and-timestamp.ts';
import { waitFor } from '../../../integration/streams-helpers.ts';

const N = 50;
/** Topic "table", one partition of N records; each poll hands out at most 7, so bootstrap takes several. */
function fakeDeps(): RuntimeDeps {
  const records: PortRecord[] = Array.from({ length: N }, (_, i) => ({ topic: 'table', partition: 0, offset: i, timestamp: i, key: Buffer.from(`k${i}`), value: Buffer.from(`v${i}`), headers: {} }));
  let position = 0;
  return {
    global: () => ({
      admin: () => ({
        connect: async () => {},
        disconnect: async () => {},
        describeTopics: async (topics: readonly string[]) => topics.map((topic) => ({ topic, partitions: 1 })),
        listOffsets: async (tps: ReadonlyArray<{ topic: string; partition: number }>, spec: string) => tps.map((tp) => ({ ...tp, offset: spec === 'earliest' ? 0 : N })),
      }),
      consumer: () => ({
        connect: async () => {},
        disconnect: async () => {},
        assign: async (tps: readonly AssignedPartition[]) => void (position = tps[0]?.offset ?? 0),
        position: () => position,
        poll: async () => {
          await new Promise((r) => setTimeout(r, 2));
          const batch = records.slice(position, position + 7);
          position += batch.length;
          return batch.length === 0 ? [] : [{ topic: 'table', partition: 0, records: batch }];
        },
      }),
    }),
  } as unknown as RuntimeDeps;
}

describe('WorkerGlobalStores (a worker thread\'s replica of the global stores)', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'tributary-worker-global-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function replica(withGlobal: boolean, threadIndex: number) {
    const b = new StreamsBuilder();
    if (withGlobal) b.globalTable('table', Consumed.with(Serdes.string(), Serdes.string()), Materialized.as('table-store'));
    b.stream('in').to('out');
    const config = parseStreamsConfig({ applicationId: 'app', bootstrapServers: 'h:1', stateDir: dir, pollMs: 10, commitIntervalMs: 20, cacheMaxBytes: 0 });
    const logger = { warn: () => {}, error: () => {} };
    const seen = { ready: 0, sizeAtReady: -1, fatal: [] as Error[] };
    let r: WorkerGlobalStores | undefined = undefined;
    const get = (k: string) => (r?.store('table-store') as KeyValueStore<string, ValueAndTimestamp<string>> | undefined)?.get(k)?.value;
    r = new WorkerGlobalStores(b.build(), config, taskConfigOf(config, logger, (n) => r?.store(n)), fakeDeps(), join(dir, 'app'), threadIndex, logger, {
      onReady: () => {
        seen.ready++;
        seen.sizeAtReady = Array.from({ length: N }, (_, i) => get(`k${i}`)).filter((v) => v !== undefined).length;
      },
      onRetry: () => {},
      onFatal: (e) => seen.fatal.push(e),
    });
    return { replica: r, seen, get };
  }

  it('is ready only once it holds the whole table, in its own directory', async () => {
    const { replica: r, seen, get } = replica(true, 3);
    expect(r.store('table-store')).toBeUndefined();
    r.start();
    await waitFor(() => seen.ready === 1, 'the replica to be ready');
    expect(seen.sizeAtReady).toBe(N);
    expect(get('k49')).toBe('v49');
    expect(r.bootstrapRecords).toBe(N);
    await r.stop();
    expect(seen.fatal).toEqual([]);
    expect(globalReplicaDirName(3)).toBe('global-3');
    expect(readFileSync(join(dir, 'app', 'global-3', '.checkpoint'), 'utf8')).toBe(`0\n1\ntable 0 ${N}\n`);
    expect(existsSync(join(dir, 'app', 'global'))).toBe(false);
  });

  it('is ready at once when the topology has no global stores', async () => {
    const { replica: r, seen } = replica(false, 2);
    r.start();
    expect(seen.ready).toBe(1);
    expect(r.store('table-store')).toBeUndefined();
    await r.stop();
    expect(existsSync(join(dir, 'app', 'global-2'))).toBe(false);
  });
});
