// KafkaStreams metrics against a real broker over TCP: known workloads give known numbers
// (N records in → process-total N; lag per input partition falls to 0 after catch-up; a restore
// reports what it restored to the listener and the metrics), and /metrics serves them as
// Prometheus text.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { metricValue } from '../../src/metrics/metric-registry.ts';
import { Consumed } from '../../src/streams/dsl/options/consumed.ts';
import { Grouped } from '../../src/streams/dsl/options/grouped.ts';
import { Materialized } from '../../src/streams/dsl/options/materialized.ts';
import { Produced } from '../../src/streams/dsl/options/produced.ts';
import { StreamsBuilder } from '../../src/streams/dsl/streams-builder.ts';
import type { RestoreProgressInfo } from '../../src/streams/metrics/restore-progress.ts';
import { KafkaStreams } from '../../src/streams/runtime/kafka-streams.ts';
import type { StreamsConfigInput } from '../../src/streams/runtime/streams-config.ts';
import { Serdes } from '../../src/streams/serde/serdes.ts';
import { startTestBroker, type TestBroker } from '../../src/testing/broker-harness.ts';
import { samplesOf, scrape } from '../metrics/prometheus-text.ts';
import { StreamsIo, waitFor } from './streams-helpers.ts';

const silent = { warn: () => {}, error: () => {} };
const N = 240;

function counts() {
  const b = new StreamsBuilder();
  b.stream('events', Consumed.with(Serdes.string(), Serdes.string()))
    .groupByKey(Grouped.with(Serdes.string(), Serdes.string()))
    .count(Materialized.as('event-counts'))
    .toStream()
    .to('event-counts-out', Produced.with(Serdes.string(), Serdes.int64()));
  return b.build();
}

describe('KafkaStreams metrics (bundled broker over TCP)', () => {
  let broker: TestBroker;
  let io: StreamsIo;
  let dir: string;
  const apps: KafkaStreams[] = [];

  beforeEach(async () => {
    broker = await startTestBroker();
    io = new StreamsIo(broker.bootstrap);
    dir = mkdtempSync(join(tmpdir(), 'tributary-metrics-it-'));
    await io.createTopic('events', 2);
    await io.createTopic('event-counts-out', 2);
    await io.produce('events', Array.from({ length: N }, (_, i) => ({ key: `user-${i % 12}`, value: 'click', partition: i % 2, timestamp: 1000 + i })));
  });
  afterEach(async () => {
    for (const a of apps.splice(0)) await a.close();
    io.close();
    await broker.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  function app(extra: Partial<StreamsConfigInput> = {}): KafkaStreams {
    const a = new KafkaStreams(counts(), {
      applicationId: 'metrics-it',
      bootstrapServers: broker.bootstrap,
      stateDir: dir,
      commitIntervalMs: 100,
      sessionTimeoutMs: 6000,
      heartbeatIntervalMs: 500,
      logger: silent,
      ...extra,
    });
    apps.push(a);
    return a;
  }

  it('N records in → process-total N, lag 0 per input partition, all served on /metrics', async () => {
    const streams = app({ metrics: { port: 0, recordingLevel: 'DEBUG' } });
    await streams.start();
    await waitFor(() => streams.processedRecords >= N && streams.state === 'RUNNING', 'all input processed');
    // Lag is measured against the high watermark of the last fetch: wait for a fetch to see the end.
    const lag = (p: number) => metricValue(streams.metrics(), 'consumer-fetch-manager-metrics', 'records-lag', { topic: 'events', partition: String(p) });
    await waitFor(() => lag(0) === 0 && lag(1) === 0, () => `lag 0 on both partitions (got ${lag(0)}, ${lag(1)})`);
    // Commits run every commitIntervalMs (100 ms): wait for the first one after the records.
    const commits = () => metricValue(streams.metrics(), 'stream-thread-metrics', 'commit-total') as number;
    await waitFor(() => commits() > 0, () => `a commit (commit-total ${commits()})`);

    const m = streams.metrics();
    expect(metricValue(m, 'stream-thread-metrics', 'process-total')).toBe(N);
    expect(metricValue(m, 'stream-task-metrics', 'process-total')).toBe(N);
    expect(metricValue(m, 'stream-task-metrics', 'process-total', { 'task-id': '0_0' })).toBe(N / 2);
    expect(metricValue(m, 'stream-metrics', 'state')).toBe('RUNNING');
    expect(metricValue(m, 'stream-metrics', 'alive-stream-threads')).toBe(1);
    expect(metricValue(m, 'stream-thread-metrics', 'commit-total')).toBeGreaterThan(0);
    expect(metricValue(m, 'stream-thread-metrics', 'poll-total')).toBeGreaterThan(0);
    expect(metricValue(m, 'stream-task-metrics', 'dropped-records-total')).toBe(0);
    expect(metricValue(m, 'stream-state-metrics', 'put-rate', { 'leveldb-state-id': 'event-counts' })).toBeGreaterThan(0);

    expect(streams.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const { status, contentType, parsed } = await scrape(streams.metricsUrl!);
    expect(status).toBe(200);
    expect(contentType).toContain('text/plain');
    const total = samplesOf(parsed, 'tributary_stream_thread_process_total');
    expect(total).toHaveLength(1);
    expect(total[0]!.value).toBe(N);
    expect(parsed.types.get('tributary_stream_thread_process_total')).toBe('counter');
    expect(samplesOf(parsed, 'tributary_stream_task_process_total', { task_id: '0_1' })[0]?.value).toBe(N / 2);
    expect(samplesOf(parsed, 'tributary_consumer_fetch_manager_records_lag', { topic: 'events' }).map((s) => s.value)).toEqual([0, 0]);
    expect(samplesOf(parsed, 'tributary_stream_state', { state: 'RUNNING' })[0]?.value).toBe(1);
    // The app's own clients report into the same registry: the group consumer fetched the N
    // input records, the producer sent the output and changelog records.
    const clientIds = new Set(m.map((x) => x.tags['client-id']).filter((x) => x !== undefined));
    const consumerId = [...clientIds].find((c) => c.endsWith('-StreamThread-1-consumer') || /-\d+-consumer$/.test(c))!;
    expect(metricValue(m, 'consumer-fetch-manager-metrics', 'records-consumed-total', { 'client-id': consumerId })).toBe(N);
    expect(metricValue(m, 'consumer-coordinator-metrics', 'assigned-partitions', { 'client-id': consumerId })).toBe(2);
    // (output records leave the cache at a commit: wait for one)
    await waitFor(() => (metricValue(streams.metrics(), 'producer-metrics', 'record-send-total') as number) > 0, 'the producer sent the first output');
    expect(samplesOf((await scrape(streams.metricsUrl!)).parsed, 'tributary_producer_record_send_total').length).toBe(1);

    const url = streams.metricsUrl!;
    await streams.close();
    expect(streams.metricsUrl).toBeUndefined();
    await expect(fetch(url)).rejects.toThrow();
  }, 60_000);

  it('a restore from the changelog is reported to the restore listener and the restore metrics', async () => {
    const first = app();
    await first.start();
    await waitFor(() => first.processedRecords >= N, 'first run processed everything');
    await first.close();

    const second = app();
    second.cleanUp(); // no local state: everything comes back from the changelog
    const starts: Array<[string, number, number]> = [];
    const batches: RestoreProgressInfo[] = [];
    const ends: Array<[string, number]> = [];
    second.setGlobalStateRestoreListener({
      onRestoreStart: (tp, store, from, to) => starts.push([`${store}@${tp.topic}-${tp.partition}`, from, to]),
      onBatchRestored: (_tp, _store, _end, _n, progress) => batches.push(progress),
      onRestoreEnd: (tp, store, total) => ends.push([`${store}@${tp.topic}-${tp.partition}`, total]),
    });
    await second.start();
    await waitFor(() => second.state === 'RUNNING' && ends.length === 2, 'restored and running');

    const toRestore = starts.reduce((n, [, from, to]) => n + (to - from), 0);
    const restored = ends.reduce((n, [, total]) => n + total, 0);
    expect(starts.map(([s]) => s).sort()).toEqual(['event-counts@metrics-it-event-counts-changelog-0', 'event-counts@metrics-it-event-counts-changelog-1']);
    expect(restored).toBe(second.restoredRecords);
    expect(restored).toBeGreaterThan(0);
    expect(restored).toBeLessThanOrEqual(toRestore);
    // Each task restores in its own round: the last progress report is the last task's round.
    const [, lastFrom, lastTo] = starts.at(-1)!;
    expect(batches.at(-1)!.restored).toBe(ends.at(-1)![1]);
    expect(batches.at(-1)!.total).toBe(lastTo - lastFrom);
    expect(batches.every((b) => b.restored <= b.total)).toBe(true);

    const m = second.metrics();
    expect(metricValue(m, 'stream-restore-metrics', 'records-restored-total', { store: 'event-counts' })).toBe(restored);
    expect(metricValue(m, 'stream-restore-metrics', 'records-to-restore-total', { store: 'event-counts' })).toBe(toRestore);
    expect(metricValue(m, 'stream-restore-metrics', 'restore-remaining-records-total', { store: 'event-counts' })).toBe(0);
  }, 60_000);
});
