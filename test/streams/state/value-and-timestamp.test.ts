import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Serdes } from '../../../src/streams/serde/serdes.ts';
import { DeserializationError } from '../../../src/streams/serde/serde-errors.ts';
import { Stores } from '../../../src/streams/state/stores.ts';
import { valueAndTimestampSerde } from '../../../src/streams/state/value-and-timestamp.ts';
import type { CollectedRecord } from '../../../src/streams/state/store-types.ts';
import { makeContext } from './store-suite.ts';

const long = (n: number) => Serdes.int64().serialize('t', n);

describe('valueAndTimestampSerde', () => {
  it('lays out an 8-byte big-endian timestamp before the value, as Kafka does', () => {
    const bytes = valueAndTimestampSerde(Serdes.string()).serialize('t', { value: 'v', timestamp: 258 });
    expect(bytes).toEqual(Buffer.from([0, 0, 0, 0, 0, 0, 1, 2, 0x76]));
  });
  it('round-trips (property) and rejects short payloads', () => {
    const serde = valueAndTimestampSerde(Serdes.string());
    fc.assert(fc.property(fc.string(), fc.maxSafeInteger(), (value, timestamp) => {
      expect(serde.deserialize('t', serde.serialize('t', { value, timestamp }))).toEqual({ value, timestamp });
    }));
    expect(() => serde.deserialize('t', Buffer.alloc(7))).toThrow(DeserializationError);
  });
});

describe('Stores.timestampedKeyValueStoreBuilder', () => {
  for (const [label, supplier] of [['in-memory', Stores.inMemoryKeyValueStore], ['LevelDB', Stores.persistentKeyValueStore]] as const) {
    for (const caching of [false, true]) {
      it(`${label}, caching ${caching ? 'on' : 'off'}: the changelog carries plain values stamped with the stored timestamp; restore re-stamps`, async () => {
        const dir = mkdtempSync(join(tmpdir(), 'tributary-ts-store-'));
        const sent: CollectedRecord[] = [];
        const clock = { now: 999 };
        const builder = Stores.timestampedKeyValueStoreBuilder(supplier('table'), Serdes.string(), Serdes.int64());
        if (caching) builder.withCachingEnabled();
        const store = builder.build();
        try {
          await store.init(makeContext(dir, sent, new Map(), clock));
          store.put('a', { value: 5, timestamp: 100 });
          store.put('b', { value: 6, timestamp: 200 });
          store.delete('b');
          await store.flush();
          expect(store.get('a')).toEqual({ value: 5, timestamp: 100 });
          const view = sent.map((r) => [r.key?.toString(), r.value, r.timestamp]);
          expect(view).toEqual(
            caching
              ? [['a', long(5), 100]] // b was created and deleted between flushes
              : [['a', long(5), 100], ['b', long(6), 200], ['b', null, 999]],
          );
          await store.restore([
            { key: Buffer.from('c'), value: long(7), timestamp: 300, offset: 0 },
            { key: Buffer.from('a'), value: null, timestamp: 301, offset: 1 },
          ]);
          expect(store.get('c')).toEqual({ value: 7, timestamp: 300 });
          expect(store.get('a')).toBeUndefined();
          expect(store.committedChangelogOffset()).toBe(2);
          await expect(store.restore([{ key: Buffer.from('d'), value: long(1), offset: 2 }])).rejects.toThrow(/offset 2 has no timestamp/);
        } finally {
          await store.close();
          rmSync(dir, { recursive: true, force: true });
        }
      });
    }
  }
});
