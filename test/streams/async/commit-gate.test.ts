// The commit gate, checked against a model while a task runs an async operator: after every step
// (take a record, or let one call finish, in an order fast-check picks), each input partition's
// committable offset is exactly min(consumed position, lowest offset not yet emitted) — so it
// never passes a record whose async work is unfinished.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CommitGate } from '../../../src/streams/async/commit-gate.ts';
import { StreamsBuilder } from '../../../src/streams/dsl/streams-builder.ts';
import { Consumed } from '../../../src/streams/dsl/options/consumed.ts';
import { DeserializationHandlers } from '../../../src/streams/errors/deserialization-handler.ts';
import { Serdes } from '../../../src/streams/serde/serdes.ts';
import { StreamTask, type TaskConfig } from '../../../src/streams/task/stream-task.ts';
import type { ProcessorContext } from '../../../src/streams/processor/processor-context.ts';

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
const tick = () => new Promise((r) => setImmediate(r));

describe('CommitGate', () => {
  it('caps a partition at its lowest held offset; a record held twice stays held until both release', () => {
    const gate = new CommitGate();
    const r5 = gate.hold('t', 0, 5);
    const r5b = gate.hold('t', 0, 5);
    const r7 = gate.hold('t', 0, 7);
    expect(gate.committable({ topic: 't', partition: 0, offset: 9 }).offset).toBe(5);
    expect(gate.committable({ topic: 't', partition: 1, offset: 9 }).offset).toBe(9);
    r5();
    r5();
    expect(gate.committable({ topic: 't', partition: 0, offset: 9 }).offset).toBe(5);
    r5b();
    expect(gate.committable({ topic: 't', partition: 0, offset: 9 }).offset).toBe(7);
    r7();
    expect(gate.committable({ topic: 't', partition: 0, offset: 9 }).offset).toBe(9);
    expect(gate.size).toBe(0);
  });
});

describe('StreamTask commit gate against a model (property)', () => {
  it('committable offsets equal min(consumed, lowest unemitted) after every step', async () => {
    const step = fc.oneof(fc.constant({ kind: 'take' as const }), fc.constant({ kind: 'finish' as const }));
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.array(fc.record({ topic: fc.constantFrom('a', 'b'), key: fc.constantFrom('x', 'y') }), { minLength: 1, maxLength: 30 }),
        fc.array(step, { maxLength: 80 }),
        fc.integer({ min: 1, max: 6 }),
        fc.boolean(),
        async (s, records, steps, concurrency, ordered) => {
          const emitted: Array<{ topic: string; offset: number }> = [];
          const b = new StreamsBuilder();
          b.stream(['a', 'b'], Consumed.with(S, S))
            .mapValuesAsync((v) => s.schedule(Promise.resolve(v)), { concurrency, ordered })
            .process(() => {
              let ctx!: ProcessorContext<never, never>;
              return {
                init: (c) => void (ctx = c),
                process: () => {
                  const m = ctx.recordMetadata()!;
                  emitted.push({ topic: m.topic, offset: m.offset });
                },
              };
            });
          const topology = b.build();
          const task = new StreamTask(topology, topology.subtopologies()[0]!, 0, config, { send: () => {}, changelog: { send: () => {} }, now: () => 0 });
          await task.initialize();
          const next = { a: 0, b: 0 };
          task.addRecords(records.map((r, i) => ({ topic: r.topic, partition: 0, offset: next[r.topic]++, timestamp: i, key: Buffer.from(r.key), value: Buffer.from(String(i)), headers: {} })));
          const taken: Array<{ topic: string; offset: number }> = [];
          const check = () => {
            for (const c of task.committableOffsets()) {
              const consumed = task.consumedOffsets().find((o) => o.topic === c.topic)!.offset;
              const unemitted = taken.filter((t) => t.topic === c.topic && !emitted.some((e) => e.topic === t.topic && e.offset === t.offset)).map((t) => t.offset);
              expect(c.offset).toBe(Math.min(consumed, ...unemitted));
            }
          };
          for (const st of [...steps, ...Array<typeof steps[number]>(records.length * 2).fill({ kind: 'finish' })]) {
            if (st.kind === 'take') {
              const position = (topic: string) => task.consumedOffsets().find((o) => o.topic === topic)?.offset ?? 0;
              const before = { a: position('a'), b: position('b') };
              if (task.process()) {
                const topic = position('a') !== before.a ? 'a' : 'b';
                taken.push({ topic, offset: position(topic) - 1 });
              }
            } else if (s.count() > 0) {
              await s.waitOne();
              await tick();
            }
            task.drainAsync();
            check();
          }
          await task.close();
        },
      ),
      { numRuns: 80 },
    );
  });
});
