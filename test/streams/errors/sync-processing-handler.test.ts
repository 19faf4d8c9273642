/*
 * KIP-1033's processing exception handler on synchronous processors (Kafka Streams 3.9+): a
 * mapper, predicate or processor that throws is handed to the configured handler — skip the
 * record (siblings of the failing node still get it, as Kafka's ProcessorNode), dead-letter its
 * source record, or fail. Without a handler a throwing operator still fails the task, as before.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Consumed } from '../../../src/streams/dsl/options/consumed.ts';
import { Produced } from '../../../src/streams/dsl/options/produced.ts';
import { StreamsBuilder } from '../../../src/streams/dsl/streams-builder.ts';
import { DLQ_HEADERS } from '../../../src/streams/errors/deserialization-handler.ts';
import { StreamsProcessingError } from '../../../src/streams/errors/processing-error.ts';
import { ProcessingHandlers, type ProcessingExceptionHandler } from '../../../src/streams/errors/processing-exception-handler.ts';
import { Serdes } from '../../../src/streams/serde/serdes.ts';
import { TopologyTestDriver } from '../../../src/testing/topology-test-driver.ts';

const S = Serdes.string();
const silent = { warn: () => {}, error: () => {} };
let driver: TopologyTestDriver | undefined;
afterEach(async () => {
  await driver?.close();
  driver = undefined;
});

/** in → mapValues (throws on "bad") → out, and in → (a sibling branch) → copy. */
async function build(handler: ProcessingExceptionHandler | undefined) {
  const b = new StreamsBuilder();
  const s = b.stream('in', Consumed.with(S, S));
  s.mapValues((v) => {
    if (v.startsWith('bad')) throw new Error(`cannot map ${v}`);
    return v.toUpperCase();
  }).to('out', Produced.with(S, S));
  s.filter((_k, v) => v !== 'drop').to('copy', Produced.with(S, S));
  driver = await TopologyTestDriver.create(b.build(), { applicationId: 'sync-handler', ...(handler === undefined ? {} : { processingExceptionHandler: handler }) });
  return {
    input: driver.createInputTopic('in', S, S),
    out: driver.createOutputTopic('out', S, S),
    copy: driver.createOutputTopic('copy', S, S),
    d: driver,
  };
}

describe('processing exception handler on synchronous operators', () => {
  it('logAndContinue skips the failing record at the failing node only and counts it dropped', async () => {
    const { input, out, copy, d } = await build(ProcessingHandlers.logAndContinue(silent));
    input.pipeInput('k', 'a');
    input.pipeInput('k', 'bad-1');
    input.pipeInput('k', 'b');
    expect(out.readValuesToList()).toEqual(['A', 'B']);
    // The sibling branch saw every record, the failed one included.
    expect(copy.readValuesToList()).toEqual(['a', 'bad-1', 'b']);
    expect(d.metrics().droppedRecordsTotal).toBe(1);
  });

  it('deadLetterQueue sends the raw source record with the error headers', async () => {
    const { input, out, d } = await build(ProcessingHandlers.deadLetterQueue('dlq', silent));
    input.pipeInput('k1', 'ok');
    input.pipeInput('k2', 'bad-2');
    expect(out.readValuesToList()).toEqual(['OK']);
    const dlq = d.createOutputTopic('dlq', S, S).readRecordsToList();
    expect(dlq.map((r) => [r.key, r.value])).toEqual([['k2', 'bad-2']]);
    expect(dlq[0]!.headers[DLQ_HEADERS.MESSAGE]?.toString()).toBe('cannot map bad-2');
    expect(dlq[0]!.headers[DLQ_HEADERS.OFFSET]?.toString()).toBe('1');
  });

  it('logAndFail, and no handler at all, fail with the task, node and offset named', async () => {
    for (const handler of [ProcessingHandlers.logAndFail(silent), undefined]) {
      const { input } = await build(handler);
      input.pipeInput('k', 'fine');
      let thrown: unknown;
      try {
        input.pipeInput('k', 'bad-3');
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toBeInstanceOf(StreamsProcessingError);
      expect((thrown as StreamsProcessingError).context).toMatchObject({ topic: 'in', offset: 1 });
      expect((thrown as Error).message).toContain('cannot map bad-3');
      await driver!.close();
      driver = undefined;
    }
  });

  it('the handler sees the node that threw, once, even when the error passes through parents', async () => {
    const seen: string[] = [];
    const recording: ProcessingExceptionHandler = {
      name: 'recording',
      handle(failure, error) {
        seen.push(`${failure.nodeName}@${failure.offset}: ${error.message}`);
        return { action: 'continue' };
      },
    };
    const { input } = await build(recording);
    input.pipeInput('k', 'bad-4');
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatch(/^KSTREAM-MAPVALUES-\d+@0: cannot map bad-4$/);
  });
});
