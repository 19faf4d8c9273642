/*
 * The accumulator's send buffer (Kafka's buffer.memory) against a model: random sequences of
 * send() calls (some bigger than the whole buffer, some with a record too large for it or a
 * record that is not a Buffer), chunks taken, batches acknowledged or failed, waits that run out
 * (maxBlockMs 0 and a timer tick) and the sender's last-resort failEverything. Checked after
 * every step: the bytes in use never exceed the buffer and, once everything admitted has been
 * taken, equal the estimated sizes of the records in unacknowledged batches; every record is
 * taken at most once and in send order; at the end every byte came back exactly once, every call
 * settled, and a call resolved only if all its records were acknowledged.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RecordAccumulator } from '../../../src/client/producer/accumulator.ts';
import { ackBatch, failBatch, type Batch } from '../../../src/client/producer/batch.ts';
import { BufferBudget } from '../../../src/client/producer/buffer-budget.ts';
import { estimatedRecordSize } from '../../../src/client/producer/record-size.ts';
import { KafkaClientError } from '../../../src/client/errors.ts';
import type { TopicInfo } from '../../../src/client/cluster.ts';
import type { ProducerRecord } from '../../../src/client/types.ts';

const TOPIC: TopicInfo = { name: 't', topicId: 'id', isInternal: false, errorCode: 0, partitions: [0, 1, 2].map((p) => ({ partition: p }) as unknown as TopicInfo['partitions'][number]) };
const lookup = { cached: () => TOPIC, lookup: () => Promise.resolve(TOPIC), refresh: () => Promise.resolve(TOPIC) };
const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 1));

type Cmd =
  | { kind: 'send'; sizes: number[]; invalidAt: number }
  | { kind: 'take' }
  | { kind: 'ack'; pick: number }
  | { kind: 'fail'; pick: number }
  | { kind: 'tick' }
  | { kind: 'failEverything' };

const cmd: fc.Arbitrary<Cmd> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('send' as const), sizes: fc.array(fc.integer({ min: 0, max: 300 }), { minLength: 1, maxLength: 8 }), invalidAt: fc.integer({ min: -12, max: 7 }) }) },
  { weight: 4, arbitrary: fc.constant({ kind: 'take' as const }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('ack' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('fail' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'tick' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'failEverything' as const }) },
);

interface SentCall {
  readonly records: ProducerRecord[];
  outcome: 'pending' | 'resolved' | 'rejected';
  error?: unknown;
}

describe('RecordAccumulator send buffer', () => {
  it('never exceeds bufferMemory, releases every byte exactly once, and settles every call (model)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 200, max: 1500 }), fc.integer({ min: 1, max: 6 }), fc.boolean(), fc.array(cmd, { maxLength: 60 }), async (total, maxBatchRecords, expires, cmds) => {
        const budget = new BufferBudget(total);
        let reserved = 0;
        let released = 0;
        const tryReserve = budget.tryReserve.bind(budget);
        const release = budget.release.bind(budget);
        budget.tryReserve = (n) => (tryReserve(n) ? ((reserved += n), true) : false);
        budget.release = (n) => {
          release(n);
          released += n;
        };
        const acc = new RecordAccumulator({ maxBatchRecords, maxRequestBytes: 1 << 30 }, lookup, { budget, maxBlockMs: expires ? 0 : 1e9, wake: () => {} });
        const calls: SentCall[] = [];
        const inflight: Batch[] = [];
        const taken = new Map<ProducerRecord, number>();
        const callOf = new Map<ProducerRecord, SentCall>();

        const drain = async (): Promise<void> => {
          for (let chunk = await acc.takeChunk(); chunk !== undefined; chunk = await acc.takeChunk()) {
            for (const b of chunk) {
              inflight.push(b);
              for (const r of b.records) taken.set(r, (taken.get(r) ?? 0) + 1);
            }
          }
        };
        const check = async (): Promise<void> => {
          expect(budget.used).toBeGreaterThanOrEqual(0);
          expect(budget.used).toBeLessThanOrEqual(total);
          await drain();
          const held = inflight.filter((b) => b.state === 'inflight').reduce((n, b) => n + b.records.reduce((m, r) => m + estimatedRecordSize(r), 0), 0);
          expect(budget.used).toBe(held);
        };
        const finish = (i: number, ok: boolean): void => {
          const open = inflight.filter((b) => b.state === 'inflight');
          const b = open[i % Math.max(1, open.length)];
          if (b === undefined) return;
          if (ok) ackBatch(b, 0);
          else failBatch(b, new KafkaClientError('refused', { retriable: false }));
          acc.settle();
        };

        for (const c of cmds) {
          switch (c.kind) {
            case 'send': {
              const records: ProducerRecord[] = c.sizes.map((s, i) => ({ topic: 't', key: Buffer.from([i]), value: i === c.invalidAt ? ('text' as unknown as Buffer) : Buffer.alloc(s), timestamp: 0, headers: {} }));
              const call: SentCall = { records, outcome: 'pending' };
              for (const r of records) callOf.set(r, call);
              calls.push(call);
              acc.append(records).then(
                () => (call.outcome = 'resolved'),
                (e: unknown) => ((call.outcome = 'rejected'), (call.error = e)),
              );
              break;
            }
            case 'take':
              await drain();
              break;
            case 'ack':
              finish(c.pick, true);
              break;
            case 'fail':
              finish(c.pick, false);
              break;
            case 'tick':
              await tick();
              break;
            case 'failEverything':
              // The sender threw: the accumulator forgets its batches (a late reply changes nothing).
              acc.failEverything(new KafkaClientError('sender broke', { retriable: true }));
              for (const b of inflight.splice(0)) if (b.state !== 'inflight') inflight.push(b);
              break;
          }
          await check();
        }
        // Acknowledge everything until every call settled (waiting calls get room as batches finish).
        for (let round = 0; calls.some((c) => c.outcome === 'pending'); round++) {
          expect(round).toBeLessThan(10_000);
          await drain();
          const open = inflight.filter((b) => b.state === 'inflight');
          for (const b of open) ackBatch(b, 0);
          acc.settle();
          await new Promise((r) => setImmediate(r));
        }
        expect(budget.used).toBe(0);
        expect(released).toBe(reserved);
        expect(acc.waitForRoom()).toBeUndefined();
        for (const [r, n] of taken) expect(n, 'a record taken twice').toBe(1);
        for (const call of calls) {
          const inBatches = call.records.filter((r) => taken.has(r));
          // Taken records are a prefix of the call, in order (batches keep send order per partition).
          expect(inBatches).toEqual(call.records.slice(0, inBatches.length));
          if (call.outcome === 'resolved') {
            expect(inBatches.length).toBe(call.records.length);
            for (const r of call.records) expect(inflight.find((b) => b.records.includes(r))!.state).toBe('acked');
          }
          const tooLarge = call.records.some((r) => Buffer.isBuffer(r.value) && estimatedRecordSize(r) > total);
          const invalid = call.records.some((r) => !Buffer.isBuffer(r.value));
          if (invalid || tooLarge) {
            expect(call.outcome).toBe('rejected');
            expect(inBatches).toHaveLength(0);
          }
          if (tooLarge && !invalid) {
            expect((call.error as KafkaClientError).kafkaType).toBe('RECORD_TOO_LARGE');
          }
        }
      }),
      { numRuns: 150 },
    );
  });

  it('admits a call in send order piecewise when it is bigger than the whole buffer, and waitForRoom() waits meanwhile', async () => {
    const budget = new BufferBudget(1000);
    let wakes = 0;
    const acc = new RecordAccumulator({ maxBatchRecords: 100, maxRequestBytes: 1 << 30 }, lookup, { budget, maxBlockMs: 1e9, wake: () => wakes++ });
    const records = Array.from({ length: 10 }, (_, i): ProducerRecord => ({ topic: 't', partition: 0, key: null, value: Buffer.alloc(276, i), timestamp: 0, headers: {} }));
    const done = acc.append(records);
    expect(acc.waitForRoom()).toBeInstanceOf(Promise);
    const seen: number[] = [];
    const waited = acc.waitForRoom();
    let roomMade = false;
    void waited!.then(() => (roomMade = true));
    while (seen.length < records.length) {
      const chunk = (await acc.takeChunk())!;
      expect(budget.used).toBeLessThanOrEqual(1000);
      for (const b of chunk) {
        seen.push(...b.records.map((r) => r.value![0]!));
        ackBatch(b, seen.length);
      }
      acc.settle();
    }
    expect(seen).toEqual([...records.keys()]);
    await done;
    await Promise.resolve();
    expect(roomMade).toBe(true);
    expect(wakes).toBeGreaterThan(0);
    expect(budget.used).toBe(0);
    expect(acc.waitForRoom()).toBeUndefined();
  });

  it('fails a call that waited longer than maxBlockMs with a timeout naming buffer memory; a record bigger than the buffer fails at once as RECORD_TOO_LARGE', async () => {
    const budget = new BufferBudget(500);
    const acc = new RecordAccumulator({ maxBatchRecords: 100, maxRequestBytes: 1 << 30 }, lookup, { budget, maxBlockMs: 5, wake: () => {} });
    const rec = (n: number): ProducerRecord => ({ topic: 't', partition: 1, key: null, value: Buffer.alloc(n), timestamp: 0, headers: {} });
    const first = acc.append([rec(400)]);
    const blocked = acc.append([rec(400)]);
    const tooLarge = acc.append([rec(600)]);
    const chunk = (await acc.takeChunk())!;
    expect(chunk.flatMap((b) => b.records)).toHaveLength(1);
    // The 5 ms deadline's timer was set before this one: it has fired when this one does.
    await new Promise((r) => setTimeout(r, 20));
    for (const b of chunk) ackBatch(b, 0);
    acc.settle();
    await expect(first).resolves.toHaveLength(1);
    await expect(acc.takeChunk()).resolves.toBeUndefined();
    await expect(blocked).rejects.toThrow(/failed to allocate memory within the configured max blocking time 5 ms/);
    const err = await tooLarge.then(() => undefined, (e: unknown) => e as KafkaClientError);
    expect(err?.kafkaType).toBe('RECORD_TOO_LARGE');
    expect(err?.message).toMatch(/larger than the total memory buffer you have configured with the buffer.memory configuration/);
    expect(budget.used).toBe(0);
  });
});
