/*
 * PartitionTxnState against a reference model that keeps the whole log (offset, producer, kind)
 * and recomputes the LSO and aborted transactions from scratch on every question. The aborted
 * transactions it yields are stored per segment as the broker does (one `.txnindex` per segment,
 * random segment boundaries) and collected for read_committed fetches with collectAbortedTxns,
 * whose early stop (an entry's LSO reaching the upper bound) must never lose an entry.
 */
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { PartitionTxnState, type AbortedTxn } from '../../../src/broker/txn/partition-txn-state.ts';
import { collectAbortedTxns, type AbortedTxnEntry } from '../../../src/broker/log/transaction-index.ts';

type Entry = { offset: number; pid: bigint; kind: 'data' | 'commit' | 'abort'; count: number };

/** The open transaction of each producer: its first data offset after its last marker. */
function openFirstOffsets(log: readonly Entry[]): Map<bigint, number> {
  const open = new Map<bigint, number>();
  for (const e of log) {
    if (e.kind === 'data') {
      if (!open.has(e.pid)) open.set(e.pid, e.offset);
    } else {
      open.delete(e.pid);
    }
  }
  return open;
}

function refLso(log: readonly Entry[], hw: number): number {
  return Math.min(hw, ...openFirstOffsets(log).values());
}

function refAborted(log: readonly Entry[]): AbortedTxn[] {
  const out: AbortedTxn[] = [];
  const open = new Map<bigint, number>();
  for (const e of log) {
    if (e.kind === 'data') {
      if (!open.has(e.pid)) open.set(e.pid, e.offset);
      continue;
    }
    const first = open.get(e.pid);
    open.delete(e.pid);
    if (e.kind === 'abort' && first !== undefined) out.push({ producerId: e.pid, firstOffset: first, lastOffset: e.offset });
  }
  return out;
}

const op = fc.record({
  pid: fc.bigInt({ min: 0n, max: 3n }),
  kind: fc.constantFrom('data', 'data', 'commit', 'abort') as fc.Arbitrary<Entry['kind']>,
  count: fc.integer({ min: 1, max: 4 }),
});

describe('PartitionTxnState', () => {
  it('LSO and aborted ranges match the reference model', () => {
    fc.assert(
      fc.property(
        fc.array(op, { maxLength: 60 }),
        fc.integer({ min: 1, max: 20 }),
        fc.array(fc.tuple(fc.nat(250), fc.nat(250)), { minLength: 1, maxLength: 5 }),
        (ops, segmentSpan, queries) => {
          const state = new PartitionTxnState();
          const log: Entry[] = [];
          const entries: AbortedTxnEntry[] = [];
          let leo = 0;
          for (const o of ops) {
            const count = o.kind === 'data' ? o.count : 1;
            const e: Entry = { offset: leo, pid: o.pid, kind: o.kind, count };
            log.push(e);
            leo += count;
            if (o.kind === 'data') state.onData(o.pid, e.offset);
            else {
              const a = state.onMarker(o.pid, e.offset, o.kind === 'commit');
              if (a !== null) entries.push({ ...a, lastStableOffset: state.lastStableOffset(leo) });
            }
            expect(state.lastStableOffset(leo)).toBe(refLso(log, leo));
          }
          const aborted = refAborted(log);
          expect(entries.map(({ producerId, firstOffset, lastOffset }) => ({ producerId, firstOffset, lastOffset }))).toEqual(aborted);
          // Segments of `segmentSpan` offsets; each entry goes to the segment holding its marker.
          const segments = Array.from({ length: Math.floor(leo / segmentSpan) + 1 }, (_, i) => {
            const mine = entries.filter((t) => Math.floor(t.lastOffset / segmentSpan) === i);
            return { txnIndex: { entries: () => mine } };
          });
          for (const [a, b] of queries) {
            const from = Math.min(a, b, leo);
            // A fetch never reads past the LSO: the upper bound is at most the LSO.
            const upper = Math.min(Math.max(a, b), state.lastStableOffset(leo));
            if (upper < from) continue;
            const expected = aborted.filter((t) => t.lastOffset >= from && t.firstOffset < upper).sort((x, y) => x.firstOffset - y.firstOffset);
            const got = collectAbortedTxns(segments.slice(Math.floor(from / segmentSpan)), from, upper);
            expect(got.map(({ producerId, firstOffset, lastOffset }) => ({ producerId, firstOffset, lastOffset }))).toEqual(expected);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a marker for a producer with no open transaction changes nothing (a re-written marker after a crash)', () => {
    const s = new PartitionTxnState();
    s.onData(7n, 0);
    expect(s.onMarker(7n, 1, false)).toEqual({ producerId: 7n, firstOffset: 0, lastOffset: 1 });
    expect(s.onMarker(7n, 2, false)).toBeNull();
    expect(s.lastStableOffset(3)).toBe(3);
  });
});
