import { describe, expect, it } from 'vitest';
import { MetricRegistry, type MetricSpec } from '../../src/metrics/metric-registry.ts';
import { PrometheusBridge, prometheusName } from '../../src/metrics/prometheus-bridge.ts';
import { parsePrometheusText, samplesOf } from './prometheus-text.ts';

const spec = (group: string, name: string): MetricSpec => ({ group, name, level: 'INFO', description: `${name} help`, type: name.endsWith('-total') ? 'counter' : 'gauge' });

describe('PrometheusBridge', () => {
  it('names families tributary_<group>_<name> and turns tags into labels', () => {
    expect(prometheusName('stream-thread-metrics', 'process-total')).toBe('tributary_stream_thread_process_total');
    expect(prometheusName('stream-metrics', 'alive-stream-threads')).toBe('tributary_stream_alive_stream_threads');
  });

  it('serves current values as parseable Prometheus text, counters typed as counters', async () => {
    const r = new MetricRegistry();
    const s = r.scope({ 'thread-id': 't-1' });
    const stat = s.stat([[spec('stream-thread-metrics', 'process-total'), 'total']]);
    let state = 'RUNNING';
    s.gauge(spec('stream-metrics', 'state'), () => state);
    const bridge = new PrometheusBridge(() => r.metrics());
    stat.add(3);
    let parsed = parsePrometheusText(await bridge.scrape());
    expect(samplesOf(parsed, 'tributary_stream_thread_process_total', { thread_id: 't-1' })[0]?.value).toBe(3);
    expect(parsed.types.get('tributary_stream_thread_process_total')).toBe('counter');
    expect(samplesOf(parsed, 'tributary_stream_state', { state: 'RUNNING' })[0]?.value).toBe(1);
    stat.add(2);
    state = 'REBALANCING';
    parsed = parsePrometheusText(await bridge.scrape());
    expect(samplesOf(parsed, 'tributary_stream_thread_process_total')[0]?.value).toBe(5);
    expect(samplesOf(parsed, 'tributary_stream_state').map((x) => x.labels['state'])).toEqual(['REBALANCING']);
    // A metric that went away leaves its family empty.
    s.close();
    parsed = parsePrometheusText(await bridge.scrape());
    expect(samplesOf(parsed, 'tributary_stream_thread_process_total')).toEqual([]);
  });
});
