/*
 * The classic consumer group state machine as data: the states, which transitions are legal,
 * and how each group request is answered in each state. Kafka's ClassicGroupState (3.8.0) and
 * GroupCoordinator.scala are the reference; docs/protocol-coverage.md lists what the real
 * clients rely on.
 *
 *   Empty --join--> PreparingRebalance
 *   PreparingRebalance --all known members rejoined | rebalance timeout--> CompletingRebalance
 *   PreparingRebalance --all members gone--> Empty
 *   CompletingRebalance --leader SyncGroup--> Stable
 *   CompletingRebalance | Stable --join (new member, leader, changed metadata) | leave
 *                                 | session expiry | sync timeout--> PreparingRebalance
 *   any --DeleteGroups (only when Empty) / coordinator unload--> Dead
 *
 * How each request is answered (after the group-id, member-id and generation checks, which
 * come first and are the same in every state: unknown member → 25, wrong generation → 22):
 *
 *   request        Empty          PreparingRebalance   CompletingRebalance  Stable          Dead
 *   JoinGroup      add, prepare   add/update, park     update, prepare*     update, prepare* 15 (retry)
 *   SyncGroup      25             27                   park (leader: done)  current assign. 15
 *   Heartbeat      25             27                   0                    0               15
 *   LeaveGroup     25             remove               remove, prepare      remove, prepare 15
 *   OffsetCommit   accept         accept               27                   accept          15
 *   (* in Stable a follower re-joining with identical metadata gets the current generation
 *      back without a rebalance)
 *
 * Invariant: a group's `state` only ever changes through `assertTransition`, so an illegal move
 * (a bug) throws instead of silently corrupting the group.
 */
import { ErrorCode } from '../../protocol/error-codes.ts';

export const GroupState = {
  Empty: 'Empty',
  PreparingRebalance: 'PreparingRebalance',
  CompletingRebalance: 'CompletingRebalance',
  Stable: 'Stable',
  Dead: 'Dead',
} as const;
export type GroupState = (typeof GroupState)[keyof typeof GroupState];

/** For each target state, the states it may be entered from (Kafka's validPreviousStates). */
const VALID_PREVIOUS: Record<GroupState, readonly GroupState[]> = {
  Empty: [GroupState.PreparingRebalance],
  PreparingRebalance: [GroupState.Empty, GroupState.CompletingRebalance, GroupState.Stable],
  CompletingRebalance: [GroupState.PreparingRebalance],
  Stable: [GroupState.CompletingRebalance],
  Dead: [
    GroupState.Empty,
    GroupState.PreparingRebalance,
    GroupState.CompletingRebalance,
    GroupState.Stable,
    GroupState.Dead,
  ],
};

export function canTransition(from: GroupState, to: GroupState): boolean {
  return VALID_PREVIOUS[to].includes(from);
}

export function assertTransition(groupId: string, from: GroupState, to: GroupState): void {
  if (!canTransition(from, to)) {
    throw new Error(
      `group "${groupId}": illegal state transition ${from} → ${to}; ` +
        `${to} may only be entered from ${VALID_PREVIOUS[to].join(', ')} (this is a coordinator bug)`,
    );
  }
}

/** SyncGroup, after member and generation checks: what the state says to do. */
export type SyncAction = 'error-unknown-member' | 'error-rebalancing' | 'park' | 'answer-current' | 'error-dead';

export function syncActionIn(state: GroupState): SyncAction {
  switch (state) {
    case GroupState.Empty:
      return 'error-unknown-member';
    case GroupState.PreparingRebalance:
      return 'error-rebalancing';
    case GroupState.CompletingRebalance:
      return 'park';
    case GroupState.Stable:
      return 'answer-current';
    case GroupState.Dead:
      return 'error-dead';
  }
}

/** Heartbeat, after member and generation checks. */
export function heartbeatErrorIn(state: GroupState): number {
  switch (state) {
    case GroupState.Empty:
      return ErrorCode.UNKNOWN_MEMBER_ID;
    case GroupState.PreparingRebalance:
      return ErrorCode.REBALANCE_IN_PROGRESS;
    case GroupState.CompletingRebalance:
    case GroupState.Stable:
      return ErrorCode.NONE;
    case GroupState.Dead:
      return ErrorCode.COORDINATOR_NOT_AVAILABLE;
  }
}

/** OffsetCommit from a group member, after member and generation checks. */
export function memberCommitErrorIn(state: GroupState): number {
  switch (state) {
    case GroupState.CompletingRebalance:
      return ErrorCode.REBALANCE_IN_PROGRESS;
    case GroupState.Dead:
      return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    default:
      return ErrorCode.NONE;
  }
}
