/*
 * The group coordinator: all classic groups by id and request validation with the error codes the
 * clients expect; the per-state answers follow the table in group-state.ts. The rebalance
 * mechanics and the timers (session, pending-member, initial delay, rebalance and sync deadlines)
 * live in group-rebalance.ts.
 *
 * Numbered phases of a rebalance (Kafka GroupCoordinator.scala, classic protocol):
 *   1. prepareRebalance: answer parked SyncGroups with 27, enter PreparingRebalance, arm the join
 *      deadline (the initial delay for a group that was Empty, else the rebalance timeout).
 *   2. Members re-join; each JoinGroup is parked. When every member and pending member has a
 *      parked JoinGroup (and the initial delay is over), or the deadline fires: completeJoin.
 *   3. completeJoin: drop members that did not re-join, generation++, pick the protocol by vote,
 *      keep or pick the leader, answer every parked JoinGroup (only the leader's reply lists the
 *      members), enter CompletingRebalance, arm the sync deadline.
 *   4. The leader's SyncGroup stores every assignment, answers all parked SyncGroups, → Stable.
 *      Members that never sync are removed at the sync deadline, which starts phase 1 again.
 *
 * Invariants: everything runs on the event loop, so a request sees the group in one state from
 * start to finish; each parked request is answered exactly once (on completion, on a new
 * rebalance, on removal, or on close); each member has at most one live session timer.
 * While a member has a parked JoinGroup or SyncGroup its session timer is not allowed to evict it.
 */
import { randomUUID } from 'node:crypto';
import { ClassicGroup } from './classic-group.ts';
import { GroupRebalancer, joinError, syncError } from './group-rebalance.ts';
import type { GroupProtocol, JoinResult, SyncResult } from './classic-group.ts';
import { ErrorCode } from '../../protocol/error-codes.ts';
import { GroupState, heartbeatErrorIn, memberCommitErrorIn, syncActionIn } from './group-state.ts';
import type { Scheduler } from './scheduler.ts';

/** Longest group id accepted (Tributary limit: keeps keys in __consumer_offsets small). */
export const MAX_GROUP_ID_LENGTH = 255;

export interface GroupCoordinatorOptions {
  scheduler: Scheduler;
  initialRebalanceDelayMs: number;
  minSessionTimeoutMs: number;
  maxSessionTimeoutMs: number;
  /** The encoded empty assignment substituted for protocol type "consumer" (kafka-python needs it). */
  emptyConsumerAssignment: Buffer;
  /** True while committed offsets and group metadata are still being loaded at start. */
  isLoading?: () => boolean;
  /** Called when a generation completes, so the group's metadata can be persisted. */
  onGenerationComplete?: (group: ClassicGroup) => void;
}

export interface JoinRequest {
  groupId: string;
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  protocolType: string;
  protocols: GroupProtocol[];
  /** JoinGroup v4+: an empty member id gets MEMBER_ID_REQUIRED and must re-join with the new id. */
  requireKnownMemberId: boolean;
}

export interface SyncRequest {
  groupId: string;
  memberId: string;
  generationId: number;
  groupInstanceId: string | null;
  protocolType: string | null;
  protocolName: string | null;
  assignments: { memberId: string; assignment: Buffer }[];
}

export interface LeaveResult {
  errorCode: number;
  members: { memberId: string; groupInstanceId: string | null; errorCode: number }[];
}

export function validGroupId(groupId: string | null | undefined): groupId is string {
  return typeof groupId === 'string' && groupId.length > 0 && groupId.length <= MAX_GROUP_ID_LENGTH;
}

export class GroupCoordinator {
  private readonly groups = new Map<string, ClassicGroup>();
  private readonly rebalance: GroupRebalancer;
  private closed = false;

  constructor(private readonly opts: GroupCoordinatorOptions) {
    this.rebalance = new GroupRebalancer(opts);
  }

  private loading(): boolean {
    return this.opts.isLoading?.() ?? false;
  }

  group(groupId: string): ClassicGroup | undefined {
    return this.groups.get(groupId);
  }

  allGroups(): ClassicGroup[] {
    return [...this.groups.values()];
  }

  /** Creates (or returns) an Empty group, e.g. for offsets reloaded at start or a simple commit. */
  ensureGroup(groupId: string): ClassicGroup {
    let g = this.groups.get(groupId);
    if (!g) {
      g = new ClassicGroup(groupId);
      this.groups.set(groupId, g);
    }
    return g;
  }

  // ---------------------------------------------------------------- JoinGroup

  join(req: JoinRequest): Promise<JoinResult> {
    if (!validGroupId(req.groupId)) return Promise.resolve(joinError(ErrorCode.INVALID_GROUP_ID, req.memberId));
    if (this.closed) return Promise.resolve(joinError(ErrorCode.NOT_COORDINATOR, req.memberId));
    if (this.loading()) return Promise.resolve(joinError(ErrorCode.COORDINATOR_LOAD_IN_PROGRESS, req.memberId));
    if (req.sessionTimeoutMs < this.opts.minSessionTimeoutMs || req.sessionTimeoutMs > this.opts.maxSessionTimeoutMs) {
      return Promise.resolve(joinError(ErrorCode.INVALID_SESSION_TIMEOUT, req.memberId));
    }
    const known = this.groups.get(req.groupId);
    if (!known && req.memberId !== '') return Promise.resolve(joinError(ErrorCode.UNKNOWN_MEMBER_ID, req.memberId));
    const group = known ?? this.ensureGroup(req.groupId);
    if (group.is(GroupState.Dead)) return Promise.resolve(joinError(ErrorCode.COORDINATOR_NOT_AVAILABLE, req.memberId));
    if (!group.supportsProtocols(req.protocolType, req.protocols)) {
      return Promise.resolve(joinError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, req.memberId));
    }
    return new Promise<JoinResult>((resolve) => {
      if (req.memberId === '') this.joinUnknownMember(group, req, resolve);
      else this.joinKnownMember(group, req, resolve);
    });
  }

  private joinUnknownMember(group: ClassicGroup, req: JoinRequest, resolve: (r: JoinResult) => void): void {
    const newId = `${req.clientId}-${randomUUID()}`;
    if (req.groupInstanceId !== null) {
      // A static member joins directly; a previous incarnation with the same instance id is replaced.
      const oldId = group.staticMembers.get(req.groupInstanceId);
      if (oldId !== undefined) this.rebalance.replaceStaticMember(group, oldId, newId, req, resolve);
      else this.rebalance.addMemberAndRebalance(group, newId, req, resolve);
      return;
    }
    if (req.requireKnownMemberId) {
      const timer = this.opts.scheduler.schedule(req.sessionTimeoutMs, () => this.rebalance.expirePending(group, newId));
      group.addPending(newId, timer);
      resolve(joinError(ErrorCode.MEMBER_ID_REQUIRED, newId));
      return;
    }
    this.rebalance.addMemberAndRebalance(group, newId, req, resolve);
  }

  private joinKnownMember(group: ClassicGroup, req: JoinRequest, resolve: (r: JoinResult) => void): void {
    if (group.isFenced(req.memberId, req.groupInstanceId)) {
      resolve(joinError(ErrorCode.FENCED_INSTANCE_ID, req.memberId));
      return;
    }
    if (group.removePending(req.memberId)) {
      this.rebalance.addMemberAndRebalance(group, req.memberId, req, resolve);
      return;
    }
    const member = group.get(req.memberId);
    if (!member) {
      resolve(joinError(ErrorCode.UNKNOWN_MEMBER_ID, req.memberId));
      return;
    }
    if (req.groupInstanceId !== null && member.groupInstanceId !== req.groupInstanceId) {
      resolve(joinError(ErrorCode.FENCED_INSTANCE_ID, req.memberId));
      return;
    }
    switch (group.state) {
      case GroupState.PreparingRebalance:
        this.rebalance.updateMemberAndRebalance(group, member, req, resolve);
        return;
      case GroupState.CompletingRebalance:
        if (ClassicGroup.sameProtocols(member.protocols, req.protocols)) {
          // A retried JoinGroup whose reply was lost: hand back the current generation.
          this.rebalance.touch(group, member);
          resolve(group.joinResultFor(member.memberId));
        } else {
          this.rebalance.updateMemberAndRebalance(group, member, req, resolve);
        }
        return;
      case GroupState.Stable:
        if (group.isLeader(member.memberId) || !ClassicGroup.sameProtocols(member.protocols, req.protocols)) {
          this.rebalance.updateMemberAndRebalance(group, member, req, resolve);
        } else {
          this.rebalance.touch(group, member);
          resolve(group.joinResultFor(member.memberId));
        }
        return;
      default:
        // Empty or Dead cannot hold a known member.
        resolve(joinError(ErrorCode.UNKNOWN_MEMBER_ID, req.memberId));
    }
  }

  // ---------------------------------------------------------------- SyncGroup

  sync(req: SyncRequest): Promise<SyncResult> {
    if (!validGroupId(req.groupId)) return Promise.resolve(syncError(ErrorCode.INVALID_GROUP_ID));
    if (this.closed) return Promise.resolve(syncError(ErrorCode.NOT_COORDINATOR));
    if (this.loading()) return Promise.resolve(syncError(ErrorCode.COORDINATOR_LOAD_IN_PROGRESS));
    const group = this.groups.get(req.groupId);
    if (!group) return Promise.resolve(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
    if (group.is(GroupState.Dead)) return Promise.resolve(syncError(ErrorCode.COORDINATOR_NOT_AVAILABLE));
    if (group.isFenced(req.memberId, req.groupInstanceId)) return Promise.resolve(syncError(ErrorCode.FENCED_INSTANCE_ID));
    const member = group.get(req.memberId);
    if (!member) return Promise.resolve(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
    if (req.groupInstanceId !== null && member.groupInstanceId !== req.groupInstanceId) {
      return Promise.resolve(syncError(ErrorCode.FENCED_INSTANCE_ID));
    }
    if (req.generationId !== group.generationId) return Promise.resolve(syncError(ErrorCode.ILLEGAL_GENERATION));
    if ((req.protocolType !== null && req.protocolType !== group.protocolType) || (req.protocolName !== null && req.protocolName !== group.protocolName)) {
      return Promise.resolve(syncError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL));
    }
    const action = syncActionIn(group.state);
    switch (action) {
      case 'error-unknown-member':
        return Promise.resolve(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
      case 'error-rebalancing':
        return Promise.resolve(syncError(ErrorCode.REBALANCE_IN_PROGRESS));
      case 'error-dead':
        return Promise.resolve(syncError(ErrorCode.COORDINATOR_NOT_AVAILABLE));
      case 'answer-current':
        group.pendingSync.delete(member.memberId);
        this.rebalance.touch(group, member);
        return Promise.resolve(this.rebalance.syncResultFor(group, member));
      case 'park':
        return new Promise<SyncResult>((resolve) => {
          member.awaitingSync?.(syncError(ErrorCode.REBALANCE_IN_PROGRESS));
          member.awaitingSync = resolve;
          group.pendingSync.delete(member.memberId);
          this.rebalance.touch(group, member);
          if (group.isLeader(member.memberId)) this.rebalance.completeSync(group, req.assignments);
        });
    }
  }

  // ---------------------------------------------------------------- Heartbeat, LeaveGroup

  heartbeat(groupId: string, memberId: string, generationId: number, groupInstanceId: string | null): number {
    if (!validGroupId(groupId)) return ErrorCode.INVALID_GROUP_ID;
    if (this.closed) return ErrorCode.NOT_COORDINATOR;
    if (this.loading()) return ErrorCode.COORDINATOR_LOAD_IN_PROGRESS;
    const group = this.groups.get(groupId);
    if (!group) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (group.is(GroupState.Dead)) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    if (group.isFenced(memberId, groupInstanceId)) return ErrorCode.FENCED_INSTANCE_ID;
    const member = group.get(memberId);
    if (!member) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (groupInstanceId !== null && member.groupInstanceId !== groupInstanceId) return ErrorCode.FENCED_INSTANCE_ID;
    if (generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION;
    const code = heartbeatErrorIn(group.state);
    if (code === ErrorCode.NONE) this.rebalance.touch(group, member);
    return code;
  }

  leave(groupId: string, members: { memberId: string; groupInstanceId: string | null }[]): LeaveResult {
    if (!validGroupId(groupId)) return { errorCode: ErrorCode.INVALID_GROUP_ID, members: [] };
    if (this.closed) return { errorCode: ErrorCode.NOT_COORDINATOR, members: [] };
    if (this.loading()) return { errorCode: ErrorCode.COORDINATOR_LOAD_IN_PROGRESS, members: [] };
    const group = this.groups.get(groupId);
    if (!group) {
      return { errorCode: ErrorCode.NONE, members: members.map((m) => ({ ...m, errorCode: ErrorCode.UNKNOWN_MEMBER_ID })) };
    }
    if (group.is(GroupState.Dead)) return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, members: [] };
    const results = members.map((m) => {
      const id = m.memberId !== '' ? m.memberId : m.groupInstanceId !== null ? (group.staticMembers.get(m.groupInstanceId) ?? '') : '';
      if (group.removePending(id)) {
        this.rebalance.tryCompleteJoin(group);
        return { ...m, errorCode: ErrorCode.NONE };
      }
      const member = group.get(id);
      if (!member) return { ...m, errorCode: ErrorCode.UNKNOWN_MEMBER_ID };
      if (m.groupInstanceId !== null && member.groupInstanceId !== m.groupInstanceId) {
        return { ...m, errorCode: ErrorCode.FENCED_INSTANCE_ID };
      }
      this.rebalance.removeMember(group, id, ErrorCode.UNKNOWN_MEMBER_ID);
      return { ...m, errorCode: ErrorCode.NONE };
    });
    return { errorCode: ErrorCode.NONE, members: results };
  }

  // ---------------------------------------------------------------- OffsetCommit validation

  /** Kafka's validateOffsetCommit: 0 when the commit may be written. Creates the group for simple commits. */
  validateCommit(groupId: string, memberId: string, generationId: number, groupInstanceId: string | null): number {
    if (!validGroupId(groupId)) return ErrorCode.INVALID_GROUP_ID;
    if (this.closed) return ErrorCode.NOT_COORDINATOR;
    if (this.loading()) return ErrorCode.COORDINATOR_LOAD_IN_PROGRESS;
    const group = this.groups.get(groupId);
    if (!group) {
      if (generationId >= 0) return ErrorCode.ILLEGAL_GENERATION;
      this.ensureGroup(groupId);
      return ErrorCode.NONE;
    }
    if (group.is(GroupState.Dead)) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    if (generationId < 0 && group.is(GroupState.Empty)) return ErrorCode.NONE;
    if (group.isFenced(memberId, groupInstanceId)) return ErrorCode.FENCED_INSTANCE_ID;
    const member = group.get(memberId);
    if (!member) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (groupInstanceId !== null && member.groupInstanceId !== groupInstanceId) return ErrorCode.FENCED_INSTANCE_ID;
    if (generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION;
    const code = memberCommitErrorIn(group.state);
    if (code === ErrorCode.NONE) this.rebalance.touch(group, member);
    return code;
  }

  // ---------------------------------------------------------------- Delete, close

  /** DeleteGroups for one id: 0, NON_EMPTY_GROUP 68 or GROUP_ID_NOT_FOUND 69. The caller drops the offsets. */
  deleteGroup(groupId: string): number {
    if (!validGroupId(groupId)) return ErrorCode.INVALID_GROUP_ID;
    if (this.closed) return ErrorCode.NOT_COORDINATOR;
    if (this.loading()) return ErrorCode.COORDINATOR_LOAD_IN_PROGRESS;
    const group = this.groups.get(groupId);
    if (!group || group.is(GroupState.Dead)) return ErrorCode.GROUP_ID_NOT_FOUND;
    if (!group.is(GroupState.Empty)) return ErrorCode.NON_EMPTY_GROUP;
    this.rebalance.cancelRebalanceTimer(group);
    for (const p of [...group.pendingMembers.keys()]) group.removePending(p);
    group.transitionTo(GroupState.Dead);
    this.groups.delete(groupId);
    return ErrorCode.NONE;
  }

  /** Answers every parked request with NOT_COORDINATOR and cancels every timer. */
  close(): void {
    this.closed = true;
    for (const group of this.groups.values()) {
      this.rebalance.cancelRebalanceTimer(group);
      for (const p of [...group.pendingMembers.keys()]) group.removePending(p);
      for (const m of group.members.values()) {
        m.sessionTimer?.cancel();
        m.sessionTimer = null;
        const j = m.awaitingJoin;
        const s = m.awaitingSync;
        m.awaitingJoin = null;
        m.awaitingSync = null;
        j?.(joinError(ErrorCode.NOT_COORDINATOR, m.memberId));
        s?.(syncError(ErrorCode.NOT_COORDINATOR));
      }
    }
  }

}
