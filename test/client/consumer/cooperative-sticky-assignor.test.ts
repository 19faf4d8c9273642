import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cooperativeStickyAssign, cooperativeStickyAssignor } from '../../../src/client/consumer/cooperative-sticky-assignor.ts';
import { rebalanceProtocolOf } from '../../../src/client/consumer/rebalance-protocol.ts';
import type { AssignInput, AssignorMember, TopicPartition } from '../../../src/client/types.ts';
import { rangeAssignor } from '../helpers/range-assignor.ts';

const k = (tp: TopicPartition): string => `${tp.topic}-${tp.partition}`;

/** Members with owned partitions: input ownership is a valid previous assignment (disjoint). */
const groupArb = fc
  .record({
    counts: fc.array(fc.integer({ min: 1, max: 8 }), { minLength: 1, maxLength: 3 }),
    members: fc.integer({ min: 1, max: 6 }),
    owners: fc.array(fc.integer({ min: -1, max: 5 }), { minLength: 24, maxLength: 24 }),
  })
  .map(({ counts, members, owners }) => {
    const topicPartitions = new Map(counts.map((c, i) => [`t${i}`, c] as const));
    const all = [...topicPartitions].flatMap(([topic, c]) => Array.from({ length: c }, (_, partition) => ({ topic, partition })));
    const ids = Array.from({ length: members }, (_, i) => `m${i}`);
    const owned = new Map(ids.map((id) => [id, [] as TopicPartition[]]));
    all.forEach((tp, i) => {
      const o = owners[i] ?? -1;
      if (o >= 0 && o < members) owned.get(`m${o}`)!.push(tp);
    });
    const input: AssignInput = { topicPartitions, members: ids.map((memberId) => ({ memberId, userData: Buffer.alloc(0), topics: [...topicPartitions.keys()], ownedPartitions: owned.get(memberId)!, generation: 3 })) };
    return { input, all };
  });

/** What the members own after applying an assignment the cooperative way (revoke what is not assigned). */
function nextRound(input: AssignInput, result: Map<string, TopicPartition[]>): AssignInput {
  return { ...input, members: input.members.map((m): AssignorMember => ({ ...m, ownedPartitions: result.get(m.memberId)!, generation: 4 })) };
}

describe('cooperativeStickyAssign', () => {
  it('never gives a partition to two members, or to one while another owns it; converges in one follow-up to a complete, balanced assignment', () => {
    fc.assert(
      fc.property(groupArb, ({ input, all }) => {
        const first = cooperativeStickyAssign(input);
        const seen = new Set<string>();
        for (const [memberId, list] of first) {
          for (const tp of list) {
            expect(seen.has(k(tp))).toBe(false);
            seen.add(k(tp));
            const owner = input.members.find((m) => m.ownedPartitions!.some((o) => k(o) === k(tp)));
            if (owner !== undefined) expect(owner.memberId).toBe(memberId);
          }
        }
        // Sticky: a member keeps whatever it owned unless the balance needs it elsewhere.
        for (const m of input.members) {
          const kept = first.get(m.memberId)!.filter((tp) => m.ownedPartitions!.some((o) => k(o) === k(tp))).length;
          expect(kept).toBeGreaterThanOrEqual(Math.min(m.ownedPartitions!.length, Math.floor(all.length / input.members.length)));
        }
        const second = cooperativeStickyAssign(nextRound(input, first));
        const counts = [...second.values()].map((l) => l.length);
        expect(counts.reduce((a, b) => a + b, 0)).toBe(all.length);
        expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
        // The follow-up moves nothing anybody kept: everything kept in round one stays.
        for (const [memberId, list] of first) for (const tp of list) expect(second.get(memberId)!.map(k)).toContain(k(tp));
        // Stable: unchanged members and ownership, nothing moves.
        expect(cooperativeStickyAssign(nextRound(input, second))).toEqual(second);
      }),
      { numRuns: 300 },
    );
  });

  it('gives partitions only to members subscribed to their topic', () => {
    const input: AssignInput = {
      topicPartitions: new Map([['a', 4], ['b', 2]]),
      members: [
        { memberId: 'x', userData: Buffer.alloc(0), topics: ['a'] },
        { memberId: 'y', userData: Buffer.alloc(0), topics: ['a', 'b'] },
      ],
    };
    const out = cooperativeStickyAssign(input);
    expect(out.get('x')!.every((tp) => tp.topic === 'a')).toBe(true);
    expect([...out.values()].flat().length).toBe(6);
  });

  it('resolves a partition claimed by two members in favour of the higher generation (Kafka userData: int32 generation)', () => {
    const gen = (g: number): Buffer => {
      const b = Buffer.alloc(4);
      b.writeInt32BE(g, 0);
      return b;
    };
    const input: AssignInput = {
      topicPartitions: new Map([['a', 2]]),
      members: [
        { memberId: 'old', userData: gen(1), topics: ['a'], ownedPartitions: [{ topic: 'a', partition: 0 }, { topic: 'a', partition: 1 }] },
        { memberId: 'new', userData: gen(2), topics: ['a'], ownedPartitions: [{ topic: 'a', partition: 1 }] },
      ],
    };
    const out = cooperativeStickyAssign(input);
    expect(out.get('new')!.map(k)).toEqual(['a-1']);
    expect(out.get('old')!.map(k)).toEqual(['a-0']);
  });
});

describe('rebalanceProtocolOf', () => {
  it('is COOPERATIVE only when every listed assignor supports it (Kafka upgrade path), and rejects a duplicate', () => {
    expect(rebalanceProtocolOf([cooperativeStickyAssignor()])).toBe('COOPERATIVE');
    expect(rebalanceProtocolOf([cooperativeStickyAssignor(), rangeAssignor('x')])).toBe('EAGER');
    expect(() => rebalanceProtocolOf([])).toThrow(/at least one assignor/);
    expect(() => rebalanceProtocolOf([cooperativeStickyAssignor(), cooperativeStickyAssignor()])).toThrow(/listed twice/);
  });

  it('writes its generation in its userData after an assignment', () => {
    const a = cooperativeStickyAssignor();
    expect(a.userData().readInt32BE(0)).toBe(-1);
    a.onAssignment?.([], 7);
    expect(a.userData().readInt32BE(0)).toBe(7);
  });
});
