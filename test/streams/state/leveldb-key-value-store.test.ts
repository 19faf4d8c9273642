import { describe, it, expect, afterEach } from 'vitest';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Serdes } from '../../../src/streams/serde/serdes.ts';
import { Stores } from '../../../src/streams/state/stores.ts';
import { LevelDbKeyValueStore } from '../../../src/streams/state/leveldb-key-value-store.ts';
import type { CollectedRecord } from '../../../src/streams/state/store-types.ts';
import { drain, makeContext, runStoreSuite } from './store-suite.ts';

runStoreSuite({
  label: 'LevelDB',
  persistent: true,
  build({ caching, logging, cacheMaxBytes }) {
    const builder = Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore('s'), Serdes.string(), Serdes.string());
    if (caching) builder.withCachingEnabled(cacheMaxBytes);
    if (!logging) builder.withLoggingDisabled();
    return builder.build();
  },
});

describe('LevelDbKeyValueStore specifics', () => {
  const dirs: string[] = [];
  const open: LevelDbKeyValueStore[] = [];
  afterEach(async () => {
    for (const store of open.splice(0)) await store.close();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  const fresh = async (dir?: string) => {
    const stateDir = dir ?? mkdtempSync(join(tmpdir(), 'tributary-leveldb-'));
    if (dir === undefined) dirs.push(stateDir);
    const store = new LevelDbKeyValueStore('bytes');
    await store.init(makeContext(stateDir, [] as CollectedRecord[], new Map(), { now: 0 }));
    open.push(store);
    return { store, stateDir };
  };
  const b = (s: string) => Buffer.from(s);

  it('lives in <stateDir>/<storeName> and refuses a second open of the same directory', async () => {
    const { stateDir } = await fresh();
    expect(existsSync(join(stateDir, 'bytes', 'CURRENT'))).toBe(true);
    const second = new LevelDbKeyValueStore('bytes');
    await expect(second.init(makeContext(stateDir, [], new Map(), { now: 0 }))).rejects.toThrow(
      new RegExp(`${join(stateDir, 'bytes').replace(/[/\\.]/g, '\\$&')}.*another store instance`),
    );
  });

  it('commit writes only what was sealed by flushCache; later writes wait for the next commit', async () => {
    const { store, stateDir } = await fresh();
    store.put(b('a'), b('1'));
    store.flushCache();
    store.put(b('b'), b('2')); // after the seal: not part of this commit
    await store.commit(5);
    expect(store.get(b('b'))).toEqual(b('2'));
    await store.close();
    open.pop();
    const { store: reopened } = await fresh(stateDir);
    expect(reopened.committedChangelogOffset()).toBe(5);
    expect(drain(reopened.all()).map(([k, v]) => [k.toString(), v.toString()])).toEqual([['a', '1']]);
  });

  it('reads stay correct while a commit is in flight', async () => {
    const { store } = await fresh();
    store.put(b('k'), b('old'));
    await store.flush();
    store.put(b('k'), b('new'));
    store.delete(b('gone'));
    store.flushCache();
    const committing = store.commit(1);
    expect(store.get(b('k'))).toEqual(b('new'));
    store.put(b('k'), b('newer'));
    expect(store.get(b('k'))).toEqual(b('newer'));
    await committing;
    expect(store.get(b('k'))).toEqual(b('newer'));
  });

  it('orders keys as unsigned bytes, including 0x00 and 0xff', async () => {
    const { store } = await fresh();
    const keys = [Buffer.from([0xff]), Buffer.from([0x00]), Buffer.from([0x7f, 0xff]), Buffer.from([0x80]), Buffer.from([0xff, 0x00])];
    for (const key of keys) store.put(key, b('v'));
    await store.flush();
    expect(drain(store.all()).map(([k]) => k.toString('hex'))).toEqual(['00', '7fff', '80', 'ff', 'ff00']);
    expect(drain(store.prefixScanBytes(Buffer.from([0xff]))).map(([k]) => k.toString('hex'))).toEqual(['ff', 'ff00']);
    expect(drain(store.prefixScanBytes(Buffer.from([0xff]), true)).map(([k]) => k.toString('hex'))).toEqual(['ff00', 'ff']);
  });

  it('operations before init fail with a message saying what to do', () => {
    const store = new LevelDbKeyValueStore('early');
    expect(() => store.put(b('a'), b('1'))).toThrow(/not open.*init/);
  });
});
