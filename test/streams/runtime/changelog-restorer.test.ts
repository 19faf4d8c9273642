// The restorer's bulk path (changelog-restorer.ts, step 4): changelog records collected across
// polls into chunks, written without blocking the polls, one chunk in flight per store. What a user
// sees: the restored state equals the changelog's last value per key, the store knows the exact
// end offset, and a store write that fails fails the restore without leaving writes behind it.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { ChangelogRestorer, type RestorableStore } from '../../../src/streams/runtime/changelog-restorer.ts';
import type { RestoreRecord } from '../../../src/streams/state/bytes-store.ts';
import { InMemoryKeyValueStore } from '../../../src/streams/state/in-memory-key-value-store.ts';
import { LevelDbKeyValueStore } from '../../../src/streams/state/leveldb-key-value-store.ts';
import type { CollectedRecord } from '../../../src/streams/state/store-types.ts';
import { makeContext } from '../state/store-suite.ts';
import { FakeCluster } from './fake-cluster.ts';

const silent = { warn: () => {}, error: () => {} };
const dirs: string[] = [];
const stores: RestorableStore[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** The fake cluster's clients, with polls capped at `perPoll` records (a broker's fetch size). */
function clients(cluster: FakeCluster, perPoll: number) {
  const deps = cluster.deps(undefined as never, 'app');
  const consumer = deps.assignedConsumer();
  return {
    admin: deps.admin(),
    consumer: { ...consumer, poll: (max: number, ms: number) => consumer.poll(Math.min(max, perPoll), ms) },
  };
}

/** Counts the chunks a store is handed and how many are being written at once. */
function observed(store: RestorableStore, failAtChunk?: number) {
  const seen = { chunks: 0, writing: 0, maxWriting: 0 };
  const restore = store.restore.bind(store);
  store.restore = async (records: ReadonlyArray<RestoreRecord>) => {
    const n = ++seen.chunks;
    seen.writing++;
    seen.maxWriting = Math.max(seen.maxWriting, seen.writing);
    try {
      await new Promise((r) => setTimeout(r, 1));
      if (n === failAtChunk) throw new Error(`disk full at chunk ${n}`);
      await restore(records);
    } finally {
      seen.writing--;
    }
  };
  return seen;
}

async function open(kind: 'leveldb' | 'memory'): Promise<RestorableStore> {
  const dir = mkdtempSync(join(tmpdir(), 'tributary-restorer-'));
  dirs.push(dir);
  const store = kind === 'leveldb' ? new LevelDbKeyValueStore('s') : new InMemoryKeyValueStore('s');
  await store.init(makeContext(dir, [] as CollectedRecord[], new Map(), { now: 0 }));
  stores.push(store as RestorableStore);
  return store as RestorableStore;
}

const key = (k: number) => Buffer.from(`k${k}`);

describe('ChangelogRestorer bulk restore', () => {
  for (const kind of ['leveldb', 'memory'] as const) {
    it(`${kind}: restores the last value per key in chunks and records the changelog end`, async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.tuple(fc.integer({ min: 0, max: 30 }), fc.option(fc.string({ maxLength: 6 }), { freq: 5 })), { minLength: 1, maxLength: 400 }),
          fc.integer({ min: 1, max: 60 }),
          fc.integer({ min: 1, max: 50 }),
          async (updates, bulkRecords, perPoll) => {
            const cluster = new FakeCluster();
            const model = new Map<string, string>();
            for (const [k, v] of updates) {
              cluster.append('app-s-changelog', 0, key(k), v === null ? null : Buffer.from(v), 1);
              if (v === null) model.delete(`k${k}`);
              else model.set(`k${k}`, v);
            }
            const store = await open(kind);
            const seen = observed(store);
            const { admin, consumer } = clients(cluster, perPoll);
            const restorer = new ChangelogRestorer(admin, consumer, silent, { bulkRecords, bulkBytes: 1 << 20 });
            const read = await restorer.restore([{ store, topic: 'app-s-changelog', partition: 0 }]);
            expect(read).toBe(updates.length);
            expect(store.committedChangelogOffset()).toBe(updates.length);
            expect(seen.maxWriting).toBe(1);
            // Chunks span polls: each but the last holds at least bulkRecords records.
            expect(seen.chunks).toBeLessThanOrEqual(Math.floor(updates.length / bulkRecords) + 1);
            const state = new Map<string, string>();
            const it = (store as unknown as InMemoryKeyValueStore).all();
            for (const kv of it) state.set(kv.key.toString(), kv.value.toString());
            it.close();
            expect(state).toEqual(model);
            stores.splice(stores.indexOf(store), 1);
            await store.close();
          },
        ),
        { numRuns: kind === 'leveldb' ? 15 : 60 },
      );
    });
  }

  it('a chunk that fails to write fails the restore, after every chunk has settled', async () => {
    const cluster = new FakeCluster();
    for (let i = 0; i < 500; i++) cluster.append('app-s-changelog', 0, key(i % 40), Buffer.from(`v${i}`), 1);
    const store = await open('leveldb');
    const seen = observed(store, 2);
    const { admin, consumer } = clients(cluster, 25);
    const restorer = new ChangelogRestorer(admin, consumer, silent, { bulkRecords: 100, bulkBytes: 1 << 20 });
    await expect(restorer.restore([{ store, topic: 'app-s-changelog', partition: 0 }])).rejects.toThrow('disk full at chunk 2');
    expect(seen.writing).toBe(0);
    // The first chunk's offset was written with its data: a retry resumes after it.
    expect(store.committedChangelogOffset()).toBe(100);
    expect(restorer.restoredRecords).toBe(0);
  });

  it('two stores restore side by side, each to its own end', async () => {
    const cluster = new FakeCluster();
    for (let i = 0; i < 300; i++) cluster.append('app-a-changelog', 0, key(i % 7), Buffer.from(`a${i}`), 1);
    for (let i = 0; i < 120; i++) cluster.append('app-b-changelog', 0, key(i % 5), Buffer.from(`b${i}`), 1);
    const a = await open('leveldb');
    const b = await open('memory');
    const { admin, consumer } = clients(cluster, 33);
    const restorer = new ChangelogRestorer(admin, consumer, silent, { bulkRecords: 64, bulkBytes: 1 << 20 });
    const read = await restorer.restore([
      { store: a, topic: 'app-a-changelog', partition: 0 },
      { store: b, topic: 'app-b-changelog', partition: 0 },
    ]);
    expect(read).toBe(420);
    expect(a.committedChangelogOffset()).toBe(300);
    expect(b.committedChangelogOffset()).toBe(120);
    expect((a as unknown as LevelDbKeyValueStore).get(key(6))?.toString()).toBe('a293');
    expect((b as unknown as InMemoryKeyValueStore).get(key(4))?.toString()).toBe('b119');
  });
});
