/* The coordinator under a manual clock, and request builders, for the coordinator's unit tests. */
import { GroupCoordinator } from '../../../src/broker/coordinator/group-coordinator.ts';
import type { JoinRequest, SyncRequest } from '../../../src/broker/coordinator/group-coordinator.ts';
import { ManualScheduler } from '../../../src/broker/coordinator/scheduler.ts';

export const EMPTY_ASSIGNMENT = Buffer.from([0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff]);

export function setup(opts: { initialDelay?: number; loading?: () => boolean } = {}) {
  const clock = new ManualScheduler();
  const coord = new GroupCoordinator({
    scheduler: clock,
    initialRebalanceDelayMs: opts.initialDelay ?? 0,
    minSessionTimeoutMs: 100,
    maxSessionTimeoutMs: 60_000,
    emptyConsumerAssignment: EMPTY_ASSIGNMENT,
    ...(opts.loading ? { isLoading: opts.loading } : {}),
  });
  return { clock, coord };
}

export function joinReq(over: Partial<JoinRequest> = {}): JoinRequest {
  return {
    groupId: 'g',
    memberId: '',
    groupInstanceId: null,
    clientId: 'c',
    clientHost: '/127.0.0.1',
    sessionTimeoutMs: 1000,
    rebalanceTimeoutMs: 5000,
    protocolType: 'consumer',
    protocols: [{ name: 'range', metadata: Buffer.from('m') }],
    requireKnownMemberId: false,
    ...over,
  };
}

/** Tracks a promise so a test can see whether it settled without awaiting it. */
export function track<T>(p: Promise<T>): { value: T | undefined } {
  const box: { value: T | undefined } = { value: undefined };
  void p.then((v) => {
    box.value = v;
  });
  return box;
}

export const flush = () => new Promise((r) => setImmediate(r));

export function syncReq(over: Partial<SyncRequest> & { memberId: string; generationId: number }): SyncRequest {
  return { groupId: 'g', groupInstanceId: null, protocolType: null, protocolName: null, assignments: [], ...over };
}
