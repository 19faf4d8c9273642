// IQv2 positions per store (Kafka's stores call StoreQueryUtils.updatePosition on each accepted
// write; RocksDBStoreTest / InMemoryKeyValueStoreTest "shouldHandlePosition…" cases, the
// ChangeLogging*StoreTest consistency-header cases, and the `.position` checkpoint of
// RocksDBStore) through a real StreamTask: one processor writes a key-value, a window, a session
// and a versioned store depending on the record, so each store's position must be the offset of
// the last record that wrote IT.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DeserializationHandlers } from '../../../src/streams/errors/deserialization-handler.ts';
import { consistencyHeaders, deserializePosition } from '../../../src/streams/iq/v2/position-serde.ts';
import { Position } from '../../../src/streams/iq/v2/position.ts';
import { PunctuationType, type ProcessorContext } from '../../../src/streams/processor/processor-context.ts';
import { Serdes } from '../../../src/streams/serde/serdes.ts';
import type { CollectedRecord, KeyValueStore } from '../../../src/streams/state/store-types.ts';
import { Stores } from '../../../src/streams/state/stores.ts';
import type { VersionedKeyValueStore } from '../../../src/streams/state/versioned/versioned-record.ts';
import type { SessionStore, WindowStore } from '../../../src/streams/state/window/window-store-types.ts';
import { WindowStores } from '../../../src/streams/state/window/window-stores.ts';
import { StreamTask, type TaskConfig } from '../../../src/streams/task/stream-task.ts';
import { Topology } from '../../../src/streams/topology/topology.ts';

const S = Serdes.string();
const silent = { warn: () => {}, error: () => {} };
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function config(extra: Partial<TaskConfig> = {}): TaskConfig {
  const stateDir = mkdtempSync(join(tmpdir(), 'tributary-positions-'));
  dirs.push(stateDir);
  return { applicationId: 'app', stateDir, defaultKeySerde: S as never, defaultValueSerde: S as never, deserializationHandler: DeserializationHandlers.logAndFail(silent), defaultStoreType: 'memory', cacheMaxBytes: 0, logger: silent, ...extra };
}

/** value "kv|win|ses|ver" (any subset, "|"-separated) names the stores the record writes; "punct" registers nothing. */
function topology(persistentKv = false): Topology {
  return new Topology()
    .addSource('src', 'in')
    .addProcessor(
      'p',
      () => {
        let ctx!: ProcessorContext<never, never>;
        return {
          init(c: ProcessorContext<never, never>) {
            ctx = c;
            // A punctuation's write has no record metadata: it must not move the position (as Kafka).
            c.schedule(1000, PunctuationType.STREAM_TIME, () => c.getStateStore<KeyValueStore<string, string>>('kv').put('punctuated', 'p'));
          },
          process(r: { key: string; value: string; timestamp: number }) {
            const want = new Set(r.value.split('|'));
            if (want.has('kv')) ctx.getStateStore<KeyValueStore<string, string>>('kv').put(r.key, r.value);
            if (want.has('win')) ctx.getStateStore<WindowStore<string, string>>('win').put(r.key, r.value, r.timestamp);
            if (want.has('ses')) ctx.getStateStore<SessionStore<string, string>>('ses').put({ key: r.key, window: { start: r.timestamp, end: r.timestamp } }, r.value);
            if (want.has('ver')) ctx.getStateStore<VersionedKeyValueStore<string, string>>('ver').put(r.key, r.value, r.timestamp);
          },
        };
      },
      'src',
    )
    .addStateStore(Stores.keyValueStoreBuilder(persistentKv ? Stores.persistentKeyValueStore('kv') : Stores.inMemoryKeyValueStore('kv'), S, S), 'p')
    .addStateStore(WindowStores.windowStoreBuilder(WindowStores.inMemoryWindowStore('win', { retentionMs: 1000, windowSizeMs: 100 }), S, S), 'p')
    .addStateStore(WindowStores.sessionStoreBuilder(WindowStores.inMemorySessionStore('ses', 1000), S, S), 'p')
    .addStateStore(Stores.versionedKeyValueStoreBuilder(Stores.inMemoryVersionedKeyValueStore('ver', 1000), S, S), 'p');
}

function harness(t: Topology, cfg: TaskConfig) {
  const changelog: CollectedRecord[] = [];
  const task = new StreamTask(t, t.subtopologies()[0]!, 2, cfg, { send: () => {}, changelog: { send: (r) => changelog.push(r) }, now: () => 0 });
  const pipe = (offset: number, value: string, timestamp: number) => {
    task.addRecords([{ topic: 'in', partition: 2, offset, timestamp, key: Buffer.from('k'), value: Buffer.from(value), headers: {} }]);
    while (task.process());
  };
  const pos = (store: string) => task.storePosition(store)!.getPartitionPositions('in').get(2);
  return { task, changelog, pipe, pos };
}

describe('store positions', () => {
  it("each store kind's position is the offset of the last record that wrote that store", async () => {
    const { task, pipe, pos } = harness(topology(), config());
    await task.initialize();
    for (const s of ['kv', 'win', 'ses', 'ver']) expect(task.storePosition(s)!.isEmpty()).toBe(true);
    pipe(10, 'kv|win|ses|ver', 100);
    pipe(11, 'kv', 200);
    pipe(12, 'win', 300);
    pipe(13, 'ses|kv', 400);
    expect([pos('kv'), pos('win'), pos('ses'), pos('ver')]).toEqual([13, 12, 13, 10]);
    expect(task.storePosition('nope')).toBeUndefined();
    await task.close();
  });

  it('a punctuation write leaves the position alone; an expired window or versioned put does not move it (Kafka updates on accepted writes)', async () => {
    const { task, pipe, pos } = harness(topology(), config());
    await task.initialize();
    pipe(0, 'kv|win|ver', 5000);
    pipe(1, 'win|ver', 1); // older than retention / history (1000 ms) behind stream time 5000: dropped
    expect([pos('win'), pos('ver')]).toEqual([0, 0]);
    pipe(2, 'none', 7000); // stream time 7000 fires the punctuation, which writes kv
    expect((task.store('kv') as unknown as KeyValueStore<string, string>).get('punctuated')).toBe('p');
    expect(pos('kv')).toBe(0);
    await task.close();
  });

  it('without the consistency config changelog records carry no headers; with it they carry "v" = 0 and the position including the record itself', async () => {
    const off = harness(topology(), config());
    await off.task.initialize();
    off.pipe(0, 'kv|win|ses|ver', 100);
    expect(new Set(off.changelog.map((r) => r.topic))).toEqual(new Set(['app-kv-changelog', 'app-win-changelog', 'app-ses-changelog', 'app-ver-changelog']));
    for (const r of off.changelog) expect(r.headers).toBeUndefined();
    await off.task.close();

    const on = harness(topology(), config({ iqConsistencyOffsetVectorEnabled: true }));
    await on.task.initialize();
    on.pipe(0, 'kv|win|ses|ver', 100);
    const first = on.changelog.length;
    on.pipe(1, 'kv', 200);
    const offsetIn = (r: CollectedRecord) => {
      expect(r.headers!.v).toEqual(Buffer.from([0]));
      return deserializePosition(r.headers!.c!).getPartitionPositions('in').get(2);
    };
    expect(new Set(on.changelog.slice(0, first).map((r) => r.topic)).size).toBe(4);
    expect(on.changelog.slice(0, first).map(offsetIn)).toEqual(Array(first).fill(0));
    expect(on.changelog.slice(first).map((r) => [r.topic, offsetIn(r)])).toEqual([['app-kv-changelog', 1]]);
    await on.task.close();
  });

  it('a cache flush gives the downstream store the flushing store’s position (Kafka replays each flushed entry in its record context)', async () => {
    const t = new Topology()
      .addSource('src', 'in')
      .addProcessor('up', () => {
        let ctx!: ProcessorContext<string, string>;
        return {
          init(c: ProcessorContext<string, string>) {
            ctx = c;
            const up = c.getStateStore<KeyValueStore<string, string>>('up') as KeyValueStore<string, string> & { setFlushListener(l: (k: string, v: string | null) => void, old: boolean): boolean };
            up.setFlushListener((k, v) => ctx.forward({ key: k, value: v ?? '', timestamp: 0, headers: {} } as never), false);
          },
          process(r: { key: string; value: string }) {
            ctx.getStateStore<KeyValueStore<string, string>>('up').put(r.key, r.value);
          },
        };
      }, 'src')
      .addProcessor('down', () => {
        let ctx!: ProcessorContext<never, never>;
        return {
          init(c: ProcessorContext<never, never>) {
            ctx = c;
          },
          process(r: { key: string; value: string }) {
            ctx.getStateStore<KeyValueStore<string, string>>('down').put(r.key, r.value);
          },
        };
      }, 'up')
      .addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore('up'), S, S).withCachingEnabled(), 'up')
      .addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore('down'), S, S), 'down');
    const { task, pipe, pos } = harness(t, config({ cacheMaxBytes: 1 << 20 }));
    await task.initialize();
    pipe(4, 'a', 1);
    pipe(5, 'b', 2);
    expect(pos('up')).toBe(5);
    expect(task.storePosition('down')!.isEmpty()).toBe(true); // nothing flushed yet
    task.flushCaches();
    expect(pos('down')).toBe(5);
    await task.close();
  });

  it('a persistent store checkpoints its position at commit and a new task reads it before any record (RocksDBStore .position)', async () => {
    const cfg = config();
    const first = harness(topology(true), cfg);
    await first.task.initialize();
    first.pipe(41, 'kv|win', 100);
    await first.task.commit();
    const file = join(cfg.stateDir, 'app', '0_2', 'kv.position');
    expect(readFileSync(file, 'utf8')).toBe('0\n1\nin 2 41\n');
    await first.task.close();

    const second = harness(topology(true), cfg);
    await second.task.initialize();
    expect(second.pos('kv')).toBe(41);
    expect(second.task.storePosition('win')!.isEmpty()).toBe(true); // in memory: nothing kept
    await second.task.close();
  });

  it('restored changelog headers merge into the position once applied; records without them change nothing', async () => {
    const { task } = harness(topology(), config({ iqConsistencyOffsetVectorEnabled: true }));
    await task.initialize();
    const hook = task.positions.restoredHook('kv')!;
    hook([
      { key: Buffer.from('a'), value: null, offset: 0 },
      { key: Buffer.from('b'), value: null, offset: 1, headers: consistencyHeaders(Position.emptyPosition().withComponent('in', 2, 7).withComponent('other', 0, 3)) },
      { key: Buffer.from('c'), value: null, offset: 2, headers: consistencyHeaders(Position.emptyPosition().withComponent('in', 2, 5)) },
    ]);
    expect(task.storePosition('kv')!.toString()).toBe('Position{position={in={2=7}, other={0=3}}}');
    expect(() => hook([{ key: Buffer.from('d'), value: null, offset: 3, headers: { v: Buffer.from([0]) } }])).toThrow(/without consistency information/);
    await task.close();
    const off = harness(topology(), config());
    await off.task.initialize();
    expect(off.task.positions.restoredHook('kv')).toBeUndefined();
    await off.task.close();
  });
});
