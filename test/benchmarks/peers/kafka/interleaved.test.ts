import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { medianRatio, peerRow, roundRatios, runInterleaved, type PeerSide, type Sample } from '../../../../benchmarks/peers/kafka/interleaved.ts';

const s = (round: number, value: number, load1 = 1): Sample => ({ round, value, load1 });

describe('runInterleaved', () => {
  it('alternates the sides round by round and keeps each sample with its round', async () => {
    const order: string[] = [];
    const side = (name: 'kafka' | 'tributary', base: number): PeerSide => ({
      side: name,
      async measure(round, time) {
        order.push(`${round}:${name}`);
        await time('w', async () => base + round);
      },
    });
    const samples = await runInterleaved(3, [side('kafka', 100), side('tributary', 200)]);
    expect(order).toEqual(['1:kafka', '1:tributary', '2:kafka', '2:tributary', '3:kafka', '3:tributary']);
    expect(samples.of('w', 'kafka').map((x) => [x.round, x.value])).toEqual([[1, 101], [2, 102], [3, 103]]);
    expect(samples.of('w', 'tributary').map((x) => x.value)).toEqual([201, 202, 203]);
    expect(samples.of('other', 'kafka')).toEqual([]);
  });

  it('passes a failed measurement on instead of recording a figure', async () => {
    const failing: PeerSide = {
      side: 'tributary',
      async measure(_round, time) {
        await time('w', () => Promise.reject(new Error('broker gone')));
      },
    };
    await expect(runInterleaved(1, [failing])).rejects.toThrow('broker gone');
  });
});

describe('ratios', () => {
  it('pairs rounds, not positions, and skips rounds one side lacks', () => {
    const ours = [s(1, 50), s(3, 90)];
    const theirs = [s(1, 100), s(2, 100), s(3, 100)];
    expect([...roundRatios(ours, theirs)]).toEqual([[1, 0.5], [3, 0.9]]);
    expect(medianRatio(ours, theirs)).toBe(0.7);
    expect(medianRatio([], theirs)).toBeNaN();
  });

  it('the median ratio lies between the smallest and largest per-round ratio (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 1, max: 1e6 }), fc.integer({ min: 1, max: 1e6 })), { minLength: 1, maxLength: 9 }), (pairs) => {
        const ours = pairs.map(([a], i) => s(i + 1, a));
        const theirs = pairs.map(([, b], i) => s(i + 1, b));
        const each = pairs.map(([a, b]) => a / b);
        const r = medianRatio(ours, theirs);
        expect(r).toBeGreaterThanOrEqual(Math.round(Math.min(...each) * 100) / 100);
        expect(r).toBeLessThanOrEqual(Math.round(Math.max(...each) * 100) / 100);
      }),
    );
  });
});

describe('peerRow', () => {
  it("reports Tributary's median as the rate, Kafka's median, per-round ratios and load averages", () => {
    const row = peerRow('w', 1000, 100, [s(1, 300, 2.5), s(2, 100, 1), s(3, 200, 1)], [s(1, 100, 2), s(2, 100, 1), s(3, 400, 1)]);
    expect(row.recordsPerSec).toBe(200);
    expect(row.seconds).toBe(5);
    expect(row.mbPerSec).toBe(0.02);
    expect(row.metrics).toMatchObject({ runs: 3, kafkaRecordsPerSec: 100, ratioRun1: 3, ratioRun2: 1, ratioRun3: 0.5, ratio: 1, tributaryLoad1: 2.5, kafkaLoad1: 2 });
    expect(row.note).toMatch(/interleaved/);
  });

  it('without Kafka samples says the bundled broker was measured alone and gives no ratio', () => {
    const row = peerRow('w', 10, 100, [s(1, 10)], []);
    expect(row.metrics?.ratio).toBeUndefined();
    expect(row.note).toMatch(/KAFKA_BOOTSTRAP/);
  });
});
