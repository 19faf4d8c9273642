import { describe, it, expect } from 'vitest';
import { uniformInts } from '../../../benchmarks/lib/data-loader.ts';
import { buildModel, compareWithModel, MAX_VALUE, MIN_VALUE, valueFor } from '../../../benchmarks/pipeline/restore-data.ts';

describe('restore input model', () => {
  it('values are a pure function of (seq, key), 100 B–1 KiB, carrying both', () => {
    for (let seq = 0; seq < 2000; seq++) {
      const v = valueFor(seq, seq % 97);
      expect(v.length).toBeGreaterThanOrEqual(MIN_VALUE);
      expect(v.length).toBeLessThanOrEqual(MAX_VALUE);
      expect(v.readUInt32BE(0)).toBe(seq);
      expect(v.readUInt32BE(4)).toBe(seq % 97);
      expect(v.equals(valueFor(seq, seq % 97))).toBe(true);
    }
  });

  it('two updates of a key carry different bytes', () => {
    expect(valueFor(1, 5).equals(valueFor(2, 5))).toBe(false);
  });

  it('the model holds the last update of each key, as a naive replay of the same key sequence says', () => {
    const model = buildModel('t', 5000, 300, 11);
    const next = uniformInts(11, 300);
    const last = new Map<number, number>();
    for (let i = 0; i < 5000; i++) last.set(next(), i);
    expect(model.distinctKeys).toBe(last.size);
    for (let k = 0; k < 300; k++) expect(model.lastSeq[k]).toBe(last.get(k) ?? -1);
  });
});

describe('compareWithModel', () => {
  const model = buildModel('t', 500, 60, 3);
  const storeOf = (m: Map<number, Buffer>) => ({
    get: (k: number) => m.get(k),
    all: () => {
      const it = [...m].map(([key, value]) => ({ key, value }))[Symbol.iterator]() as IterableIterator<{ key: number; value: Buffer }> & { close(): void };
      it.close = () => {};
      return it;
    },
  });
  const correct = (): Map<number, Buffer> => {
    const m = new Map<number, Buffer>();
    for (let k = 0; k < model.keys; k++) if (model.lastSeq[k]! >= 0) m.set(k, valueFor(model.lastSeq[k]!, k));
    return m;
  };

  it('accepts the state the model describes', () => {
    expect(compareWithModel(storeOf(correct()), model, 'after')).toBeUndefined();
  });

  it('fails on an older value of a key (a restore that stopped early or reordered)', () => {
    const m = correct();
    const k = [...m.keys()][0]!;
    m.set(k, valueFor(model.lastSeq[k]! - 1, k));
    expect(compareWithModel(storeOf(m), model, 'after')).toMatch(/^after: 1 of 60 keys differ .*key \d+: expected update #\d+, got update #\d+/);
  });

  it('fails on a missing key and on an extra entry', () => {
    const missing = correct();
    missing.delete([...missing.keys()][0]!);
    expect(compareWithModel(storeOf(missing), model, 'x')).toMatch(/got no entry/);
    const extra = correct();
    extra.set(model.keys + 5, Buffer.from('x')); // a key outside the model's key space
    expect(compareWithModel(storeOf(extra), model, 'x')).toBe(`x: the store holds ${model.distinctKeys + 1} entries, the model ${model.distinctKeys}`);
  });
});
