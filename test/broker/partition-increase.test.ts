// The CreatePartitions checks (src/broker/partition-increase.ts) against a plain reference
// model: an increase is accepted exactly when the count grows, stays within the limit, and any
// assignment lists one replica on this broker for each new partition.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { checkPartitionIncrease, MAX_PARTITIONS } from '../../src/broker/partition-increase.ts';
import { TopicError } from '../../src/broker/topic-error.ts';
import { ErrorCode } from '../../src/protocol/error-codes.ts';

const NODE = 1;

function outcome(current: number, count: number, assignments: { brokerIds: number[] }[] | null): number {
  try {
    checkPartitionIncrease(current, { name: 't', count, assignments }, NODE);
    return ErrorCode.NONE;
  } catch (err) {
    if (!(err instanceof TopicError)) throw err;
    return err.errorCode;
  }
}

function model(current: number, count: number, assignments: { brokerIds: number[] }[] | null): number {
  if (count <= current || count > MAX_PARTITIONS) return ErrorCode.INVALID_PARTITIONS;
  if (assignments === null) return ErrorCode.NONE;
  const good = assignments.length === count - current && assignments.every((a) => a.brokerIds.length === 1 && a.brokerIds[0] === NODE);
  return good ? ErrorCode.NONE : ErrorCode.INVALID_REPLICA_ASSIGNMENT;
}

describe('checkPartitionIncrease', () => {
  it('agrees with the reference model', () => {
    const assignment = fc.record({ brokerIds: fc.array(fc.constantFrom(NODE, NODE, 2, -1), { maxLength: 3 }) });
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }),
        fc.oneof(fc.integer({ min: -5, max: 30 }), fc.constantFrom(MAX_PARTITIONS, MAX_PARTITIONS + 1)),
        fc.option(fc.array(assignment, { maxLength: 12 }), { nil: null }),
        (current, count, assignments) => {
          expect(outcome(current, count, assignments)).toBe(model(current, count, assignments));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('uses Kafka\'s messages', () => {
    const message = (current: number, count: number, assignments: { brokerIds: number[] }[] | null) => {
      try {
        checkPartitionIncrease(current, { name: 't', count, assignments }, NODE);
        return null;
      } catch (err) {
        return (err as Error).message;
      }
    };
    expect(message(3, 2, null)).toBe('Topic currently has 3 partitions, which is higher than the requested 2.');
    expect(message(3, 3, null)).toBe('Topic already has 3 partition(s).');
    expect(message(3, 6, [{ brokerIds: [1] }])).toBe('Increasing the number of partitions by 3 but 1 assignments provided.');
    expect(message(3, 4, [{ brokerIds: [12] }])).toBe('Unknown broker(s) in replica assignment: 12.');
    expect(message(3, 4, [{ brokerIds: [1, 1] }])).toBe('Duplicate brokers not allowed in replica assignment: 1, 1 for partition id 3.');
    expect(message(3, 4, [{ brokerIds: [1] }])).toBeNull();
  });
});
