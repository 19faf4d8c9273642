/*
 * A small real GroupAssignor for the group-consumer tests: partitions dealt out over members
 * sorted by id (member i gets partitions p with p % members === i); each member's subscription
 * userData is its label, each assignment's userData its rank ("rank-0", …). `seenLabels` collects
 * the labels the leader saw, so a test can check that subscription userData travelled.
 */
import type { GroupAssignor, MemberAssignment } from '../../../src/client/types.ts';

export function rangeAssignor(label: string, seenLabels: string[] = []): GroupAssignor {
  return {
    name: 'test-range',
    version: 1,
    userData: () => Buffer.from(label),
    assign({ members, topicPartitions }) {
      const sorted = [...members].sort((a, b) => a.memberId.localeCompare(b.memberId));
      seenLabels.push(...sorted.map((m) => m.userData.toString()));
      const out = new Map<string, MemberAssignment>();
      sorted.forEach((m, i) => {
        const partitions = new Map<string, number[]>();
        for (const [topic, count] of topicPartitions) partitions.set(topic, Array.from({ length: count }, (_, p) => p).filter((p) => p % sorted.length === i));
        out.set(m.memberId, { partitions, userData: Buffer.from(`rank-${i}`) });
      });
      return out;
    },
  };
}
