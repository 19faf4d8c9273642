import { describe, expect, it } from 'vitest';
import { MetricRegistry, metricValue, type MetricSpec } from '../../src/metrics/metric-registry.ts';

const spec = (name: string, level: MetricSpec['level'] = 'INFO'): MetricSpec => ({ group: 'g', name, level, description: name, type: name.endsWith('-total') ? 'counter' : 'gauge' });

describe('MetricRegistry', () => {
  it('lists scoped metrics with their tags and removes them when the scope closes', () => {
    let t = 0;
    const r = new MetricRegistry({ now: () => t });
    const a = r.scope({ 'task-id': '0_0' });
    const stat = a.stat([[spec('x-total'), 'total'], [spec('x-rate'), 'rate']]);
    a.gauge(spec('size'), () => 7);
    stat.add(5);
    t = 1000;
    expect(metricValue(r.metrics(), 'g', 'x-total', { 'task-id': '0_0' })).toBe(5);
    expect(metricValue(r.metrics(), 'g', 'x-rate')).toBe(5);
    expect(r.metrics().find((m) => m.name === 'x-total')).toMatchObject({ type: 'counter', tags: { 'task-id': '0_0' } });
    a.close();
    expect(r.metrics()).toEqual([]);
  });

  it('does not register metrics above the recording level', () => {
    const r = new MetricRegistry({ level: 'INFO' });
    const s = r.scope({});
    s.gauge(spec('info'), () => 1);
    s.gauge(spec('debug', 'DEBUG'), () => 2);
    expect(r.metrics().map((m) => m.name)).toEqual(['info']);
    expect(r.shouldRecord('DEBUG')).toBe(false);
    expect(new MetricRegistry({ level: 'TRACE' }).shouldRecord('DEBUG')).toBe(true);
  });

  it('adds collector metrics and sums numeric matches across tags', () => {
    const r = new MetricRegistry();
    const remove = r.collector(() => [
      { name: 'lag', group: 'g', tags: { partition: '0' }, description: '', value: 3, type: 'gauge' as const },
      { name: 'lag', group: 'g', tags: { partition: '1' }, description: '', value: 4, type: 'gauge' as const },
    ]);
    expect(metricValue(r.metrics(), 'g', 'lag')).toBe(7);
    expect(metricValue(r.metrics(), 'g', 'lag', { partition: '1' })).toBe(4);
    expect(metricValue(r.metrics(), 'g', 'nope')).toBeUndefined();
    remove();
    expect(r.metrics()).toEqual([]);
  });
});
