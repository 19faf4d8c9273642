/*
 * The checks of a CreatePartitions request for one topic (KIP-195), before anything changes:
 * a pure function of the topic's current count, the request and this broker's id, so the handler
 * test and validate_only share one rule set. Messages are Kafka's own (AdminClient callers and
 * scripts match on them), in the order Kafka checks:
 *
 *   refusal                                                      code
 *   count == current   "Topic already has N partition(s)."       INVALID_PARTITIONS 37
 *   count <  current   "Topic currently has N partitions, which
 *                       is higher than the requested M."          INVALID_PARTITIONS 37
 *   count > MAX_PARTITIONS (ours: each partition is a directory)  INVALID_PARTITIONS 37
 *   assignments given but not one per new partition               INVALID_REPLICA_ASSIGNMENT 39
 *   a broker named twice for one partition                        INVALID_REPLICA_ASSIGNMENT 39
 *   a broker other than this node                                 INVALID_REPLICA_ASSIGNMENT 39
 *   more or fewer than 1 replica (the existing partitions have 1) INVALID_REPLICA_ASSIGNMENT 39
 *
 * An absent assignment list (null) lets the broker place the partitions (here: on itself).
 */
import { ErrorCode } from '../protocol/error-codes.ts';
import { TopicError } from './topic-error.ts';

/** Partition counts above this are refused (a single-node dev broker; each is a directory). */
export const MAX_PARTITIONS = 10_000;

export interface PartitionIncrease {
  name: string;
  /** The new total partition count. */
  count: number;
  /** Replicas of each new partition, in partition order; null = broker's choice. */
  assignments: readonly { brokerIds: readonly number[] }[] | null;
}

/** Throws TopicError when `req` may not raise a topic of `current` partitions on broker `nodeId`. */
export function checkPartitionIncrease(current: number, req: PartitionIncrease, nodeId: number): void {
  const fail = (code: number, message: string): never => {
    throw new TopicError(code, message);
  };
  if (req.count === current) fail(ErrorCode.INVALID_PARTITIONS, `Topic already has ${current} partition(s).`);
  if (req.count < current) {
    fail(ErrorCode.INVALID_PARTITIONS, `Topic currently has ${current} partitions, which is higher than the requested ${req.count}.`);
  }
  if (req.count > MAX_PARTITIONS) {
    fail(ErrorCode.INVALID_PARTITIONS, `Number of partitions ${req.count} is above this broker's limit of ${MAX_PARTITIONS}.`);
  }
  if (req.assignments === null) return;
  const added = req.count - current;
  if (req.assignments.length !== added) {
    fail(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `Increasing the number of partitions by ${added} but ${req.assignments.length} assignments provided.`);
  }
  req.assignments.forEach((a, i) => {
    const partition = current + i;
    if (new Set(a.brokerIds).size !== a.brokerIds.length) {
      fail(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `Duplicate brokers not allowed in replica assignment: ${a.brokerIds.join(', ')} for partition id ${partition}.`);
    }
    const unknown = a.brokerIds.filter((b) => b !== nodeId);
    if (unknown.length > 0) fail(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `Unknown broker(s) in replica assignment: ${unknown.join(', ')}.`);
    if (a.brokerIds.length !== 1) {
      fail(
        ErrorCode.INVALID_REPLICA_ASSIGNMENT,
        `Inconsistent replication factor between partitions, partition 0 has 1 while partitions [${partition}] have replication factors [${a.brokerIds.length}], respectively.`,
      );
    }
  });
}
