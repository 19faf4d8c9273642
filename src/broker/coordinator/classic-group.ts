/*
 * One classic consumer group: its members, pending members (v4+ joiners that were handed a
 * member id but have not re-joined with it yet), generation, chosen protocol, leader, and the
 * JoinGroup/SyncGroup requests parked until the rebalance completes.
 *
 * This class is the single source of truth for a group's membership and state. It does no
 * timing and answers no requests by itself: GroupCoordinator decides when to complete a join or
 * a sync and owns the timers; this class keeps the data consistent (state changes go through
 * group-state.ts's transition table).
 *
 * Protocol selection (Kafka's GroupMetadata.selectProtocol): the candidates are the protocol
 * names every member supports; each member votes for its first-listed candidate; the most votes
 * win, ties going to the candidate listed first by the first member.
 */
import { assertTransition, GroupState } from './group-state.ts';
import type { TimerHandle } from './scheduler.ts';

export interface GroupProtocol {
  name: string;
  metadata: Buffer;
}

export interface JoinMemberInfo {
  memberId: string;
  groupInstanceId: string | null;
  metadata: Buffer;
}

export interface JoinResult {
  errorCode: number;
  generationId: number;
  protocolType: string | null;
  protocolName: string | null;
  leader: string;
  memberId: string;
  /** Filled only in the leader's reply: every member with its metadata for the chosen protocol. */
  members: JoinMemberInfo[];
}

export interface SyncResult {
  errorCode: number;
  protocolType: string | null;
  protocolName: string | null;
  assignment: Buffer;
}

export interface GroupMember {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  protocolType: string;
  protocols: GroupProtocol[];
  assignment: Buffer;
  awaitingJoin: ((r: JoinResult) => void) | null;
  awaitingSync: ((r: SyncResult) => void) | null;
  sessionTimer: TimerHandle | null;
}

export interface PendingMember {
  memberId: string;
  timer: TimerHandle | null;
}

export class ClassicGroup {
  state: GroupState = GroupState.Empty;
  generationId = 0;
  protocolType: string | null = null;
  protocolName: string | null = null;
  leaderId: string | null = null;
  readonly members = new Map<string, GroupMember>();
  readonly pendingMembers = new Map<string, PendingMember>();
  /** group_instance_id → member id, for static members (v5+). */
  readonly staticMembers = new Map<string, string>();
  /** Members of the current generation that have not sent SyncGroup yet. */
  readonly pendingSync = new Set<string>();
  /** The rebalance (join) or sync deadline timer; at most one at a time. */
  rebalanceTimer: TimerHandle | null = null;
  /** True while the first join into an Empty group waits for the initial rebalance delay. */
  inInitialDelay = false;

  constructor(readonly groupId: string) {}

  transitionTo(to: GroupState): void {
    assertTransition(this.groupId, this.state, to);
    this.state = to;
  }

  is(state: GroupState): boolean {
    return this.state === state;
  }

  isEmpty(): boolean {
    return this.members.size === 0;
  }

  has(memberId: string): boolean {
    return this.members.has(memberId);
  }

  get(memberId: string): GroupMember | undefined {
    return this.members.get(memberId);
  }

  isLeader(memberId: string): boolean {
    return this.leaderId === memberId;
  }

  /** Adds a member. The first member of an empty group sets the protocol type (kept while Empty, as Kafka does). */
  add(member: GroupMember): void {
    if (this.members.size === 0) this.protocolType = member.protocolType;
    this.members.set(member.memberId, member);
    if (member.groupInstanceId !== null) this.staticMembers.set(member.groupInstanceId, member.memberId);
    if (this.leaderId === null) this.leaderId = member.memberId;
  }

  /** Removes a member, cancelling its session timer. Its parked requests must be answered first. */
  remove(memberId: string): GroupMember | undefined {
    const member = this.members.get(memberId);
    if (!member) return undefined;
    member.sessionTimer?.cancel();
    member.sessionTimer = null;
    this.members.delete(memberId);
    this.pendingSync.delete(memberId);
    if (member.groupInstanceId !== null && this.staticMembers.get(member.groupInstanceId) === memberId) {
      this.staticMembers.delete(member.groupInstanceId);
    }
    if (this.leaderId === memberId) {
      const next = this.members.keys().next();
      this.leaderId = next.done ? null : next.value;
    }
    return member;
  }

  /**
   * KIP-345: a static member that rejoined with an unknown member id takes over its previous
   * incarnation's place under `newId` — same assignment, same leadership, same place in the
   * current generation's pending syncs. The old id is gone from the group afterwards (its session
   * timer is cancelled; requests still carrying it are fenced).
   */
  replaceMember(oldId: string, newId: string): GroupMember {
    const member = this.members.get(oldId);
    if (member === undefined) throw new Error(`group ${this.groupId} has no member ${oldId} to replace`);
    member.sessionTimer?.cancel();
    member.sessionTimer = null;
    this.members.delete(oldId);
    member.memberId = newId;
    this.members.set(newId, member);
    if (member.groupInstanceId !== null) this.staticMembers.set(member.groupInstanceId, newId);
    if (this.pendingSync.delete(oldId)) this.pendingSync.add(newId);
    if (this.leaderId === oldId) this.leaderId = newId;
    return member;
  }

  /**
   * Kafka's static-member fencing: a request naming a group instance id whose current member id
   * is another one comes from an older incarnation of that instance.
   */
  isFenced(memberId: string, groupInstanceId: string | null): boolean {
    if (groupInstanceId === null) return false;
    const current = this.staticMembers.get(groupInstanceId);
    return current !== undefined && current !== memberId;
  }

  addPending(memberId: string, timer: TimerHandle | null): void {
    this.pendingMembers.set(memberId, { memberId, timer });
  }

  removePending(memberId: string): boolean {
    const p = this.pendingMembers.get(memberId);
    if (!p) return false;
    p.timer?.cancel();
    this.pendingMembers.delete(memberId);
    return true;
  }

  /**
   * Whether a joiner offering `protocols` of `protocolType` is compatible with the group: an
   * empty group accepts any non-empty protocol list; otherwise the type must match and at least
   * one name must be supported by every existing member and the joiner.
   */
  supportsProtocols(protocolType: string, protocols: readonly GroupProtocol[]): boolean {
    if (protocols.length === 0) return false;
    if (this.members.size === 0) return true;
    if (this.protocolType !== protocolType) return false;
    const names = new Set(protocols.map((p) => p.name));
    return [...this.candidateProtocols()].some((n) => names.has(n));
  }

  /** Names every current member supports. */
  candidateProtocols(): Set<string> {
    let candidates: Set<string> | undefined;
    for (const m of this.members.values()) {
      const names = new Set<string>(m.protocols.map((p) => p.name));
      if (candidates === undefined) candidates = names;
      else for (const n of [...candidates]) if (!names.has(n)) candidates.delete(n);
    }
    return candidates ?? new Set<string>();
  }

  selectProtocol(): string {
    const candidates = this.candidateProtocols();
    const votes = new Map<string, number>();
    const order: string[] = [];
    for (const m of this.members.values()) {
      const vote = m.protocols.find((p) => candidates.has(p.name))?.name;
      if (vote === undefined) continue;
      if (!votes.has(vote)) order.push(vote);
      votes.set(vote, (votes.get(vote) ?? 0) + 1);
    }
    let best: string | undefined;
    for (const name of order) {
      if (best === undefined || (votes.get(name) ?? 0) > (votes.get(best) ?? 0)) best = name;
    }
    if (best === undefined) {
      throw new Error(`group "${this.groupId}": no protocol is supported by every member (coordinator bug: joins should have been refused)`);
    }
    return best;
  }

  metadataFor(member: GroupMember, protocolName: string): Buffer {
    const p = member.protocols.find((x) => x.name === protocolName);
    if (!p) {
      throw new Error(`group "${this.groupId}": member ${member.memberId} does not support protocol ${protocolName}`);
    }
    return p.metadata;
  }

  /** Every member and pending member has re-joined (has a parked JoinGroup). */
  allMembersJoined(): boolean {
    if (this.pendingMembers.size > 0) return false;
    for (const m of this.members.values()) if (m.awaitingJoin === null) return false;
    return true;
  }

  /** The rebalance timeout: the largest any member asked for. */
  rebalanceTimeoutMs(): number {
    let max = 0;
    for (const m of this.members.values()) max = Math.max(max, m.rebalanceTimeoutMs);
    return max;
  }

  /** Same protocols, same metadata bytes, same order: a re-join that changes nothing. */
  static sameProtocols(a: readonly GroupProtocol[], b: readonly GroupProtocol[]): boolean {
    return a.length === b.length && a.every((p, i) => { const q = b[i]; return q !== undefined && p.name === q.name && p.metadata.equals(q.metadata); });
  }

  /** The JoinGroup reply for `member` at the current generation. */
  joinResultFor(memberId: string): JoinResult {
    const isLeader = this.leaderId === memberId;
    const protocolName = this.protocolName;
    return {
      errorCode: 0,
      generationId: this.generationId,
      protocolType: this.protocolType,
      protocolName,
      leader: this.leaderId ?? '',
      memberId,
      members:
        isLeader && protocolName !== null
          ? [...this.members.values()].map((m) => ({
              memberId: m.memberId,
              groupInstanceId: m.groupInstanceId,
              metadata: this.metadataFor(m, protocolName),
            }))
          : [],
    };
  }

  /** A summary for DescribeGroups: metadata and assignments only when Stable, like Kafka. */
  describe(): {
    state: GroupState;
    protocolType: string;
    protocolData: string;
    members: { memberId: string; groupInstanceId: string | null; clientId: string; clientHost: string; metadata: Buffer; assignment: Buffer }[];
  } {
    const stable = this.state === GroupState.Stable;
    return {
      state: this.state,
      protocolType: this.protocolType ?? '',
      protocolData: stable ? (this.protocolName ?? '') : '',
      members: [...this.members.values()].map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        metadata: stable && this.protocolName !== null ? this.metadataFor(m, this.protocolName) : Buffer.alloc(0),
        assignment: stable ? m.assignment : Buffer.alloc(0),
      })),
    };
  }
}
