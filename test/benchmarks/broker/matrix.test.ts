import { describe, expect, it } from 'vitest';
import { THROUGHPUT_CASES, defaultRecords, fetchName, planSteps, produceName, rotate, summarizeSamples } from '../../../benchmarks/broker/matrix.ts';

describe('broker throughput matrix', () => {
  it('names every produce and fetch workload once, in the agreed shape', () => {
    const names = THROUGHPUT_CASES.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toHaveLength(18);
    expect(names).toContain('produce-librdkafka-100b-acks1');
    expect(names).toContain('produce-wire-1kib-acksall');
    expect(names).toContain('fetch-kafkajs-1kib');
    expect(produceName('kafkajs', '100b', -1)).toBe('produce-kafkajs-100b-acksall');
    expect(fetchName('wire', '100b')).toBe('fetch-wire-100b');
  });

  it('defaults to 200k records of 100 B and 100k of 1 KiB', () => {
    expect(defaultRecords(100)).toBe(200_000);
    expect(defaultRecords(1024)).toBe(100_000);
  });

  it('rotates the client order from run to run', () => {
    expect(rotate(['a', 'b', 'c'], 0)).toEqual(['a', 'b', 'c']);
    expect(rotate(['a', 'b', 'c'], 1)).toEqual(['b', 'c', 'a']);
    expect(rotate(['a', 'b', 'c'], 4)).toEqual(['b', 'c', 'a']);
    expect(rotate([], 3)).toEqual([]);
  });

  it('plans each selected workload once per run, interleaving runs and clients', () => {
    const selected = ['produce-kafkajs-100b-acks1', 'produce-librdkafka-100b-acks1'];
    const steps = planSteps(selected, 3);
    expect(steps.map((s) => `${s.run}:${s.client}`)).toEqual(['0:kafkajs', '0:librdkafka', '1:librdkafka', '1:kafkajs', '2:kafkajs', '2:librdkafka']);
    // Every run holds both workloads; the first client differs between run 0 and run 1.
    for (const run of [0, 1, 2]) expect(steps.filter((s) => s.run === run).map((s) => s.produce).sort()).toEqual([...selected].sort());
    expect(steps[0]!.client).toBe('kafkajs');
    expect(steps.find((s) => s.run === 1)!.client).toBe('librdkafka');
    expect(steps.every((s) => s.fetch === null)).toBe(true);
  });

  it('a fetch alone still produces its topic first, with acks=all and the produce untimed', () => {
    const steps = planSteps(['fetch-wire-1kib'], 2);
    expect(steps).toHaveLength(2);
    for (const s of steps) {
      expect(s).toMatchObject({ client: 'wire', size: '1kib', valueBytes: 1024, acks: -1, produce: null, fetch: 'fetch-wire-1kib' });
    }
  });

  it('a fetch and its acks=all produce share one step', () => {
    const steps = planSteps(['produce-kafkajs-1kib-acksall', 'fetch-kafkajs-1kib'], 1);
    expect(steps).toEqual([
      { run: 0, client: 'kafkajs', size: '1kib', valueBytes: 1024, acks: -1, produce: 'produce-kafkajs-1kib-acksall', fetch: 'fetch-kafkajs-1kib' },
    ]);
  });

  it('summarizes runs as the median with the range, and failures as a note', () => {
    const samples = [10, 20, 40].map((seconds) => ({ workload: 'w', records: 1000, valueBytes: 100, seconds }));
    const r = summarizeSamples('w', samples, ['boom']);
    expect(r.seconds).toBe(20);
    expect(r.recordsPerSec).toBe(50);
    expect(r.mbPerSec).toBeCloseTo((1000 * 100) / 1e6 / 20);
    expect(r.metrics).toEqual({ runs: 3, minRecordsPerSec: 25, maxRecordsPerSec: 100 });
    expect(r.note).toContain('median of 3');
    expect(r.note).toContain('1 run(s) failed: boom');
    expect(r.metrics).not.toHaveProperty('brokerCpuMsPerMB');
    const none = summarizeSamples('x', samples, ['broker died']);
    expect(none.recordsPerSec).toBe(0);
    expect(none.note).toContain('broker died');
  });

  it('reports the median broker CPU time per MB of value bytes when the runs measured it', () => {
    const run = (seconds: number, brokerCpuMs: number) => ({ workload: 'f', records: 10_000, valueBytes: 1000, seconds, brokerCpuMs });
    // 10 MB per run: 5, 8 and 20 ms of broker CPU are 0.5, 0.8 and 2 ms/MB
    const r = summarizeSamples('f', [run(1, 5), run(2, 20), run(1.5, 8)]);
    expect(r.metrics?.brokerCpuMsPerMB).toBe(0.8);
  });
});
