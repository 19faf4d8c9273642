import { describe, expect, it } from 'vitest';
import { applicationTopicPattern, ApplicationTopicPattern, patternSubtopology } from '../../../src/streams/runtime/pattern-subscription.ts';
import { Topology } from '../../../src/streams/topology/topology.ts';

const noop = () => ({ process: () => undefined });

describe('ApplicationTopicPattern', () => {
  it('matches the named topics exactly and the patterns by RegExp.test, each with its own flags', () => {
    const p = new ApplicationTopicPattern(['orders'], [/^Events-/i, /-raw$/]);
    expect(p).toBeInstanceOf(RegExp);
    expect(p.test('orders')).toBe(true);
    expect(p.test('orders-2')).toBe(false);
    expect(p.test('events-clicks')).toBe(true);
    expect(p.test('sensor-raw')).toBe(true);
    expect(p.test('sensor-cooked')).toBe(false);
    expect(String(p)).toBe('orders | /^Events-/i | /-raw$/');
  });

  it('gives the same answer however often it is asked (no lastIndex state from g or y flags)', () => {
    const t = new Topology().addSource('s', /^a/g).addProcessor('p', noop, 's');
    const p = applicationTopicPattern(t, 'app')!;
    expect([p.test('ab'), p.test('ab'), p.test('ab')]).toEqual([true, true, true]);
  });
});

describe('applicationTopicPattern', () => {
  it('is undefined without pattern sources (the group subscribes to the topic list)', () => {
    const t = new Topology().addSource('s', 'in').addProcessor('p', noop, 's');
    expect(applicationTopicPattern(t, 'app')).toBeUndefined();
  });

  it('covers the named source topics (internal ones resolved) and every pattern', () => {
    const t = new Topology()
      .addSource('named', 'in')
      .addProcessor('p', noop, 'named')
      .addSource('wide', /^logs-/)
      .addProcessor('q', noop, 'wide')
      .addInternalTopic('agg-repartition', 'repartition')
      .addSource('rep', 'agg-repartition')
      .addProcessor('r', noop, 'rep');
    const p = applicationTopicPattern(t, 'app')!;
    expect(['in', 'logs-1', 'app-agg-repartition', 'agg-repartition', 'other'].map((x) => p.test(x))).toEqual([true, true, true, false, false]);
  });
});

describe('patternSubtopology', () => {
  it('is the first sub-topology whose pattern matches', () => {
    const t = new Topology().addSource('a', /^x/).addProcessor('pa', noop, 'a').addSource('b', /x/).addProcessor('pb', noop, 'b');
    const subs = t.subtopologies();
    expect(patternSubtopology(subs, 'xy')?.id).toBe(0);
    expect(patternSubtopology(subs, 'yx')?.id).toBe(1);
    expect(patternSubtopology(subs, 'yy')).toBeUndefined();
  });
});
