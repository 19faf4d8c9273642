// Interactive queries across threads: runStoreQuery on each thread's view, merged by
// mergeQueryOutcomes, answers as one view over all the stores would (the reference model:
// a single map holding every thread's entries), including when some threads own no task.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidStateStoreError } from '../../../../src/streams/runtime/queryable-stores.ts';
import { asyncStoreView, mergeQueryOutcomes, runStoreQuery } from '../../../../src/streams/runtime/threads/cross-thread-store.ts';
import type { KeyValue, KeyValueIterator } from '../../../../src/streams/state/store-types.ts';

/** A stand-in for one thread's composite view: its entries, or no task (InvalidStateStoreError). */
function threadView(entries: Map<string, number> | undefined) {
  const need = (): Map<string, number> => {
    if (entries === undefined) throw new InvalidStateStoreError('no local task owns it');
    return entries;
  };
  const iter = (list: Array<KeyValue<string, number>>): KeyValueIterator<string, number> => {
    let i = 0;
    let closed = false;
    const it = {
      next: () => (i < list.length ? { done: false as const, value: list[i++]! } : { done: true as const, value: undefined }),
      close: () => void (closed = true),
      [Symbol.iterator]: () => it,
      get closed() {
        return closed;
      },
    };
    return it as unknown as KeyValueIterator<string, number>;
  };
  return {
    get: (k: string) => need().get(k),
    all: () => iter([...need()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([key, value]) => ({ key, value }))),
    approximateNumEntries: () => need().size,
    broken: () => {
      throw new TypeError('store closed');
    },
  };
}

const threads = fc.array(fc.option(fc.dictionary(fc.string({ minLength: 1, maxLength: 3 }), fc.integer()), { nil: undefined }), { minLength: 1, maxLength: 4 });

describe('cross-thread store queries', () => {
  it('merge to what one view over every thread would answer', async () => {
    await fc.assert(
      fc.asyncProperty(threads, fc.string({ minLength: 1, maxLength: 3 }), async (parts, probe) => {
        // Keys live in one partition, so in one thread: drop keys an earlier thread already holds.
        const seen = new Set<string>();
        const maps = parts.map((d) => {
          if (d === undefined) return undefined;
          const m = new Map<string, number>();
          for (const [k, v] of Object.entries(d)) if (!seen.has(k)) (seen.add(k), m.set(k, v));
          return m;
        });
        const views = maps.map(threadView);
        const view = asyncStoreView<ReturnType<typeof threadView>>(async (method, args) => views.map((v) => runStoreQuery(v, method, args)));
        const union = new Map(maps.flatMap((m) => [...(m ?? [])]));
        if (maps.every((m) => m === undefined)) {
          await expect(view.get(probe)).rejects.toBeInstanceOf(InvalidStateStoreError);
          return;
        }
        expect(await view.get(probe)).toBe(union.get(probe));
        expect(await view.approximateNumEntries()).toBe(union.size);
        const all = await view.all();
        expect(new Map(all.map((kv) => [kv.key, kv.value]))).toEqual(union);
        expect(all).toHaveLength(union.size);
      }),
    );
  });

  it('reads iterators to the end and closes them in the owning thread', () => {
    const v = threadView(new Map([['a', 1], ['b', 2]]));
    const it = v.all();
    const outcome = runStoreQuery({ all: () => it }, 'all', []);
    expect(outcome).toEqual({ ok: true, value: [{ key: 'a', value: 1 }, { key: 'b', value: 2 }] });
    expect((it as unknown as { closed: boolean }).closed).toBe(true);
  });

  it('passes a real error of any thread through, and refuses methods a view does not have', () => {
    const views = [threadView(new Map([['a', 1]])), threadView(undefined)];
    expect(() => mergeQueryOutcomes('broken', views.map((v) => runStoreQuery(v, 'broken', [])))).toThrow(/store closed/);
    expect(runStoreQuery(views[0]!, 'constructor', [])).toMatchObject({ ok: false, error: { name: 'TypeError' } });
    expect(runStoreQuery(views[0]!, 'nope', [])).toMatchObject({ ok: false, error: { message: 'A store view has no method "nope"' } });
  });
});
