// Properties of the async operator against the synchronous one, with fast-check's scheduler
// choosing the order in which calls complete (random latencies without timers) and random
// concurrency: ordered output equals mapValues' output; unordered output keeps each key's order.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { StreamsBuilder } from '../../../src/streams/dsl/streams-builder.ts';
import { Consumed } from '../../../src/streams/dsl/options/consumed.ts';
import { Produced } from '../../../src/streams/dsl/options/produced.ts';
import { Serdes } from '../../../src/streams/serde/serdes.ts';
import { TopologyTestDriver } from '../../../src/testing/topology-test-driver.ts';
import type { KStream } from '../../../src/streams/dsl/kstream.ts';

const S = Serdes.string();
const silent = { warn: () => {}, error: () => {} };
const mapper = (v: string, k: string): string[] => (v.length % 3 === 0 ? [] : [`${k}:${v}`, `${v.length}`]);

type Input = Array<{ key: string; value: string }>;

async function run(input: Input, wire: (s: KStream<string, string>) => KStream<string, string>, whileSettling?: (settled: () => boolean) => Promise<void>) {
  const b = new StreamsBuilder();
  wire(b.stream('in', Consumed.with(S, S))).to('out', Produced.with(S, S));
  const d = await TopologyTestDriver.create(b.build(), { logger: silent });
  try {
    const topic = d.createInputTopic('in', S, S);
    for (const r of input) topic.pipeInput(r.key, r.value);
    let done = false;
    const settled = d.settle().finally(() => (done = true));
    await whileSettling?.(() => done);
    await settled;
    return d.createOutputTopic('out', S, S).readKeyValuesToList();
  } finally {
    await d.close();
  }
}

/** Releases scheduled calls one at a time, in the scheduler's order, until the driver settled. */
async function release(s: fc.Scheduler, settled: () => boolean): Promise<void> {
  while (!settled()) {
    if (s.count() > 0) await s.waitOne();
    else await new Promise((r) => setImmediate(r));
  }
}

const inputs = fc.array(fc.record({ key: fc.constantFrom('a', 'b', 'c'), value: fc.string({ maxLength: 6 }) }), { maxLength: 40 });

describe('async operators vs their synchronous versions (property)', () => {
  it('ordered: output equals the synchronous pipeline, whatever the completion order and concurrency', async () => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), inputs, fc.integer({ min: 1, max: 8 }), async (s, input, concurrency) => {
        const sync = await run(input, (st) => st.flatMapValues((v, k) => mapper(v, k)).filter((_k, v) => v !== '2'));
        const async = await run(
          input,
          (st) =>
            st
              .flatMapValuesAsync((v, k) => s.schedule(Promise.resolve(mapper(v, k))), { concurrency })
              .filterAsync((_k, v) => s.schedule(Promise.resolve(v !== '2')), { concurrency }),
          (settled) => release(s, settled),
        );
        expect(async).toEqual(sync);
      }),
      { numRuns: 60 },
    );
  });

  it('unordered: the same records, each key in its synchronous order', async () => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), inputs, fc.integer({ min: 1, max: 8 }), async (s, input, concurrency) => {
        const sync = await run(input, (st) => st.mapValues((v) => v.toUpperCase()));
        const async = await run(input, (st) => st.mapValuesAsync((v) => s.schedule(Promise.resolve(v.toUpperCase())), { concurrency, ordered: false }), (settled) => release(s, settled));
        const byKey = (list: typeof sync) => ['a', 'b', 'c'].map((k) => list.filter((r) => r.key === k).map((r) => r.value));
        expect(byKey(async)).toEqual(byKey(sync));
        expect(async.length).toBe(sync.length);
      }),
      { numRuns: 60 },
    );
  });
});
