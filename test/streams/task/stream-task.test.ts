// StreamTask driven directly: stream time, punctuation, store access, errors, commit and close.
import { describe, expect, it } from 'vitest';
import { Topology } from '../../../src/streams/topology/topology.ts';
import { StreamTask, type OutputRecord, type TaskConfig } from '../../../src/streams/task/stream-task.ts';
import { PunctuationType, type ProcessorContext } from '../../../src/streams/processor/processor-context.ts';
import { DeserializationHandlers } from '../../../src/streams/errors/deserialization-handler.ts';
import { StreamsProcessingError } from '../../../src/streams/errors/processing-error.ts';
import { Serdes } from '../../../src/streams/serde/serdes.ts';
import { Stores } from '../../../src/streams/state/stores.ts';
import type { CollectedRecord, KeyValueStore } from '../../../src/streams/state/store-types.ts';
import type { Processor } from '../../../src/streams/processor/processor.ts';

const S = Serdes.string();
const silent = { warn: () => {}, error: () => {} };
const config: TaskConfig = {
  applicationId: 'app',
  stateDir: '/nonexistent-not-used-by-memory-stores',
  defaultKeySerde: S as never,
  defaultValueSerde: S as never,
  deserializationHandler: DeserializationHandlers.logAndFail(silent),
  defaultStoreType: 'memory',
  cacheMaxBytes: 0,
  logger: silent,
};

function harness(topology: Topology, now = { t: 0 }) {
  const out: OutputRecord[] = [];
  const changelog: CollectedRecord[] = [];
  const task = new StreamTask(topology, topology.subtopologies()[0]!, 2, config, {
    send: (r) => out.push(r),
    changelog: { send: (r) => changelog.push(r) },
    now: () => now.t,
  });
  let offset = 0;
  const pipe = (value: string, timestamp: number, topic = 'in') => {
    task.addRecords([{ topic, partition: 2, offset: offset++, timestamp, key: Buffer.from('k'), value: Buffer.from(value), headers: {} }]);
    return task.process();
  };
  return { task, out, changelog, pipe, now };
}

describe('StreamTask', () => {
  it('tracks stream time as the max timestamp seen, never going back', async () => {
    const times: number[] = [];
    let ctx!: ProcessorContext<never, never>;
    const t = new Topology().addSource('src', 'in').addProcessor('p', () => ({
      init(c: ProcessorContext<never, never>) {
        ctx = c;
      },
      process() {
        times.push(ctx.currentStreamTimeMs());
      },
    }), 'src');
    const { task, pipe } = harness(t);
    await task.initialize();
    expect(task.idString).toBe('0_2');
    expect(task.streamTime).toBe(-1);
    pipe('a', 10);
    pipe('b', 5);
    pipe('c', 20);
    expect(times).toEqual([10, 10, 20]);
    expect(task.streamTime).toBe(20);
    await task.close();
  });

  it('fires stream-time punctuations once per crossing, aligned to multiples of the interval', async () => {
    const fired: number[] = [];
    const t = new Topology().addSource('src', 'in').addProcessor('p', () => ({
      init(c: ProcessorContext<never, never>) {
        c.schedule(10, PunctuationType.STREAM_TIME, (ts) => fired.push(ts));
      },
      process() {},
    }), 'src');
    const { task, pipe } = harness(t);
    await task.initialize();
    pipe('a', 3); // aligned to 0: fires on the first record, next due 10
    pipe('b', 7);
    pipe('c', 13); // due 10 → fires, next due 20
    pipe('d', 55); // jumps several intervals → fires once, next due 60
    pipe('e', 59);
    pipe('f', 60);
    pipe('g', 63);
    expect(fired).toEqual([3, 13, 55, 60]);
    await task.close();
  });

  it('fires wall-clock punctuations from the clock, and can cancel them', async () => {
    const fired: number[] = [];
    const now = { t: 1000 };
    const t = new Topology().addSource('src', 'in').addProcessor('p', () => ({
      init(c: ProcessorContext<never, never>) {
        const cancellable = c.schedule(100, PunctuationType.WALL_CLOCK_TIME, (ts) => {
          fired.push(ts);
          if (fired.length === 2) cancellable.cancel();
        });
      },
      process() {},
    }), 'src');
    const { task } = harness(t, now);
    await task.initialize();
    expect(task.maybePunctuateSystemTime()).toBe(false);
    now.t = 1100;
    task.maybePunctuateSystemTime();
    now.t = 1250;
    task.maybePunctuateSystemTime();
    now.t = 2000;
    task.maybePunctuateSystemTime();
    expect(fired).toEqual([1100, 1250]);
    await task.close();
  });

  it('lets a processor use only the stores connected to it', async () => {
    const t = new Topology()
      .addSource('src', 'in')
      .addProcessor('writer', (): Processor<string, string> => {
        let store: KeyValueStore<string, string>;
        return {
          init(c) {
            store = c.getStateStore('kv');
          },
          process(r) {
            store.put(r.key, r.value);
          },
        };
      }, 'src')
      .addProcessor('snoop', (): Processor<string, string> => ({
        init(c) {
          c.getStateStore('kv');
        },
        process() {},
      }), 'src')
      .addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore('kv'), S, S), 'writer');
    const { task } = harness(t);
    await expect(task.initialize()).rejects.toThrow(/"snoop" has no access to state store "kv"/);
  });

  it('sends store changes to the changelog "<app>-<store>-changelog" on the task partition', async () => {
    const t = new Topology()
      .addSource('src', 'in')
      .addProcessor('writer', (): Processor<string, string> => {
        let store: KeyValueStore<string, string>;
        return {
          init(c) {
            store = c.getStateStore('kv');
          },
          process(r) {
            store.put(r.key, r.value);
          },
        };
      }, 'src')
      .addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore('kv'), S, S), 'writer');
    const { task, pipe, changelog } = harness(t);
    await task.initialize();
    pipe('v1', 42);
    await task.commit();
    expect(changelog.map((c) => [c.topic, c.partition, c.key?.toString(), c.value?.toString(), c.timestamp])).toEqual([['app-kv-changelog', 2, 'k', 'v1', 42]]);
    expect((task.store('kv') as KeyValueStore<string, string>).get('k')).toBe('v1');
    await task.close();
  });

  it('wraps an exception from user code with task, node and record origin', async () => {
    const t = new Topology().addSource('src', 'in').addProcessor('boom', () => ({
      process() {
        throw new Error('bad input');
      },
    }), 'src');
    const { task, pipe } = harness(t);
    await task.initialize();
    let err: unknown;
    try {
      pipe('x', 1);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StreamsProcessingError);
    expect((err as Error).message).toBe('Exception caught processing topic=in partition=2 offset=0, taskId=0_2, processor=boom: bad input');
    await task.close();
  });

  it('drops records with a negative timestamp and counts them', async () => {
    const seen: string[] = [];
    const t = new Topology().addSource('src', 'in').addProcessor('p', () => ({ process: (r: { value: unknown }) => void seen.push(String(r.value)) }), 'src');
    const { task, pipe } = harness(t);
    await task.initialize();
    pipe('neg', -1);
    pipe('ok', 1);
    expect(seen).toEqual(['ok']);
    expect(task.droppedRecords).toBe(1);
    await task.close();
  });

  it('refuses records from topics it does not read, and use before initialize', async () => {
    const t = new Topology().addSource('src', 'in').addSink('sink', 'out', {}, 'src');
    const { task, pipe, out } = harness(t);
    expect(() => task.process()).toThrow(/not initialized/);
    await task.initialize();
    expect(() => pipe('x', 1, 'elsewhere')).toThrow(/none of its sources reads/);
    pipe('y', 2);
    expect(out.map((o) => [o.topic, o.value?.toString()])).toEqual([['out', 'y']]);
    await task.close();
    expect(() => pipe('z', 3)).toThrow(/closed/);
  });
});
