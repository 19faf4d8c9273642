// driver.metrics(): the task, processor-node and store metrics a test can assert on, in Kafka's
// shape, against workloads whose numbers are known.
import { describe, expect, it } from 'vitest';
import { metricValue } from '../../src/metrics/metric-registry.ts';
import { Consumed } from '../../src/streams/dsl/options/consumed.ts';
import { Grouped } from '../../src/streams/dsl/options/grouped.ts';
import { Materialized } from '../../src/streams/dsl/options/materialized.ts';
import { Produced } from '../../src/streams/dsl/options/produced.ts';
import { StreamsBuilder } from '../../src/streams/dsl/streams-builder.ts';
import { Serdes } from '../../src/streams/serde/serdes.ts';
import { TimeWindows } from '../../src/streams/windows/time-windows.ts';
import { TopologyTestDriver } from '../../src/testing/topology-test-driver.ts';

const S = Serdes.string();
const L = Serdes.int64();
const quiet = { warn: () => {}, error: () => {} };

function countTopology() {
  const b = new StreamsBuilder();
  b.stream('in', Consumed.with(S, S))
    .filter((k) => k !== null)
    .groupByKey(Grouped.with(S, S))
    .count(Materialized.as('counts'))
    .toStream()
    .to('out', Produced.with(S, L));
  return b.build();
}

describe('TopologyTestDriver.metrics()', () => {
  it('counts N records in as process-total N for the task, and lateness of an out-of-order record', async () => {
    const driver = await TopologyTestDriver.create(countTopology(), { logger: quiet, initialWallClockTimeMs: 1_000_000 });
    try {
      const input = driver.createInputTopic('in', S, S);
      for (let i = 0; i < 25; i++) input.pipeInput(`k${i % 5}`, 'v', 1000 + i);
      input.pipeInput('k1', 'late', 990); // 34 ms behind stream time 1024
      const m = driver.metrics();
      const task = { 'task-id': '0_0' };
      expect(metricValue(m, 'stream-task-metrics', 'process-total', task)).toBe(26);
      expect(metricValue(m, 'stream-task-metrics', 'record-lateness-max', task)).toBe(34);
      expect(metricValue(m, 'stream-task-metrics', 'dropped-records-total', task)).toBe(0);
      // Every metric has Kafka's shape.
      for (const metric of m) {
        expect(typeof metric.name).toBe('string');
        expect(typeof metric.group).toBe('string');
        expect(metric.tags['thread-id']).toBe('topology-test-driver-StreamThread-1');
      }
    } finally {
      await driver.close();
    }
  });

  it('reports a record with an invalid timestamp as dropped-records-total 1', async () => {
    const driver = await TopologyTestDriver.create(countTopology(), { logger: quiet });
    try {
      const input = driver.createInputTopic('in', S, S);
      input.pipeInput('a', 'v', 10);
      input.pipeInput('b', 'v', -1);
      const m = driver.metrics();
      expect(metricValue(m, 'stream-task-metrics', 'dropped-records-total', { 'task-id': '0_0' })).toBe(1);
      expect(m.droppedRecordsTotal).toBe(1);
    } finally {
      await driver.close();
    }
  });

  it('reports a record too late for its window as dropped-records-total 1', async () => {
    const b = new StreamsBuilder();
    b.stream('in', Consumed.with(S, S))
      .groupByKey(Grouped.with(S, S))
      .windowedBy(TimeWindows.ofSizeWithNoGrace(10))
      .count()
      .toStream()
      .map((k, v) => [k.key, v] as const)
      .to('out', Produced.with(S, L));
    const driver = await TopologyTestDriver.create(b.build(), { logger: quiet });
    try {
      const input = driver.createInputTopic('in', S, S);
      input.pipeInput('k', 'a', 5);
      input.pipeInput('k', 'b', 25); // stream time 25 closes window [0,10)
      input.pipeInput('k', 'late', 7);
      expect(metricValue(driver.metrics(), 'stream-task-metrics', 'dropped-records-total', { 'task-id': '0_0' })).toBe(1);
      expect(driver.createOutputTopic('out', S, L).readValuesToList()).toEqual([1, 1]);
    } finally {
      await driver.close();
    }
  });

  it('reports store operations and the record-cache hit ratio of the Metered and Caching layers', async () => {
    const driver = await TopologyTestDriver.create(countTopology(), { logger: quiet });
    try {
      const input = driver.createInputTopic('in', S, S);
      // 1st record of a key misses the cache, the next 3 hit it: 4 gets, hit ratio 0.75.
      for (let i = 0; i < 4; i++) input.pipeInput('k', 'v', 10 + i);
      const m = driver.metrics();
      const store = { 'in-memory-state-id': 'counts' };
      const names = m.filter((x) => x.group === 'stream-state-metrics' && x.tags['in-memory-state-id'] === 'counts').map((x) => x.name);
      expect(names).toEqual(expect.arrayContaining(['get-rate', 'get-latency-avg', 'get-latency-max', 'put-rate', 'put-latency-avg']));
      expect(metricValue(m, 'stream-state-metrics', 'put-rate', store)).toBeGreaterThan(0);
      expect(metricValue(m, 'stream-record-cache-metrics', 'hit-ratio-avg', { 'record-cache-id': 'counts' })).toBe(0.75);
    } finally {
      await driver.close();
    }
  });

  it('measures end-to-end latency at the sink on the mock wall clock', async () => {
    const driver = await TopologyTestDriver.create(countTopology(), { logger: quiet, initialWallClockTimeMs: 5000 });
    try {
      const input = driver.createInputTopic('in', S, S);
      input.pipeInput('a', 'v', 4000);
      input.pipeInput('b', 'v', 4900);
      const m = driver.metrics();
      const sink = m.filter((x) => x.group === 'stream-processor-node-metrics');
      expect(new Set(sink.map((x) => x.tags['processor-node-id'])).size).toBe(1);
      expect(metricValue(m, 'stream-processor-node-metrics', 'record-e2e-latency-max')).toBe(1000);
      expect(metricValue(m, 'stream-processor-node-metrics', 'record-e2e-latency-min')).toBe(100);
    } finally {
      await driver.close();
    }
  });

  it('at recording level INFO leaves out DEBUG metrics (task process, stores) but keeps dropped records', async () => {
    const driver = await TopologyTestDriver.create(countTopology(), { logger: quiet, metricsRecordingLevel: 'INFO' });
    try {
      driver.createInputTopic('in', S, S).pipeInput('a', 'v', 1);
      const m = driver.metrics();
      expect(metricValue(m, 'stream-task-metrics', 'process-total')).toBeUndefined();
      expect(m.some((x) => x.group === 'stream-state-metrics')).toBe(false);
      expect(metricValue(m, 'stream-task-metrics', 'dropped-records-total')).toBe(0);
    } finally {
      await driver.close();
    }
  });
});
