// The outer store of a left/outer stream-stream join: its key layout and the changelog it
// writes, with keys that repeat across calls (a record's matches share its key).
import { afterEach, describe, expect, it } from 'vitest';
import { OuterJoinStore, OuterJoinStoreFactory } from '../../../../src/streams/dsl/joins/stream-join-stores.ts';
import type { Serde } from '../../../../src/streams/serde/serde.ts';
import { Serdes } from '../../../../src/streams/serde/serdes.ts';
import type { CollectedRecord } from '../../../../src/streams/state/store-types.ts';
import { storeContext, tempDir } from '../../state/window/window-test-context.ts';

const dirs: Array<{ remove(): void }> = [];
afterEach(() => dirs.splice(0).forEach((d) => d.remove()));

async function open<K>(keySerde: Serde<K>): Promise<{ store: OuterJoinStore<K, string, string>; sent: CollectedRecord[] }> {
  const d = tempDir();
  dirs.push(d);
  const sent: CollectedRecord[] = [];
  const factory = new OuterJoinStoreFactory('outer', keySerde as Serde<unknown>, Serdes.string(), Serdes.string(), { storeType: 'memory', loggingEnabled: true, topicConfig: {} });
  const store = factory.build() as OuterJoinStore<K, string, string>;
  await store.init(storeContext(d.dir, sent));
  return { store, sent };
}

describe('OuterJoinStore keys', () => {
  it('lays a key out as int64 BE timestamp, side byte (1 = left), key bytes', async () => {
    const { store } = await open(Serdes.int32());
    const ts = 1_733_000_000_123;
    const expected = Buffer.alloc(13);
    expected.writeBigInt64BE(BigInt(ts), 0);
    expected[8] = 1;
    expected.writeInt32BE(-7, 9);
    expect(store.storeKey(ts, true, -7)).toEqual(expected);
    expected[8] = 0;
    expect(store.storeKey(ts, false, -7)).toEqual(expected);
  });

  it('reads back what it wrote, and deletes (and logs a tombstone) only what is present', async () => {
    const { store, sent } = await open(Serdes.int32());
    store.append(100, true, 1, 'a');
    store.append(100, true, 1, 'b');
    store.append(50, false, 2, 'c');
    expect([...store.entries()].map((e) => [e.timestamp, e.isLeft, e.key, e.value.left ?? e.value.right])).toEqual([
      [50, false, 2, 'c'],
      [100, true, 1, 'a'],
      [100, true, 1, 'b'],
    ]);
    const before = sent.length;
    store.deleteIfPresent(100, true, 3);
    store.deleteIfPresent(100, false, 1);
    expect(sent.length).toBe(before);
    store.deleteIfPresent(100, true, 1);
    expect(sent.slice(before).map((r) => [r.key, r.value])).toEqual([[store.storeKey(100, true, 1), null]]);
    expect([...store.entries()].map((e) => e.key)).toEqual([2]);
  });

  it('serializes an object key afresh on every call: a key mutated between two calls gets its new bytes', async () => {
    const jsonKey: Serde<{ id: number }> = {
      name: 'json-key',
      serialize: (_t, k) => Buffer.from(JSON.stringify(k)),
      deserialize: (_t, b) => JSON.parse(b.toString()) as { id: number },
    };
    const { store } = await open(jsonKey);
    const key = { id: 1 };
    const first = store.storeKey(5, true, key);
    key.id = 2;
    const second = store.storeKey(5, true, key);
    expect(first.subarray(9).toString()).toBe('{"id":1}');
    expect(second.subarray(9).toString()).toBe('{"id":2}');
  });
});
