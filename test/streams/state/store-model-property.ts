/*
 * The model property of the shared store suite: random operation sequences (puts, deletes,
 * putIfAbsent, commits, restarts with changelog restore, ranges, prefix scans) against a Map.
 * After every step, point reads agree with the model; after every commit the changelog replays
 * to the model; a restart keeps what was committed plus what the changelog restores.
 */
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Serdes } from '../../../src/streams/serde/serdes.ts';
import type { StackFactory, StackOptions } from './store-suite.ts';
import { byBytes, drain, openHarness, replay } from './store-suite.ts';

export function runStoreModelProperty(factory: StackFactory): void {
  describe(`${factory.label} store equals a Map model over random operations (property)`, () => {
    type Op =
      | { kind: 'put'; key: string; value: string | null }
      | { kind: 'delete'; key: string }
      | { kind: 'putIfAbsent'; key: string; value: string }
      | { kind: 'flush' }
      | { kind: 'reopen' }
      | { kind: 'range'; from: string | undefined; to: string | undefined; reverse: boolean }
      | { kind: 'prefix'; prefix: string };
    const key = fc.string({ unit: fc.constantFrom('a', 'b', 'é', '\u00ff'), minLength: 1, maxLength: 3 });
    const bound = fc.option(key, { nil: undefined });
    const op: fc.Arbitrary<Op> = fc.oneof(
      { weight: 6, arbitrary: fc.record({ kind: fc.constant('put' as const), key, value: fc.option(fc.string({ maxLength: 4 }), { nil: null }) }) },
      { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), key }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('putIfAbsent' as const), key, value: fc.string({ maxLength: 4 }) }) },
      { weight: 1, arbitrary: fc.constant({ kind: 'flush' as const }) },
      { weight: 1, arbitrary: fc.constant({ kind: 'reopen' as const }) },
      { weight: 2, arbitrary: fc.record({ kind: fc.constant('range' as const), from: bound, to: bound, reverse: fc.boolean() }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('prefix' as const), prefix: fc.string({ unit: fc.constantFrom('a', 'b', 'é'), maxLength: 2 }) }) },
    );
    const configs: StackOptions[] = [
      { caching: false, logging: true },
      { caching: true, logging: true, cacheMaxBytes: 600 },
    ];
    for (const options of configs) {
      it(`caching ${options.caching ? 'on (small cache)' : 'off'}, logging on`, async () => {
        await fc.assert(
          fc.asyncProperty(fc.array(op, { maxLength: 60 }), async (ops) => {
            const dir = mkdtempSync(join(tmpdir(), 'tributary-model-'));
            const h = await openHarness(factory, options, dir);
            const model = new Map<string, string>();
            const expectRange = (from: string | undefined, to: string | undefined, reverse: boolean): Array<[string, string]> => {
              const keys = [...model.keys()]
                .filter((k) => (from === undefined || byBytes(k, from) >= 0) && (to === undefined || byBytes(k, to) <= 0))
                .sort(byBytes);
              if (from !== undefined && to !== undefined && byBytes(from, to) > 0) return [];
              if (reverse) keys.reverse();
              return keys.map((k) => [k, model.get(k)!]);
            };
            try {
              for (const o of ops) {
                switch (o.kind) {
                  case 'put':
                    h.store.put(o.key, o.value);
                    if (o.value === null) model.delete(o.key);
                    else model.set(o.key, o.value);
                    break;
                  case 'delete':
                    expect(h.store.delete(o.key)).toBe(model.get(o.key));
                    model.delete(o.key);
                    break;
                  case 'putIfAbsent': {
                    const existing = model.get(o.key);
                    expect(h.store.putIfAbsent(o.key, o.value)).toBe(existing);
                    if (existing === undefined) model.set(o.key, o.value);
                    break;
                  }
                  case 'flush':
                    // the commit procedure: flush the cache (logging), then commit with the
                    // changelog's end offset (the index of the next record in `sent`)
                    h.store.flushCache();
                    await h.store.commit(h.sent.length);
                    // the changelog replays to exactly the store's state
                    expect(replay(h.sent)).toEqual(model);
                    expect(h.store.approximateNumEntries()).toBe(model.size);
                    break;
                  case 'reopen': {
                    // a restart: uncommitted writes are gone; restore from the committed offset
                    // to the changelog's end. What was never logged (dirty cache) is lost.
                    await h.reopen();
                    const from = h.store.committedChangelogOffset() ?? 0;
                    await h.store.restore(h.sent.slice(from).map((r, i) => ({ key: r.key!, value: r.value, offset: from + i })));
                    if (h.sent.length > from) expect(h.store.committedChangelogOffset()).toBe(h.sent.length);
                    model.clear();
                    for (const [k, v] of replay(h.sent)) model.set(k, v);
                    break;
                  }
                  case 'range':
                    expect(drain(o.reverse ? h.store.reverseRange(o.from, o.to) : h.store.range(o.from, o.to))).toEqual(
                      expectRange(o.from, o.to, o.reverse),
                    );
                    break;
                  case 'prefix':
                    expect(drain(h.store.prefixScan(o.prefix, Serdes.string()))).toEqual(
                      expectRange(undefined, undefined, false).filter(([k]) => Buffer.from(k).subarray(0, Buffer.byteLength(o.prefix)).equals(Buffer.from(o.prefix))),
                    );
                    break;
                }
                for (const k of ['a', 'b', 'é', 'ab']) expect(h.store.get(k)).toBe(model.get(k));
              }
              expect(drain(h.store.all())).toEqual(expectRange(undefined, undefined, false));
            } finally {
              await h.store.close();
              rmSync(dir, { recursive: true, force: true });
            }
          }),
          { numRuns: factory.persistent ? 100 : 300 },
        );
      });
    }
  });
}
