import { describe, expect, it } from 'vitest';
import { THROUGHPUT_CASES } from '../../../benchmarks/broker/matrix.ts';
import { brokerSuite } from '../../../benchmarks/broker/suite.ts';

describe('brokerSuite', () => {
  it('lists each workload once: the throughput matrix, the start-up workloads and the two RSS workloads', () => {
    const w = brokerSuite.workloads;
    expect(new Set(w).size).toBe(w.length);
    expect(w.slice(0, THROUGHPUT_CASES.length)).toEqual(THROUGHPUT_CASES.map((c) => c.name));
    expect(w.slice(THROUGHPUT_CASES.length)).toEqual(['broker-cold-start', 'broker-restart-with-data', 'broker-restart-after-crash', 'broker-rss', 'broker-rss-non-reading-fetchers']);
  });

  it('has references only for workloads it runs, each naming its system', () => {
    for (const [name, ref] of Object.entries(brokerSuite.references)) {
      expect(brokerSuite.workloads).toContain(name);
      expect(ref.recordsPerSec).toBeGreaterThan(0);
      expect(ref.system).toMatch(/Apache Kafka 2\.1\.1/);
    }
    expect(brokerSuite.references['produce-librdkafka-100b-acksall']?.recordsPerSec).toBe(980_000);
    expect(brokerSuite.references['fetch-wire-100b']?.system).toMatch(/Java perf consumer/);
    expect(brokerSuite.references['broker-rss']).toBeUndefined();
  });

  it('rejects a workload name it does not own before starting anything', async () => {
    await expect(brokerSuite.run(['streamcount'], { records: 1, runs: 1, maxWaitMs: 1000, profileDir: undefined })).rejects.toThrow(/unknown broker workload/);
  });
});
