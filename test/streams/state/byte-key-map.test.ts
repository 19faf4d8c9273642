/*
 * ByteKeyMap (the hash + lazily built sorted view under the key-value stores) against a Map
 * model, with the sorted view dropped and rebuilt often (a small minChurn), and the cursor-based
 * scan (bytes-store.ts scanTree) walking it while keys are inserted and deleted.
 */
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { ByteKeyMap, binaryOfHashKey, hashKey } from '../../../src/streams/state/byte-key-map.ts';
import { prefixScan, rangeScan, scanTree } from '../../../src/streams/state/bytes-store.ts';

const byteKey = fc.uint8Array({ minLength: 0, maxLength: 6 }).map((a) => Buffer.from(a));
/** Few distinct bytes so that keys collide, share prefixes, and many are exactly 4 bytes long. */
const smallKey = fc
  .array(fc.constantFrom(0x00, 0x01, 0x7f, 0x80, 0xff), { minLength: 1, maxLength: 5 })
  .map((a) => Buffer.from(a));
/** A tighter key space (120 keys, 81 of them 4 bytes long): deletes and overwrites hit often. */
const tinyKey = fc
  .array(fc.constantFrom(0x00, 0x80, 0xff), { minLength: 1, maxLength: 4 })
  .map((a) => Buffer.from(a));

function sortedModelKeys(model: Map<string, number>, from?: Buffer, to?: Buffer): string[] {
  const lo = from?.toString('latin1');
  const hi = to?.toString('latin1');
  return [...model.keys()].filter((k) => (lo === undefined || k >= lo) && (hi === undefined || k <= hi)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

describe('hashKey', () => {
  it('hashes 4-byte keys as int32 and other lengths as binary strings, one-to-one with the bytes', () => {
    expect(hashKey(Buffer.from([0, 0, 0, 7]))).toBe(7);
    expect(hashKey(Buffer.from([0xff, 0xff, 0xff, 0xff]))).toBe(-1);
    expect(hashKey(Buffer.from([1, 2, 3]))).toBe('\u0001\u0002\u0003');
    fc.assert(
      fc.property(byteKey, byteKey, (a, b) => {
        expect(binaryOfHashKey(hashKey(a))).toBe(a.toString('latin1'));
        expect(hashKey(a) === hashKey(b)).toBe(a.equals(b));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('ByteKeyMap equals a Map model (property)', () => {
  type Op =
    | { kind: 'set'; key: Buffer; value: number }
    | { kind: 'delete'; key: Buffer }
    | { kind: 'range'; from: Buffer | undefined; to: Buffer | undefined; reverse: boolean }
    | { kind: 'prefix'; prefix: Buffer; reverse: boolean }
    | { kind: 'churn' };
  const bound = fc.option(smallKey, { nil: undefined });
  const op: fc.Arbitrary<Op> = fc.oneof(
    { weight: 8, arbitrary: fc.record({ kind: fc.constant('set' as const), key: tinyKey, value: fc.nat() }) },
    { weight: 4, arbitrary: fc.record({ kind: fc.constant('delete' as const), key: tinyKey }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('range' as const), from: bound, to: bound, reverse: fc.boolean() }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('prefix' as const), prefix: smallKey, reverse: fc.boolean() }) },
    { weight: 1, arbitrary: fc.constant({ kind: 'churn' as const }) },
  );

  it('point reads, size, ranges and prefix scans agree after every step; the view is dropped and rebuilt', () => {
    let drops = 0;
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), fc.integer({ min: 1, max: 8 }), (ops, minChurn) => {
        const map = new ByteKeyMap<{ value: number }>(minChurn);
        const model = new Map<string, number>();
        for (const o of ops) {
          const viewBefore = map.hasSortedView();
          switch (o.kind) {
            case 'set':
              map.set(hashKey(o.key), { value: o.value });
              model.set(o.key.toString('latin1'), o.value);
              break;
            case 'delete':
              expect(map.delete(hashKey(o.key))).toBe(model.delete(o.key.toString('latin1')));
              break;
            case 'churn':
              // delete and re-insert every key, more than size + minChurn changes in all: a
              // sorted view that existed is dropped on the way
              for (let round = 0; round <= minChurn; round++) {
                for (const [k, v] of [...model]) {
                  const hk = hashKey(Buffer.from(k, 'latin1'));
                  map.delete(hk);
                  map.set(hk, { value: v });
                }
              }
              if (model.size > 0) expect(map.hasSortedView()).toBe(false);
              break;
            case 'range': {
              const scan = rangeScan(o.from, o.to, o.reverse);
              const got: Array<[string, number]> = [];
              if (scan !== undefined) {
                const pull = scanTree(() => map.sortedView(), scan, (k, v) => [k, v.value] as [string, number]);
                for (let pair = pull(); pair !== undefined; pair = pull()) got.push(pair);
              }
              const empty = o.from !== undefined && o.to !== undefined && Buffer.compare(o.from, o.to) > 0;
              const keys = empty ? [] : sortedModelKeys(model, o.from, o.to);
              if (o.reverse) keys.reverse();
              expect(got).toEqual(keys.map((k) => [k, model.get(k)]));
              break;
            }
            case 'prefix': {
              const pull = scanTree(() => map.sortedView(), prefixScan(o.prefix, o.reverse), (k) => k);
              const got: string[] = [];
              for (let k = pull(); k !== undefined; k = pull()) got.push(k);
              const p = o.prefix.toString('latin1');
              const keys = sortedModelKeys(model).filter((k) => k.startsWith(p));
              if (o.reverse) keys.reverse();
              expect(got).toEqual(keys);
              break;
            }
          }
          // (ranges above check a kept view: it is used as it is, not rebuilt)
          if (viewBefore && !map.hasSortedView()) drops++;
          expect(map.size).toBe(model.size);
          for (const [k, v] of model) expect(map.get(hashKey(Buffer.from(k, 'latin1')))?.value).toBe(v);
        }
      }),
      { numRuns: 300 },
    );
    expect(drops).toBeGreaterThan(0);
  });

  it('a scan walking while keys are inserted and deleted yields each key present throughout once, in order', () => {
    type Step = { kind: 'next' } | { kind: 'set'; key: Buffer } | { kind: 'delete'; key: Buffer };
    const step: fc.Arbitrary<Step> = fc.oneof(
      { weight: 3, arbitrary: fc.constant({ kind: 'next' as const }) },
      { weight: 2, arbitrary: fc.record({ kind: fc.constant('set' as const), key: tinyKey }) },
      { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), key: tinyKey }) },
    );
    fc.assert(
      fc.property(fc.array(tinyKey, { maxLength: 40 }), fc.array(step, { maxLength: 150 }), fc.boolean(), fc.integer({ min: 1, max: 4 }), (initial, steps, reverse, minChurn) => {
        const map = new ByteKeyMap<true>(minChurn);
        for (const k of initial) map.set(hashKey(k), true);
        const present = new Set(initial.map((k) => k.toString('latin1')));
        const everPresent = new Set(present);
        const removed = new Set<string>();
        const pull = scanTree(() => map.sortedView(), { lo: undefined, hi: undefined, hiInclusive: true, reverse }, (k) => k);
        const yielded: string[] = [];
        let done = false;
        const next = (): void => {
          if (done) return;
          const k = pull();
          if (k === undefined) done = true;
          else {
            // only keys present at the moment they are yielded
            expect(present.has(k)).toBe(true);
            yielded.push(k);
          }
        };
        for (const s of steps) {
          if (s.kind === 'next') next();
          else if (s.kind === 'set') {
            map.set(hashKey(s.key), true);
            present.add(s.key.toString('latin1'));
            everPresent.add(s.key.toString('latin1'));
          } else if (map.delete(hashKey(s.key))) {
            present.delete(s.key.toString('latin1'));
            removed.add(s.key.toString('latin1'));
          }
        }
        while (!done) next();
        // strictly in the walk's direction: no key twice
        for (let i = 1; i < yielded.length; i++) {
          expect(reverse ? yielded[i - 1]! > yielded[i]! : yielded[i - 1]! < yielded[i]!).toBe(true);
        }
        // every initial key never deleted was yielded
        for (const k of initial.map((b) => b.toString('latin1'))) {
          if (!removed.has(k)) expect(yielded).toContain(k);
        }
        for (const k of yielded) expect(everPresent.has(k)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
