/*
 * "cooperative-sticky": Kafka's CooperativeStickyAssignor (KIP-429) for the plain group consumer,
 * under the name Java and librdkafka members offer, so a group may mix them.
 *
 * Member side: userData = int32 generation of the member's current assignment (what Kafka's
 * CooperativeStickyAssignor writes; -1 before the first), owned partitions travel in the
 * subscription (group-codec.ts, Subscription v1).
 *
 * Leader side, assign() — numbered phases:
 *   1 the partitions: 0..n-1 of every topic any member subscribes to that exists
 *   2 valid ownership: a member's claim on a partition counts when the partition exists and the
 *     member still subscribes to its topic; two members claiming one partition (one missed a
 *     rebalance): the higher generation wins, a tie leaves it unowned
 *   3 sticky: every member keeps its valid owned partitions
 *   4 fill: each unowned partition (topic, partition order) goes to the subscribed member with the
 *     fewest partitions (ties: smallest member id)
 *   5 balance: the least loaded member B that can take a partition from a member A with
 *     |A| > |B| + 1 takes the last such partition of the MOST loaded such A; repeat until no
 *     move is possible (the sum of squared counts falls at each move, so this ends). Only
 *     excess partitions move, the most loaded giving first, so no owner drops below its share
 *   6 cooperative: a partition given to a member other than its valid owner is left out of this
 *     assignment entirely — the owner revokes it (it is not in its assignment either) and rejoins,
 *     and the follow-up rebalance gives it out through 3–5 with nobody owning it
 * Each member's list comes out sorted by (topic, partition).
 * Invariants (property-tested): each partition to at most one member, only to a subscriber; never
 * to a member while another member validly owns it; with equal subscriptions, after the follow-up
 * rebalance every partition is assigned and counts differ by at most one; with unchanged members
 * and ownership nothing moves.
 */
import { partitionsByTopic, RebalanceProtocol, type AssignInput, type GroupAssignor, type MemberAssignment, type TopicPartition } from '../types.ts';

export const COOPERATIVE_STICKY = 'cooperative-sticky';

const key = (topic: string, partition: number): string => `${topic}\u0000${partition}`;

/** The generation a member reported: Subscription v2 GenerationId, else its 4-byte userData. */
function generationOf(m: AssignInput['members'][number]): number {
  if (m.generation !== undefined && m.generation >= 0) return m.generation;
  return m.userData.length === 4 ? m.userData.readInt32BE(0) : -1;
}

/** The pure assignment (phases 1–6): member id → its partitions. */
export function cooperativeStickyAssign(input: AssignInput): Map<string, TopicPartition[]> {
  const members = [...input.members].sort((a, b) => (a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0));
  const subscribes = new Map(members.map((m) => [m.memberId, new Set(m.topics)]));
  // 1
  const topics = [...new Set(members.flatMap((m) => m.topics))].filter((t) => input.topicPartitions.has(t)).sort();
  const all: TopicPartition[] = topics.flatMap((topic) => Array.from({ length: input.topicPartitions.get(topic)! }, (_, partition) => ({ topic, partition })));
  const exists = new Set(all.map((tp) => key(tp.topic, tp.partition)));
  // 2
  const owner = new Map<string, { memberId: string; generation: number } | null>();
  for (const m of members) {
    const generation = generationOf(m);
    for (const tp of m.ownedPartitions ?? []) {
      const k = key(tp.topic, tp.partition);
      if (!exists.has(k) || !subscribes.get(m.memberId)!.has(tp.topic)) continue;
      const prev = owner.get(k);
      if (prev === undefined) owner.set(k, { memberId: m.memberId, generation });
      else if (prev !== null && prev.memberId !== m.memberId) {
        owner.set(k, generation > prev.generation ? { memberId: m.memberId, generation } : generation < prev.generation ? prev : null);
      }
    }
  }
  const owned = new Map<string, string>();
  for (const [k, o] of owner) if (o !== null) owned.set(k, o.memberId);
  // 3
  const assigned = new Map<string, TopicPartition[]>(members.map((m) => [m.memberId, []]));
  const unowned: TopicPartition[] = [];
  for (const tp of all) {
    const o = owned.get(key(tp.topic, tp.partition));
    if (o !== undefined) assigned.get(o)!.push(tp);
    else unowned.push(tp);
  }
  // 4
  for (const tp of unowned) {
    let best: string | undefined;
    for (const m of members) {
      if (!subscribes.get(m.memberId)!.has(tp.topic)) continue;
      if (best === undefined || assigned.get(m.memberId)!.length < assigned.get(best)!.length) best = m.memberId;
    }
    if (best !== undefined) assigned.get(best)!.push(tp);
  }
  // 5
  const countOf = (id: string): number => assigned.get(id)!.length;
  for (let moved = true; moved; ) {
    moved = false;
    const byLoad = [...members].sort((x, y) => countOf(x.memberId) - countOf(y.memberId));
    for (const b of byLoad) {
      const subs = subscribes.get(b.memberId)!;
      let donor: string | undefined;
      let index = -1;
      for (const a of members) {
        const from = assigned.get(a.memberId)!;
        if (from.length <= countOf(b.memberId) + 1 || (donor !== undefined && from.length <= countOf(donor))) continue;
        let i = from.length - 1;
        while (i >= 0 && !subs.has(from[i]!.topic)) i--;
        if (i >= 0) {
          donor = a.memberId;
          index = i;
        }
      }
      if (donor === undefined) continue;
      assigned.get(b.memberId)!.push(assigned.get(donor)!.splice(index, 1)[0]!);
      moved = true;
      break;
    }
  }
  // 6
  for (const [memberId, list] of assigned) {
    assigned.set(
      memberId,
      list.filter((tp) => {
        const o = owned.get(key(tp.topic, tp.partition));
        return o === undefined || o === memberId;
      }).sort((x, y) => (x.topic < y.topic ? -1 : x.topic > y.topic ? 1 : x.partition - y.partition)),
    );
  }
  return assigned;
}

/** A fresh cooperative-sticky assignor for one consumer (it remembers its generation). */
export function cooperativeStickyAssignor(): GroupAssignor {
  let generation = -1;
  return {
    name: COOPERATIVE_STICKY,
    version: 1,
    supportedProtocols: [RebalanceProtocol.EAGER, RebalanceProtocol.COOPERATIVE],
    userData(): Buffer {
      const b = Buffer.alloc(4);
      b.writeInt32BE(generation, 0);
      return b;
    },
    onAssignment(_partitions, generationId) {
      generation = generationId;
    },
    assign(input: AssignInput): Map<string, MemberAssignment> {
      const out = new Map<string, MemberAssignment>();
      for (const [memberId, list] of cooperativeStickyAssign(input)) {
        // Lists come out sorted by (topic, partition), so each topic's partitions are sorted.
        out.set(memberId, { partitions: partitionsByTopic(list), userData: Buffer.alloc(0) });
      }
      return out;
    },
  };
}
