// The application status publisher: what a record holds, one record per tick, a tombstone on
// stop, and failures that are logged once and never reach the application.
import { describe, expect, it } from 'vitest';
import { AppStatusPublisher, type AppStatusSink, type AppStatusSource } from '../../../src/streams/runtime/app-status-publisher.ts';
import { parseAppStatus } from '../../../src/console/app-status-record.ts';
import { StreamsBuilder } from '../../../src/streams/dsl/streams-builder.ts';
import type { KafkaMetric } from '../../../src/metrics/metric-registry.ts';

function topology() {
  const b = new StreamsBuilder();
  b.stream('in').filter(() => true).to('out');
  return b.build();
}

const metric = (group: string, name: string, value: number, tags: Record<string, string> = {}): KafkaMetric => ({ group, name, value, tags, description: '', type: 'gauge' });

const source: AppStatusSource = {
  state: 'RUNNING',
  processedRecords: 42,
  localTasks: () => ({ active: ['0_0', '0_1'], standby: [] }),
  metrics: () => [
    metric('stream-thread-metrics', 'process-rate', 12.5),
    metric('stream-thread-metrics', 'commit-rate', Number.NaN),
    metric('consumer-fetch-manager-metrics', 'records-lag', 3, { topic: 'in', partition: '1' }),
  ],
};

function recordingSink(failures = 0) {
  const sent: { key: string; value: Buffer | null }[] = [];
  let fail = failures;
  const sink: AppStatusSink & { closed: boolean } = {
    closed: false,
    ensureTopic: async () => {
      if (fail-- > 0) throw new Error('TOPIC_AUTHORIZATION_FAILED');
    },
    publish: async (key, value) => void sent.push({ key, value }),
    close: async () => void (sink.closed = true),
  };
  return { sink, sent };
}

describe('AppStatusPublisher', () => {
  it('publishes the topology, tasks, rates and lag under app/process, then a tombstone on stop', async () => {
    const { sink, sent } = recordingSink();
    const p = new AppStatusPublisher(source, topology(), sink, { applicationId: 'app', processId: 'p1', intervalMs: 60_000, logger: { warn: () => {}, error: () => {} }, now: () => 5000 });
    await p.publishNow();
    const status = parseAppStatus(sent[0]!.value!)!;
    expect(sent[0]!.key).toBe('app/p1');
    expect(status).toMatchObject({ applicationId: 'app', processId: 'p1', state: 'RUNNING', updatedMs: 5000, ttlMs: 180_000, processedTotal: 42, tasks: { active: ['0_0', '0_1'], standby: [] } });
    expect(status.rates).toEqual({ processRate: 12.5, commitRate: null, pollRate: null, processLatencyAvgMs: null });
    expect(status.lag).toEqual([{ topic: 'in', partition: 1, lag: 3 }]);
    expect(status.topology.graph.nodes.filter((n) => n.kind === 'topic').map((n) => n.label)).toEqual(['in', 'out']);
    await p.stop();
    expect(sent.at(-1)).toEqual({ key: 'app/p1', value: null });
    expect(sink.closed).toBe(true);
  });

  it('logs a failure once, keeps trying, and recovers', async () => {
    const { sink, sent } = recordingSink(2);
    const warnings: string[] = [];
    const p = new AppStatusPublisher(source, topology(), sink, { applicationId: 'app', processId: 'p1', intervalMs: 60_000, logger: { warn: (m: string) => void warnings.push(m), error: () => {} } });
    await p.publishNow();
    await p.publishNow();
    expect(sent).toHaveLength(0);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/__tributary_apps.*TOPIC_AUTHORIZATION_FAILED/);
    await p.publishNow();
    expect(sent).toHaveLength(1);
    await p.stop();
  });

  it('sends no tombstone when it never reached the topic', async () => {
    const { sink, sent } = recordingSink(100);
    const p = new AppStatusPublisher(source, topology(), sink, { applicationId: 'app', processId: 'p1', intervalMs: 60_000, logger: { warn: () => {}, error: () => {} } });
    await p.publishNow();
    await p.stop();
    expect(sent).toEqual([]);
  });
});

describe('parseAppStatus', () => {
  it('rejects what is not a status record instead of throwing', () => {
    expect(parseAppStatus(Buffer.from('not json'))).toBeUndefined();
    expect(parseAppStatus(Buffer.from('{"version":1}'))).toBeUndefined();
  });
});
