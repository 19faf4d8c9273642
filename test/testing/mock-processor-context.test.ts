// MockProcessorContext, as Kafka Streams' processor.api.MockProcessorContext: a user processor
// driven by hand sees the metadata and clocks the test set, and the test reads back forwards,
// punctuators and dropped records.
import { describe, expect, it } from 'vitest';
import { MockProcessorContext } from '../../src/testing/mock-processor-context.ts';
import { PunctuationType } from '../../src/streams/processor/processor-context.ts';
import { makeRecord } from '../../src/streams/processor/record.ts';
import { Stores } from '../../src/streams/state/stores.ts';
import { Serdes } from '../../src/streams/serde/serdes.ts';

describe('MockProcessorContext', () => {
  it('captures forwards in order, per child, until reset', () => {
    const ctx = new MockProcessorContext<string, number>();
    ctx.forward(makeRecord('a', 1, 10));
    ctx.forward(makeRecord('b', 2, 11), 'child');
    expect(ctx.forwarded().map((f) => [f.record.key, f.childName])).toEqual([
      ['a', undefined],
      ['b', 'child'],
    ]);
    expect(ctx.forwarded('child').map((f) => f.record.value)).toEqual([2]);
    ctx.resetForwards();
    expect(ctx.forwarded()).toEqual([]);
  });

  it('answers the metadata and clocks the test set', () => {
    const ctx = new MockProcessorContext({ taskId: '1_2' });
    expect(ctx.recordMetadata()).toBeUndefined();
    expect(ctx.currentStreamTimeMs()).toBe(-1);
    ctx.setRecordMetadata('t', 3, 42);
    ctx.setCurrentStreamTimeMs(100);
    ctx.setCurrentSystemTimeMs(200);
    expect(ctx.recordMetadata()).toEqual({ topic: 't', partition: 3, offset: 42 });
    expect([ctx.taskId, ctx.currentStreamTimeMs(), ctx.currentSystemTimeMs()]).toEqual(['1_2', 100, 200]);
  });

  it('records punctuators without firing them; cancel marks them', () => {
    const ctx = new MockProcessorContext();
    const fired: number[] = [];
    const c = ctx.schedule(1000, PunctuationType.WALL_CLOCK_TIME, (t) => fired.push(t));
    expect(fired).toEqual([]);
    const [p] = ctx.scheduledPunctuators();
    expect([p!.intervalMs, p!.type, p!.cancelled]).toEqual([1000, 'WALL_CLOCK_TIME', false]);
    p!.punctuator(5);
    c.cancel();
    expect(fired).toEqual([5]);
    expect(ctx.scheduledPunctuators()[0]!.cancelled).toBe(true);
  });

  it('serves added stores and names the missing one', () => {
    const ctx = new MockProcessorContext();
    const store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore('counts'), Serdes.string(), Serdes.int32()).build();
    ctx.addStateStore(store);
    expect(ctx.getStateStore('counts')).toBe(store);
    expect(() => ctx.getStateStore('nope')).toThrow(/no state store "nope".*\[counts\]/);
  });

  it('counts dropped records in dropped-records-total and logs the reason', () => {
    const warned: string[] = [];
    const ctx = new MockProcessorContext({ logger: { warn: (m: string) => warned.push(m), error() {} } });
    ctx.recordDropped('why 1');
    ctx.recordDropped('why 2');
    const m = ctx.metrics().find((x) => x.name === 'dropped-records-total');
    expect(m?.group).toBe('stream-task-metrics');
    expect(m?.tags['task-id']).toBe('0_0');
    expect(m?.value).toBe(2);
    expect(ctx.logMessages()).toEqual(['why 1', 'why 2']);
    expect(warned).toEqual(['why 1', 'why 2']);
  });
});
