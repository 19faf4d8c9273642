// Fetch byte budgeting through the broker against a reference model (fast-check): for random
// logs over several partitions and random fetches, the broker returns exactly the model's batches:
// whole batches from the one holding the fetch offset, at most partition_max_bytes per partition
// and max_bytes in total, except that the first partition with data always gets one whole batch
// (KIP-74); a partition with whole batches fills the rest of its budget with the first bytes of
// the next batch (a partial batch, as Kafka's file slice); out-of-range offsets answer
// OFFSET_OUT_OF_RANGE.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fc from 'fast-check';
import { startTestBroker, type TestBroker } from '../../src/testing/broker-harness.ts';
import { ErrorCode } from '../../src/protocol/error-codes.ts';
import { RawClient, batchOffsets, makeBatch } from './raw-client.ts';

let tb: TestBroker;
let c: RawClient;
let topicSeq = 0;
beforeAll(async () => {
  tb = await startTestBroker();
  c = await RawClient.connect(tb.port);
});
afterAll(async () => {
  c.close();
  await tb.stop();
});

interface ModelBatch {
  base: number;
  count: number;
  size: number;
}

interface Answer {
  /** Base offsets of the whole batches. */
  bases: number[];
  /** Bytes of the partition's records: the whole batches and the partial one. */
  bytes: number;
}

/** The model: what each partition should return, or an error. */
function expected(logs: ModelBatch[][], reqs: { offset: number; pmb: number }[], maxBytes: number): (Answer | 'oor')[] {
  let remaining = maxBytes;
  let total = 0;
  return reqs.map((r, p) => {
    const log = logs[p]!;
    const leo = log.length === 0 ? 0 : log.at(-1)!.base + log.at(-1)!.count;
    if (r.offset > leo) return 'oor';
    const budget = Math.min(r.pmb, remaining);
    if (budget <= 0 && total > 0) return { bases: [], bytes: 0 };
    const start = log.findIndex((b) => b.base + b.count > r.offset);
    if (start < 0) return { bases: [], bytes: 0 };
    const out: number[] = [];
    let used = 0;
    let i = start;
    for (; i < log.length; i++) {
      const b = log[i]!;
      if (used + b.size > budget && !(out.length === 0 && total === 0)) break;
      out.push(b.base);
      used += b.size;
    }
    // The partial batch: only after whole batches, up to the budget, when its header fits.
    if (out.length > 0 && i < log.length && budget - used >= 61) used = budget;
    total += used;
    remaining -= used;
    return { bases: out, bytes: used };
  });
}

describe('Fetch byte budget', () => {
  it('matches the reference model', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(fc.record({ records: fc.integer({ min: 1, max: 4 }), pad: fc.integer({ min: 0, max: 300 }) }), { maxLength: 6 }), { minLength: 1, maxLength: 3 }),
        fc.array(fc.record({ offsetPick: fc.nat(30), pmb: fc.integer({ min: 0, max: 1200 }) }), { minLength: 3, maxLength: 3 }),
        fc.integer({ min: 1, max: 2500 }),
        async (spec, picks, maxBytes) => {
          const topic = `fb-${topicSeq++}`;
          const created = await c.request(19, 3, { topics: [{ name: topic, numPartitions: spec.length, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 1000 });
          expect(created.topics[0]!.errorCode).toBe(0);
          const logs: ModelBatch[][] = [];
          for (let p = 0; p < spec.length; p++) {
            const log: ModelBatch[] = [];
            let next = 0;
            for (const b of spec[p]!) {
              const batch = makeBatch(Array.from({ length: b.records }, (_, i) => ({ value: 'x'.repeat(i === 0 ? b.pad : 1) })));
              const res = await c.request(0, 7, { transactionalId: null, acks: 1, timeoutMs: 1000, topicData: [{ name: topic, partitionData: [{ index: p, records: batch }] }] });
              expect(Number(res.responses[0]!.partitionResponses[0]!.baseOffset)).toBe(next);
              log.push({ base: next, count: b.records, size: batch.length });
              next += b.records;
            }
            logs.push(log);
          }
          const reqs = logs.map((log, p) => {
            const leo = log.length === 0 ? 0 : log.at(-1)!.base + log.at(-1)!.count;
            const pick = picks[p]!;
            return { offset: pick.offsetPick % (leo + 2), pmb: pick.pmb };
          });
          const res = await c.request(1, 11, {
            replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
            topics: [{ topic, partitions: reqs.map((r, p) => ({ partition: p, currentLeaderEpoch: -1, fetchOffset: BigInt(r.offset), logStartOffset: -1n, partitionMaxBytes: r.pmb })) }],
            forgottenTopicsData: [], rackId: '',
          });
          const got = res.responses[0]!.partitions.map((p) =>
            p.errorCode === ErrorCode.OFFSET_OUT_OF_RANGE ? ('oor' as const) : { bases: batchOffsets(p.records).map((b) => b.baseOffset), bytes: p.records?.length ?? 0 },
          );
          expect(got).toEqual(expected(logs, reqs, maxBytes));
        },
      ),
      { numRuns: 60 },
    );
  });
});
