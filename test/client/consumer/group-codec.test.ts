import { describe, expect, it } from 'vitest';
import { decodeGroupSubscription, encodeGroupSubscription } from '../../../src/client/consumer/group-codec.ts';
import { decodeSubscription, encodeSubscription } from '../../../src/protocol/messages/consumer-protocol.ts';

describe('group-codec subscription, OwnedPartitions (KIP-429)', () => {
  it('writes Kafka ConsumerProtocolSubscription v1 exactly when owned partitions are given', () => {
    const ours = encodeGroupSubscription({ version: 1, topics: ['a', 'b'], userData: Buffer.from([0, 0, 0, 7]), ownedPartitions: new Map([['a', [0, 2]], ['b', []], ['c', [5]]]) });
    const kafka = encodeSubscription({ topics: ['a', 'b'], userData: Buffer.from([0, 0, 0, 7]), ownedPartitions: [{ topic: 'a', partitions: [0, 2] }, { topic: 'c', partitions: [5] }] }, 1);
    expect(ours.equals(kafka)).toBe(true);
    expect(decodeSubscription(ours).value.ownedPartitions).toEqual([{ topic: 'a', partitions: [0, 2] }, { topic: 'c', partitions: [5] }]);
  });

  it('reads OwnedPartitions and GenerationId of a v2/v3 member (Java, librdkafka) and ignores the rack', () => {
    const bytes = encodeSubscription({ topics: ['t'], userData: null, ownedPartitions: [{ topic: 't', partitions: [1, 3] }], generationId: 9, rackId: 'r1' }, 3);
    const s = decodeGroupSubscription(bytes);
    expect(s.version).toBe(3);
    expect(s.topics).toEqual(['t']);
    expect(s.userData.length).toBe(0);
    expect(s.ownedPartitions).toEqual(new Map([['t', [1, 3]]]));
    expect(s.generationId).toBe(9);
  });

  it('reads a "version 1" subscription with only the v0 body (kafkajs) as owning nothing', () => {
    const bytes = encodeGroupSubscription({ version: 1, topics: ['t'], userData: Buffer.from('x') });
    expect(decodeGroupSubscription(bytes)).toEqual({ version: 1, topics: ['t'], userData: Buffer.from('x'), ownedPartitions: new Map(), generationId: -1 });
  });
});
