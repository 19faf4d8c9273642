/*
 * Which rebalance protocol a member runs (KIP-429), and what a new assignment changes.
 *
 * Kafka's ConsumerCoordinator picks, at construction, the highest protocol that EVERY configured
 * assignor supports: a member listing ["cooperative-sticky", "range"] stays EAGER. That is what
 * makes Kafka's two-roll upgrade safe — roll 1 adds the cooperative assignor beside the eager one
 * (the group still picks the eager one while any old member remains, and everybody revokes
 * eagerly), roll 2 removes the eager one, after which every member is cooperative.
 */
import { KafkaClientError } from '../errors.ts';
import { RebalanceProtocol, type GroupAssignor, type TopicPartition } from '../types.ts';

/** The highest protocol every assignor supports (COOPERATIVE > EAGER). */
export function rebalanceProtocolOf(assignors: readonly GroupAssignor[]): RebalanceProtocol {
  if (assignors.length === 0) throw new KafkaClientError('the group consumer needs at least one assignor (partition.assignment.strategy is empty)', { retriable: false });
  const names = new Set<string>();
  for (const a of assignors) {
    if (names.has(a.name)) throw new KafkaClientError(`assignor "${a.name}" is listed twice in partition.assignment.strategy`, { retriable: false });
    names.add(a.name);
  }
  const supports = (a: GroupAssignor, p: RebalanceProtocol): boolean => (a.supportedProtocols ?? [RebalanceProtocol.EAGER]).includes(p);
  if (assignors.every((a) => supports(a, RebalanceProtocol.COOPERATIVE))) return RebalanceProtocol.COOPERATIVE;
  if (assignors.every((a) => supports(a, RebalanceProtocol.EAGER))) return RebalanceProtocol.EAGER;
  throw new KafkaClientError(`the assignors ${assignors.map((a) => a.name).join(', ')} support no common rebalance protocol`, { retriable: false });
}

const key = (tp: TopicPartition): string => `${tp.topic}\u0000${tp.partition}`;

/** revoked = owned − assigned, added = assigned − owned (each in its input order). */
export function partitionDiff(owned: readonly TopicPartition[], assigned: readonly TopicPartition[]): { revoked: TopicPartition[]; added: TopicPartition[] } {
  const a = new Set(assigned.map(key));
  const o = new Set(owned.map(key));
  return { revoked: owned.filter((tp) => !a.has(key(tp))), added: assigned.filter((tp) => !o.has(key(tp))) };
}
