import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { GroupCoordinator } from '../../../src/broker/coordinator/group-coordinator.ts';
import { ManualScheduler } from '../../../src/broker/coordinator/scheduler.ts';
import { canTransition, GroupState } from '../../../src/broker/coordinator/group-state.ts';

const flush = () => new Promise((r) => setImmediate(r));

describe('group state table', () => {
  it('allows exactly the classic transitions', () => {
    expect(canTransition(GroupState.Empty, GroupState.PreparingRebalance)).toBe(true);
    expect(canTransition(GroupState.Empty, GroupState.Stable)).toBe(false);
    expect(canTransition(GroupState.PreparingRebalance, GroupState.CompletingRebalance)).toBe(true);
    expect(canTransition(GroupState.CompletingRebalance, GroupState.Stable)).toBe(true);
    expect(canTransition(GroupState.Stable, GroupState.CompletingRebalance)).toBe(false);
    expect(canTransition(GroupState.Dead, GroupState.Empty)).toBe(false);
  });
});

type Op =
  | { k: 'join'; c: number; fresh: boolean }
  | { k: 'sync'; c: number }
  | { k: 'hb'; c: number }
  | { k: 'leave'; c: number }
  | { k: 'commit'; c: number }
  | { k: 'tick'; ms: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ k: fc.constant('join' as const), c: fc.nat(2), fresh: fc.boolean() }),
  fc.record({ k: fc.constant('sync' as const), c: fc.nat(2) }),
  fc.record({ k: fc.constant('hb' as const), c: fc.nat(2) }),
  fc.record({ k: fc.constant('leave' as const), c: fc.nat(2) }),
  fc.record({ k: fc.constant('commit' as const), c: fc.nat(2) }),
  fc.record({ k: fc.constant('tick' as const), ms: fc.integer({ min: 1, max: 3000 }) }),
);

describe('GroupCoordinator under random client behaviour (property)', () => {
  it('keeps its invariants and answers every parked request exactly once', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { maxLength: 60 }), fc.boolean(), fc.nat(2000), async (ops, v4, delay) => {
        const clock = new ManualScheduler();
        const coord = new GroupCoordinator({
          scheduler: clock,
          initialRebalanceDelayMs: delay,
          minSessionTimeoutMs: 10,
          maxSessionTimeoutMs: 100_000,
          emptyConsumerAssignment: Buffer.from([0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff]),
        });
        const clients = [0, 1, 2].map(() => ({ memberId: '', generation: -1 }));
        let answered = 0;
        let issued = 0;
        const park = <T extends { errorCode: number }>(p: Promise<T>, on: (r: T) => void) => {
          issued++;
          void p.then((r) => {
            answered++;
            on(r);
          });
        };
        let lastGen = 0;
        for (const op of ops) {
          if (op.k === 'tick') clock.advance(op.ms);
          else {
            const c = clients[op.c]!;
            if (op.k === 'join') {
              park(
                coord.join({
                  groupId: 'g', memberId: op.fresh ? '' : c.memberId, groupInstanceId: null, clientId: `c${op.c}`, clientHost: 'h',
                  sessionTimeoutMs: 1000 + op.c * 500, rebalanceTimeoutMs: 4000, protocolType: 'consumer',
                  protocols: [{ name: 'range', metadata: Buffer.from([op.c]) }], requireKnownMemberId: v4,
                }),
                (r) => {
                  if (r.errorCode === 0 || r.errorCode === 79) c.memberId = r.memberId;
                  if (r.errorCode === 0) c.generation = r.generationId;
                },
              );
            } else if (op.k === 'sync') {
              park(
                coord.sync({ groupId: 'g', memberId: c.memberId, generationId: c.generation, groupInstanceId: null, protocolType: null, protocolName: null,
                  assignments: clients.map((x) => ({ memberId: x.memberId, assignment: Buffer.from('a') })) }),
                (r) => expect([0, 14, 15, 16, 22, 25, 27]).toContain(r.errorCode),
              );
            } else if (op.k === 'hb') {
              expect([0, 22, 25, 27]).toContain(coord.heartbeat('g', c.memberId, c.generation, null));
            } else if (op.k === 'leave') {
              coord.leave('g', [{ memberId: c.memberId, groupInstanceId: null }]);
            } else {
              expect([0, 22, 25, 27]).toContain(coord.validateCommit('g', c.memberId, c.generation, null));
            }
          }
          await flush();
          const g = coord.group('g');
          if (g) {
            expect(g.generationId).toBeGreaterThanOrEqual(lastGen);
            lastGen = g.generationId;
            if (g.state === 'Empty') expect(g.members.size).toBe(0);
            if (g.members.size > 0 && g.state !== 'PreparingRebalance') expect(g.has(g.leaderId ?? '')).toBe(true);
            if (g.state === 'Stable' || g.state === 'CompletingRebalance') {
              for (const m of g.members.values()) expect(m.awaitingJoin).toBeNull();
            }
            if (g.state !== 'CompletingRebalance') for (const m of g.members.values()) expect(m.awaitingSync).toBeNull();
          }
        }
        coord.close();
        await flush();
        expect(answered).toBe(issued);
        expect(clock.pending()).toBe(0);
      }),
      { numRuns: 300 },
    );
  });
});
