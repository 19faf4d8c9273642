import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DeserializationHandlers } from '../../../../src/streams/errors/deserialization-handler.ts';
import { GlobalStateManager } from '../../../../src/streams/runtime/global/global-state-manager.ts';
import { Serdes } from '../../../../src/streams/serde/serdes.ts';
import { Stores } from '../../../../src/streams/state/stores.ts';
import type { KeyValueStore } from '../../../../src/streams/state/store-types.ts';
import type { TaskConfig } from '../../../../src/streams/task/stream-task.ts';
import { Topology } from '../../../../src/streams/topology/topology.ts';

const S = Serdes.string();
const silent = { warn: () => {}, error: () => {} };

/** Two global stores: "disk" (LevelDB) fed by topic-a, "mem" (in memory) fed by topic-b. */
function topology(): Topology {
  const t = new Topology();
  for (const [store, topic, persistent] of [['disk', 'topic-a', true], ['mem', 'topic-b', false]] as const) {
    const supplier = persistent ? Stores.persistentKeyValueStore(store) : Stores.inMemoryKeyValueStore(store);
    t.addGlobalStore(
      Stores.keyValueStoreBuilder(supplier, S, S).withLoggingDisabled(),
      `${store}-source`,
      topic,
      `${store}-updater`,
      () => {
        let kv: KeyValueStore<string, string>;
        return {
          init: (ctx) => void (kv = ctx.getStateStore(store)),
          process: (r) => kv.put(r.key as string, r.value as string),
        };
      },
      { keyDeserializer: S, valueDeserializer: S },
    );
  }
  return t;
}

const rec = (topic: string, offset: number, key: string, value: string) => ({ topic, partition: 0, offset, timestamp: 1000 + offset, key: Buffer.from(key), value: Buffer.from(value), headers: {} });

describe('GlobalStateManager', () => {
  let dir: string;
  let config: TaskConfig;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tributary-global-'));
    config = { applicationId: 'app', stateDir: dir, defaultKeySerde: undefined, defaultValueSerde: undefined, deserializationHandler: DeserializationHandlers.logAndFail(silent), defaultStoreType: 'leveldb', cacheMaxBytes: 0, logger: silent };
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const ranges = (latestA: number, latestB: number) => [
    { topic: 'topic-a', partition: 0, earliest: 0, latest: latestA },
    { topic: 'topic-b', partition: 0, earliest: 0, latest: latestB },
  ];
  const get = (m: GlobalStateManager, store: string, key: string) => (m.store(store) as KeyValueStore<string, string>).get(key);

  it('applies records through the store processors, checkpoints persistent stores only, and resumes from the checkpoint', async () => {
    const m = new GlobalStateManager(topology(), config, join(dir, 'app'));
    expect(m.topics()).toEqual(['topic-a', 'topic-b']);
    await m.open();
    expect(m.startOffsets(ranges(0, 0)).offsets).toEqual(new Map([['topic-a\u00000', undefined], ['topic-b\u00000', undefined]]));
    m.apply('topic-a', 0, [rec('topic-a', 0, 'k', 'v0'), rec('topic-a', 1, 'k', 'v1'), rec('topic-a', 2, 'j', 'w')]);
    m.apply('topic-b', 0, [rec('topic-b', 0, 'm', 'x')]);
    // Re-delivered records (below the position) are not applied again.
    m.apply('topic-a', 0, [rec('topic-a', 1, 'k', 'stale')]);
    expect(get(m, 'disk', 'k')).toBe('v1');
    expect(m.appliedRecords).toBe(4);
    // The consumer moved past a control record at offset 3.
    m.advanceTo('topic-a', 0, 4);
    await m.checkpoint();
    await m.close();

    const again = new GlobalStateManager(topology(), config, join(dir, 'app'));
    await again.open();
    const plan = again.startOffsets(ranges(4, 1));
    // topic-b feeds an in-memory store: never checkpointed, always read from the start.
    expect(plan).toEqual({ offsets: new Map([['topic-a\u00000', 4], ['topic-b\u00000', undefined]]), outOfRange: [], problem: undefined });
    expect(get(again, 'disk', 'k')).toBe('v1');
    expect(get(again, 'disk', 'j')).toBe('w');
    expect(get(again, 'mem', 'm')).toBeUndefined();
    await again.close();
  });

  it('reports a checkpoint outside the log (topic recreated or truncated), and wipe() starts from empty', async () => {
    const m = new GlobalStateManager(topology(), config, join(dir, 'app'));
    await m.open();
    m.startOffsets(ranges(0, 0));
    m.apply('topic-a', 0, [rec('topic-a', 0, 'k', 'v'), rec('topic-a', 1, 'k', 'v2')]);
    await m.checkpoint();
    await m.close();

    await m.open();
    const plan = m.startOffsets(ranges(1, 0));
    expect(plan.outOfRange).toEqual(['topic-a-0 (checkpoint 2, log [0, 1])']);
    await m.wipe();
    await m.open();
    expect(get(m, 'disk', 'k')).toBeUndefined();
    expect(m.startOffsets(ranges(1, 0)).offsets.get('topic-a\u00000')).toBeUndefined();
    await m.close();
  });

  it('names the topic when records arrive for a topic no global store reads', async () => {
    const m = new GlobalStateManager(topology(), config, join(dir, 'app'));
    await m.open();
    expect(() => m.apply('elsewhere', 0, [rec('elsewhere', 0, 'k', 'v')])).toThrow(/topic "elsewhere", which no global store reads \(global topics: topic-a, topic-b\)/);
    await m.close();
  });
});
