/*
 * Test helper: what a read_committed consumer of one partition sees, from raw Fetches.
 */
import { expect } from 'vitest';
import { decodeRecords } from '../../../src/protocol/records/record-batch.ts';
import { isControlBatch, isTransactionalBatch } from '../../../src/protocol/records/batch-header.ts';
import { RawClient } from '../raw-client.ts';

export interface CommittedView {
  values: string[];
  lastStableOffset: number;
  highWatermark: number;
  abortedProducers: bigint[];
  /** The Fetch's aborted transactions as sent (producer id, first offset). */
  abortedTxns: { producerId: bigint; firstOffset: bigint }[];
}

/**
 * What a read_committed consumer of one partition sees: a Fetch at isolation level 1 from offset
 * 0 (a single request: the test partitions are small), then the consumer's filter — control
 * batches dropped, and a transactional batch dropped when its producer has an aborted transaction
 * that started at or before it and whose ABORT marker has not been passed yet.
 */
export async function readCommittedView(port: number, topic: string, partition: number): Promise<CommittedView> {
  const c = await RawClient.connect(port);
  try {
    const res = await c.request(1, 11, {
      replicaId: -1, maxWaitMs: 0, minBytes: 1, maxBytes: 10 << 20, isolationLevel: 1, sessionId: 0, sessionEpoch: -1,
      topics: [{ topic, partitions: [{ partition, currentLeaderEpoch: -1, fetchOffset: 0n, logStartOffset: -1n, partitionMaxBytes: 10 << 20 }] }],
      forgottenTopicsData: [], rackId: '',
    });
    const p = res.responses[0]!.partitions[0]!;
    expect(p.errorCode).toBe(0);
    const aborted = [...(p.abortedTransactions ?? [])].sort((a, b) => Number(a.firstOffset - b.firstOffset));
    const abortingNow = new Set<bigint>();
    const values: string[] = [];
    for (const b of decodeRecords(p.records)) {
      const h = b.header;
      while (aborted.length > 0 && aborted[0]!.firstOffset <= BigInt(h.baseOffset + h.lastOffsetDelta)) abortingNow.add(aborted.shift()!.producerId);
      if (isControlBatch(h.attributes)) {
        abortingNow.delete(h.producerId);
        continue;
      }
      if (isTransactionalBatch(h.attributes) && abortingNow.has(h.producerId)) continue;
      for (const r of b.records) values.push(r.value!.toString());
    }
    return {
      values,
      lastStableOffset: Number(p.lastStableOffset),
      highWatermark: Number(p.highWatermark),
      abortedProducers: (p.abortedTransactions ?? []).map((a) => a.producerId),
      abortedTxns: (p.abortedTransactions ?? []).map((a) => ({ producerId: a.producerId, firstOffset: a.firstOffset })),
    };
  } finally {
    c.close();
  }
}

