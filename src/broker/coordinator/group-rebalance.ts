/*
 * The rebalance mechanics of the classic protocol: adding and updating members, the numbered
 * phases (see group-coordinator.ts for the list), completing joins and syncs, session and pending
 * timers, and removing members. GroupCoordinator validates each request and calls in here; this
 * class never looks at request validity, only at group state, so the two concerns stay apart.
 *
 * Invariants (shared with GroupCoordinator): every parked JoinGroup/SyncGroup reply is called
 * exactly once; each member has at most one live session timer; a group has at most one
 * rebalance/sync deadline timer (`group.rebalanceTimer`); state changes go through
 * ClassicGroup.transitionTo (the table in group-state.ts).
 */
import { ErrorCode } from '../../protocol/error-codes.ts';
import type { ClassicGroup, GroupMember, JoinResult, SyncResult } from './classic-group.ts';
import type { GroupCoordinatorOptions, JoinRequest, SyncRequest } from './group-coordinator.ts';
import { GroupState } from './group-state.ts';

export function joinError(errorCode: number, memberId = ''): JoinResult {
  return { errorCode, generationId: -1, protocolType: null, protocolName: null, leader: '', memberId, members: [] };
}

export function syncError(errorCode: number): SyncResult {
  return { errorCode, protocolType: null, protocolName: null, assignment: Buffer.alloc(0) };
}

export class GroupRebalancer {
  constructor(private readonly opts: GroupCoordinatorOptions) {}

  addMemberAndRebalance(group: ClassicGroup, memberId: string, req: JoinRequest, resolve: (r: JoinResult) => void): void {
    const member: GroupMember = {
      memberId,
      groupInstanceId: req.groupInstanceId,
      clientId: req.clientId,
      clientHost: req.clientHost,
      sessionTimeoutMs: req.sessionTimeoutMs,
      rebalanceTimeoutMs: req.rebalanceTimeoutMs,
      protocolType: req.protocolType,
      protocols: req.protocols,
      assignment: Buffer.alloc(0),
      awaitingJoin: resolve,
      awaitingSync: null,
      sessionTimer: null,
    };
    group.add(member);
    this.touch(group, member);
    this.maybePrepareRebalance(group);
  }

  updateMemberAndRebalance(group: ClassicGroup, member: GroupMember, req: JoinRequest, resolve: (r: JoinResult) => void): void {
    member.protocols = req.protocols;
    member.sessionTimeoutMs = req.sessionTimeoutMs;
    member.rebalanceTimeoutMs = req.rebalanceTimeoutMs;
    member.clientId = req.clientId;
    member.clientHost = req.clientHost;
    // Two parked joins for one member (a client retry): the older one is superseded.
    member.awaitingJoin?.(joinError(ErrorCode.REBALANCE_IN_PROGRESS, member.memberId));
    member.awaitingJoin = resolve;
    this.touch(group, member);
    this.maybePrepareRebalance(group);
  }

  /**
   * A static member (KIP-345) rejoined with an unknown member id: it replaces its previous
   * incarnation (whose parked join or sync is answered FENCED_INSTANCE_ID) under a new member id.
   * In a Stable group whose chosen protocol stays the same there is no rebalance (Kafka's
   * updateStaticMemberAndRebalance): the reply carries the current generation and the OLD leader
   * id, so the member — even when it was the leader — does not compute an assignment, and its
   * SyncGroup gets back the assignment it had. Mid-rebalance the join takes part in the
   * rebalance; after the join phase (CompletingRebalance) a new rebalance starts, because the
   * leader may be assigning to the old member id.
   */
  replaceStaticMember(group: ClassicGroup, oldId: string, newId: string, req: JoinRequest, resolve: (r: JoinResult) => void): void {
    const previousLeader = group.leaderId;
    const old = group.get(oldId);
    if (old === undefined) throw new Error(`no member ${oldId} in group ${group.groupId}`);
    const [oldJoin, oldSync] = [old.awaitingJoin, old.awaitingSync];
    old.awaitingJoin = null;
    old.awaitingSync = null;
    oldJoin?.(joinError(ErrorCode.FENCED_INSTANCE_ID, oldId));
    oldSync?.(syncError(ErrorCode.FENCED_INSTANCE_ID));
    const member = group.replaceMember(oldId, newId);
    member.sessionTimeoutMs = req.sessionTimeoutMs;
    member.rebalanceTimeoutMs = req.rebalanceTimeoutMs;
    member.clientId = req.clientId;
    member.clientHost = req.clientHost;
    member.protocols = req.protocols;
    this.touch(group, member);
    if (group.is(GroupState.Stable) && group.selectProtocol() === group.protocolName) {
      resolve({
        errorCode: ErrorCode.NONE,
        generationId: group.generationId,
        protocolType: group.protocolType,
        protocolName: group.protocolName,
        leader: previousLeader ?? '',
        memberId: newId,
        members: [],
      });
      return;
    }
    member.awaitingJoin = resolve;
    this.maybePrepareRebalance(group);
  }

  maybePrepareRebalance(group: ClassicGroup): void {
    if (group.is(GroupState.PreparingRebalance)) {
      this.tryCompleteJoin(group);
      return;
    }
    this.prepareRebalance(group);
  }

  /** Phase 1. */
  prepareRebalance(group: ClassicGroup): void {
    if (group.is(GroupState.CompletingRebalance)) this.failParkedSyncs(group, ErrorCode.REBALANCE_IN_PROGRESS);
    const wasEmpty = group.is(GroupState.Empty);
    group.transitionTo(GroupState.PreparingRebalance);
    group.pendingSync.clear();
    this.cancelRebalanceTimer(group);
    const rebalanceTimeout = group.rebalanceTimeoutMs();
    if (wasEmpty && this.opts.initialRebalanceDelayMs > 0) {
      group.inInitialDelay = true;
      const delay = Math.min(this.opts.initialRebalanceDelayMs, rebalanceTimeout);
      group.rebalanceTimer = this.opts.scheduler.schedule(delay, () => {
        group.rebalanceTimer = null;
        group.inInitialDelay = false;
        if (!group.is(GroupState.PreparingRebalance)) return;
        const remaining = rebalanceTimeout - delay;
        if (group.allMembersJoined() || remaining <= 0) this.completeJoin(group);
        else group.rebalanceTimer = this.opts.scheduler.schedule(remaining, () => this.onJoinDeadline(group));
      });
      return;
    }
    group.rebalanceTimer = this.opts.scheduler.schedule(rebalanceTimeout, () => this.onJoinDeadline(group));
    this.tryCompleteJoin(group);
  }

  onJoinDeadline(group: ClassicGroup): void {
    group.rebalanceTimer = null;
    if (group.is(GroupState.PreparingRebalance)) this.completeJoin(group);
  }

  tryCompleteJoin(group: ClassicGroup): void {
    if (group.is(GroupState.PreparingRebalance) && !group.inInitialDelay && group.allMembersJoined()) this.completeJoin(group);
  }

  /** Phase 3. */
  completeJoin(group: ClassicGroup): void {
    this.cancelRebalanceTimer(group);
    group.inInitialDelay = false;
    for (const m of [...group.members.values()]) {
      if (m.awaitingJoin === null) this.removeMemberQuietly(group, m.memberId);
    }
    group.generationId += 1;
    if (group.isEmpty()) {
      group.protocolName = null;
      group.leaderId = null;
      group.transitionTo(GroupState.Empty);
      this.opts.onGenerationComplete?.(group);
      return;
    }
    group.protocolName = group.selectProtocol();
    group.transitionTo(GroupState.CompletingRebalance);
    for (const m of group.members.values()) {
      const reply = m.awaitingJoin;
      m.awaitingJoin = null;
      m.assignment = Buffer.alloc(0);
      group.pendingSync.add(m.memberId);
      this.touch(group, m);
      reply?.(group.joinResultFor(m.memberId));
    }
    const generation = group.generationId;
    group.rebalanceTimer = this.opts.scheduler.schedule(group.rebalanceTimeoutMs(), () => {
      group.rebalanceTimer = null;
      if (group.generationId !== generation || group.pendingSync.size === 0) return;
      if (!group.is(GroupState.CompletingRebalance) && !group.is(GroupState.Stable)) return;
      for (const id of [...group.pendingSync]) this.removeMemberQuietly(group, id);
      this.prepareRebalance(group);
    });
    this.opts.onGenerationComplete?.(group);
  }

  /** Phase 4. */
  completeSync(group: ClassicGroup, assignments: SyncRequest['assignments']): void {
    const byMember = new Map(assignments.map((a) => [a.memberId, a.assignment]));
    group.transitionTo(GroupState.Stable);
    for (const m of group.members.values()) {
      m.assignment = byMember.get(m.memberId) ?? Buffer.alloc(0);
      const reply = m.awaitingSync;
      m.awaitingSync = null;
      reply?.(this.syncResultFor(group, m));
    }
  }

  syncResultFor(group: ClassicGroup, member: GroupMember): SyncResult {
    const assignment =
      member.assignment.length === 0 && group.protocolType === 'consumer' ? this.opts.emptyConsumerAssignment : member.assignment;
    return { errorCode: 0, protocolType: group.protocolType, protocolName: group.protocolName, assignment };
  }

  failParkedSyncs(group: ClassicGroup, errorCode: number): void {
    for (const m of group.members.values()) {
      m.assignment = Buffer.alloc(0);
      const reply = m.awaitingSync;
      m.awaitingSync = null;
      reply?.(syncError(errorCode));
    }
  }

  /** Resets a member's session timer (every join, sync, heartbeat and commit counts). */
  touch(group: ClassicGroup, member: GroupMember): void {
    member.sessionTimer?.cancel();
    member.sessionTimer = this.opts.scheduler.schedule(member.sessionTimeoutMs, () => {
      member.sessionTimer = null;
      if (group.get(member.memberId) !== member) return;
      // A member whose JoinGroup or SyncGroup is parked is alive by definition (Kafka's
      // hasSatisfiedHeartbeat); the join and sync deadlines bound how long that can last.
      if (member.awaitingJoin !== null || member.awaitingSync !== null) {
        this.touch(group, member);
        return;
      }
      this.removeMember(group, member.memberId, ErrorCode.UNKNOWN_MEMBER_ID);
    });
  }

  expirePending(group: ClassicGroup, memberId: string): void {
    const p = group.pendingMembers.get(memberId);
    if (!p) return;
    p.timer = null;
    group.removePending(memberId);
    this.tryCompleteJoin(group);
  }

  /** Removes a member (leave, session expiry, fencing) and moves the group on. */
  removeMember(group: ClassicGroup, memberId: string, replyCode: number): void {
    const member = group.get(memberId);
    if (!member) return;
    const j = member.awaitingJoin;
    const s = member.awaitingSync;
    member.awaitingJoin = null;
    member.awaitingSync = null;
    group.remove(memberId);
    j?.(joinError(replyCode, memberId));
    s?.(syncError(replyCode));
    switch (group.state) {
      case GroupState.PreparingRebalance:
        this.tryCompleteJoin(group);
        break;
      case GroupState.CompletingRebalance:
      case GroupState.Stable:
        this.prepareRebalance(group);
        break;
      default:
        break;
    }
  }

  /** Removal inside completeJoin / sync deadline, where the caller moves the group on itself. */
  removeMemberQuietly(group: ClassicGroup, memberId: string): void {
    const member = group.get(memberId);
    if (!member) return;
    const s = member.awaitingSync;
    member.awaitingSync = null;
    group.remove(memberId);
    s?.(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
  }

  cancelRebalanceTimer(group: ClassicGroup): void {
    group.rebalanceTimer?.cancel();
    group.rebalanceTimer = null;
  }
}
