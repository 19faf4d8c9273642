// The async operators through the TopologyTestDriver: what leaves them, in which order, with
// which record context, and what happens on timeouts, retries and failures.
import { afterEach, describe, expect, it } from 'vitest';
import { StreamsBuilder } from '../../../src/streams/dsl/streams-builder.ts';
import { Consumed } from '../../../src/streams/dsl/options/consumed.ts';
import { Produced } from '../../../src/streams/dsl/options/produced.ts';
import { Serdes } from '../../../src/streams/serde/serdes.ts';
import { TopologyTestDriver } from '../../../src/testing/topology-test-driver.ts';
import { ProcessingHandlers } from '../../../src/streams/errors/processing-exception-handler.ts';
import { StreamsProcessingError } from '../../../src/streams/errors/processing-error.ts';
import { DLQ_HEADERS } from '../../../src/streams/errors/deserialization-handler.ts';
import type { KStream } from '../../../src/streams/dsl/kstream.ts';

const S = Serdes.string();
const silent = { warn: () => {}, error: () => {} };
let driver: TopologyTestDriver | undefined;

afterEach(async () => {
  await driver?.close();
  driver = undefined;
});

/** A promise the test resolves or rejects by hand. */
function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

async function build(wire: (s: KStream<string, string>) => KStream<string, string>, config: Parameters<typeof TopologyTestDriver.create>[1] = {}) {
  const b = new StreamsBuilder();
  wire(b.stream('in', Consumed.with(S, S))).to('out', Produced.with(S, S));
  driver = await TopologyTestDriver.create(b.build(), { logger: silent, ...config });
  return { d: driver, input: driver.createInputTopic('in', S, S), output: driver.createOutputTopic('out', S, S) };
}

describe('async operators', () => {
  it('mapValuesAsync emits nothing until settled, then every record in input order', async () => {
    const calls: Array<ReturnType<typeof deferred<string>>> = [];
    const { d, input, output } = await build((s) =>
      s.mapValuesAsync(() => {
        const c = deferred<string>();
        calls.push(c);
        return c.promise;
      }),
    );
    for (const v of ['a', 'b', 'c']) input.pipeInput('k', v);
    expect(output.readValuesToList()).toEqual([]);
    calls[2]!.resolve('C');
    calls[1]!.resolve('B');
    calls[0]!.resolve('A');
    await d.settle();
    expect(output.readValuesToList()).toEqual(['A', 'B', 'C']);
  });

  it('keeps the input record timestamp, headers and origin metadata downstream', async () => {
    const seen: unknown[] = [];
    const b = new StreamsBuilder();
    b.stream('in', Consumed.with(S, S))
      .mapValuesAsync(async (v) => v + '!')
      .process(() => {
        let ctx!: { recordMetadata(): unknown; forward(r: unknown): void };
        return {
          init(c) {
            ctx = c as never;
          },
          process(r) {
            seen.push({ meta: ctx.recordMetadata(), ts: r.timestamp, h: r.headers['h']?.toString(), v: r.value });
          },
        };
      });
    driver = await TopologyTestDriver.create(b.build(), { logger: silent });
    const input = driver.createInputTopic('in', S, S);
    input.pipeInput('k', 'x', 42);
    input.pipeInput('k', 'y', 43, { h: Buffer.from('hv') });
    await driver.settle();
    expect(seen[0]).toEqual({ meta: { topic: 'in', partition: 0, offset: 0 }, ts: 42, h: undefined, v: 'x!' });
    expect(seen[1]).toEqual({ meta: { topic: 'in', partition: 0, offset: 1 }, ts: 43, h: 'hv', v: 'y!' });
  });

  it('flatMapValuesAsync, filterAsync and processAsync forward what their calls produce', async () => {
    const { d, input, output } = await build((s) =>
      s
        .flatMapValuesAsync(async (v) => v.split(','))
        .filterAsync(async (_k, v) => v !== 'drop')
        .processAsync<string, string>(async (r, out) => {
          await Promise.resolve();
          out.forward({ ...r, key: r.key + '1', value: r.value.toUpperCase() });
          out.forward({ ...r, key: r.key + '2', value: r.value });
        }),
    );
    input.pipeInput('k', 'a,drop,b');
    await d.settle();
    expect(output.readKeyValuesToList()).toEqual([
      { key: 'k1', value: 'A' },
      { key: 'k2', value: 'a' },
      { key: 'k1', value: 'B' },
      { key: 'k2', value: 'b' },
    ]);
  });

  it('ordered: false keeps each key in order while other keys may pass', async () => {
    const calls = new Map<string, ReturnType<typeof deferred<string>>>();
    const { d, input, output } = await build((s) =>
      s.mapValuesAsync(
        (v) => {
          const c = deferred<string>();
          calls.set(v, c);
          return c.promise;
        },
        { ordered: false },
      ),
    );
    input.pipeInput('a', 'a1');
    input.pipeInput('b', 'b1');
    input.pipeInput('a', 'a2');
    calls.get('a2')!.resolve('a2');
    calls.get('b1')!.resolve('b1');
    const settled = d.settle();
    await new Promise((r) => setImmediate(r));
    calls.get('a1')!.resolve('a1');
    await settled;
    // b1 finished before a1, so it leaves first; a2 waits for a1.
    expect(output.readKeyValuesToList().map((kv) => kv.value)).toEqual(['b1', 'a1', 'a2']);
  });

  it('stops taking input at `concurrency` unemitted records and resumes when they leave', async () => {
    const calls: Array<ReturnType<typeof deferred<string>>> = [];
    const { d, input, output } = await build((s) =>
      s.mapValuesAsync(
        (v) => {
          const c = deferred<string>();
          calls.push(c);
          return c.promise.then(() => v);
        },
        { concurrency: 2 },
      ),
    );
    for (const v of ['a', 'b', 'c', 'd', 'e']) input.pipeInput('k', v);
    expect(calls.length).toBe(2);
    const settled = d.settle();
    // Each call that finishes lets one more record in.
    for (let i = 0; i < 5; i++) {
      while (calls.length <= i) await new Promise((r) => setImmediate(r));
      calls[i]!.resolve('');
    }
    await settled;
    expect(output.readValuesToList()).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('commits never pass a record whose call is unfinished', async () => {
    const calls: Array<ReturnType<typeof deferred<string>>> = [];
    const { d, input } = await build((s) =>
      s.mapValuesAsync((v) => {
        const c = deferred<string>();
        calls.push(c);
        return c.promise.then(() => v);
      }),
    );
    for (const v of ['a', 'b', 'c']) input.pipeInput('k', v);
    expect(d.committableOffsets()).toMatchObject([{ topic: 'in', partition: 0, offset: 0 }]);
    calls[1]!.resolve('');
    calls[2]!.resolve('');
    await new Promise((r) => setImmediate(r));
    expect(d.committableOffsets()).toMatchObject([{ topic: 'in', partition: 0, offset: 0 }]);
    calls[0]!.resolve('');
    await d.settle();
    expect(d.committableOffsets()).toMatchObject([{ topic: 'in', partition: 0, offset: 3 }]);
  });

  it('retries a timed-out attempt (aborting its signal) and uses the retry result', async () => {
    const signals: AbortSignal[] = [];
    const { d, input, output } = await build((s) =>
      s.mapValuesAsync(
        (v, _k, signal) => {
          signals.push(signal);
          return signals.length === 1 ? new Promise<string>(() => {}) : v + '-retried';
        },
        { timeoutMs: 5, retries: 2, backoffMs: 1 },
      ),
    );
    input.pipeInput('k', 'v');
    await d.settle();
    expect(output.readValuesToList()).toEqual(['v-retried']);
    expect(signals[0]!.aborted).toBe(true);
  });

  it('a call that fails for good stops the application under logAndFail, naming node and offset', async () => {
    const { d, input } = await build((s) => s.mapValuesAsync(async () => Promise.reject(new Error('scoring down')), { name: 'score' }));
    input.pipeInput('k', 'v');
    const err = await d.settle().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StreamsProcessingError);
    expect((err as Error).message).toMatch(/processor=score.*scoring down/);
    expect((err as StreamsProcessingError).context).toMatchObject({ topic: 'in', partition: 0, offset: 0 });
  });

  it('logAndContinue drops the failed record and goes on; deadLetterQueue sends the raw source record', async () => {
    const { d, input, output } = await build((s) => s.mapValuesAsync(async (v) => (v === 'bad' ? Promise.reject(new Error('nope')) : v)), {
      processingExceptionHandler: ProcessingHandlers.deadLetterQueue('dlq', silent),
    });
    input.pipeInput('k', 'bad');
    input.pipeInput('k', 'good');
    await d.settle();
    expect(output.readValuesToList()).toEqual(['good']);
    const dlq = d.createOutputTopic('dlq', S, S).readRecordsToList();
    expect(dlq.map((r) => [r.key, r.value])).toEqual([['k', 'bad']]);
    expect(dlq[0]!.headers[DLQ_HEADERS.MESSAGE]?.toString()).toBe('nope');
    expect(dlq[0]!.headers[DLQ_HEADERS.OFFSET]?.toString()).toBe('0');
    expect(d.metrics().droppedRecordsTotal).toBe(1);

    const b = await build((s) => s.filterAsync(async () => Promise.reject(new Error('x')), { onError: ProcessingHandlers.logAndContinue(silent) }));
    b.input.pipeInput('k', 'v');
    await b.d.settle();
    expect(b.output.readValuesToList()).toEqual([]);
    expect(b.d.metrics().droppedRecordsTotal).toBe(1);
  });

  it('describe() shows the async nodes with generated or given names', () => {
    const b = new StreamsBuilder();
    b.stream('in', Consumed.with(S, S))
      .mapValuesAsync(async (v) => v)
      .filterAsync(async () => true, { name: 'keep' })
      .to('out');
    const text = b.build().describe().toString();
    expect(text).toContain('Processor: KSTREAM-MAPVALUES-ASYNC-0000000001 (stores: [])');
    expect(text).toContain('Processor: keep (stores: [])');
  });

  it('rejects invalid options naming the field', () => {
    const s = new StreamsBuilder().stream('in', Consumed.with(S, S));
    expect(() => s.mapValuesAsync(async (v) => v, { concurrency: 0 })).toThrow(/mapValuesAsync: invalid option "concurrency"/);
    expect(() => s.filterAsync(async () => true, { timeoutMs: -1 })).toThrow(/filterAsync: invalid option "timeoutMs"/);
    expect(() => s.mapValuesAsync(async (v) => v, { bogus: 1 } as never)).toThrow(/mapValuesAsync: invalid option/);
  });
});
