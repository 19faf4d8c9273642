import { describe, it, expect } from 'vitest';
import {
  decodeAssignment,
  decodeSubscription,
  EMPTY_CONSUMER_ASSIGNMENT,
  encodeAssignment,
  encodeSubscription,
} from '../../../src/protocol/messages/consumer-protocol.ts';

describe('consumer embedded protocol', () => {
  it('the empty assignment is version 0, zero partitions, null user data (not zero bytes)', () => {
    expect(EMPTY_CONSUMER_ASSIGNMENT.toString('hex')).toBe('0000' + '00000000' + 'ffffffff');
    expect(decodeAssignment(EMPTY_CONSUMER_ASSIGNMENT)).toEqual({ version: 0, value: { assignedPartitions: [], userData: null } });
  });

  it('a v0 subscription has the layout kafka-python and librdkafka send', () => {
    const bytes = encodeSubscription({ topics: ['t'], userData: null });
    expect(bytes.toString('hex')).toBe('0000' + '00000001' + '000174' + 'ffffffff');
  });

  it('round-trips a v3 subscription with owned partitions, generation and rack', () => {
    const value = { topics: ['a', 'b'], userData: Buffer.from('u'), ownedPartitions: [{ topic: 'a', partitions: [0, 2] }], generationId: 5, rackId: 'r1' };
    expect(decodeSubscription(encodeSubscription(value, 3))).toEqual({ version: 3, value });
  });

  it('parses a newer version with the v3 layout and ignores appended fields', () => {
    const v3 = encodeAssignment({ assignedPartitions: [{ topic: 'x', partitions: [1] }], userData: null }, 3);
    const future = Buffer.concat([v3, Buffer.from([1, 2, 3])]);
    future.writeInt16BE(7, 0);
    expect(decodeAssignment(future)).toEqual({ version: 7, value: { assignedPartitions: [{ topic: 'x', partitions: [1] }], userData: null } });
  });

  it('rejects bytes too short to hold a version', () => {
    expect(() => decodeAssignment(Buffer.alloc(1))).toThrow(/too short/);
  });
});
