// Undeserializable input goes where the configured handler says, and the pipeline keeps going.
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { StreamsBuilder } from '../../../src/streams/dsl/streams-builder.ts';
import { Consumed } from '../../../src/streams/dsl/options/consumed.ts';
import { Grouped } from '../../../src/streams/dsl/options/grouped.ts';
import { Produced } from '../../../src/streams/dsl/options/produced.ts';
import { Serdes } from '../../../src/streams/serde/serdes.ts';
import {
  DLQ_HEADERS,
  DeserializationFailedError,
  DeserializationHandlers,
  type DeserializationExceptionHandler,
} from '../../../src/streams/errors/deserialization-handler.ts';
import { TopologyTestDriver } from '../../../src/testing/topology-test-driver.ts';

const S = Serdes.string();
const B = Serdes.bytes();
const Reading = z.object({ sensor: z.string(), celsius: z.number() });
let driver: TopologyTestDriver | undefined;
const logged: string[] = [];
const logger = { warn: (m: string) => logged.push(`WARN ${m}`), error: (m: string) => logged.push(`ERROR ${m}`) };

afterEach(async () => {
  await driver?.close();
  driver = undefined;
  logged.length = 0;
});

async function start(handler: DeserializationExceptionHandler) {
  const b = new StreamsBuilder();
  b.stream('readings', Consumed.with(S, Serdes.json(Reading)))
    .mapValues((r) => r.celsius * 1.8 + 32)
    .to('fahrenheit', Produced.with(S, Serdes.double()));
  driver = await TopologyTestDriver.create(b.build(), { deserializationHandler: handler, logger });
  // Pipe raw bytes so a test can send what the source serde cannot read.
  const input = driver.createInputTopic('readings', S, B);
  const good = (c: number) => Buffer.from(JSON.stringify({ sensor: 's', celsius: c }));
  return { input, good, out: driver.createOutputTopic('fahrenheit', S, Serdes.double()) };
}

describe('deserialization exception handlers', () => {
  it('logAndContinue skips the bad record, logs it, counts it, and processes the next', async () => {
    const { input, good, out } = await start(DeserializationHandlers.logAndContinue(logger));
    input.pipeInput('k', good(0));
    input.pipeInput('k', Buffer.from('not json'));
    input.pipeInput('k', Buffer.from(JSON.stringify({ sensor: 's', celsius: 'hot' })));
    input.pipeInput('k', good(100));
    expect(out.readValuesToList()).toEqual([32, 212]);
    expect(driver!.metrics().droppedRecordsTotal).toBe(2);
    expect(logged.filter((l) => l.startsWith('WARN')).length).toBe(2);
    expect(logged[0]).toContain('topic=readings, partition=0, offset=1');
  });

  it('logAndFail stops with an error naming topic, partition and offset', async () => {
    const { input, good, out } = await start(DeserializationHandlers.logAndFail(logger));
    input.pipeInput('k', good(10));
    let caught: unknown;
    try {
      input.pipeInput('k', Buffer.from('{'));
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(DeserializationFailedError);
    expect((caught as Error).message).toContain('topic=readings partition=0 offset=1');
    expect(out.readValuesToList()).toEqual([50]);
  });

  it('is logAndFail by default', async () => {
    const b = new StreamsBuilder();
    b.stream('in', Consumed.with(S, Serdes.int32())).to('out');
    driver = await TopologyTestDriver.create(b.build(), { logger });
    expect(() => driver!.createInputTopic('in', S, B).pipeInput('k', Buffer.from([1, 2]))).toThrow(DeserializationFailedError);
  });

  it('deadLetterQueue sends the raw record with error headers, and continues', async () => {
    const { input, good, out } = await start(DeserializationHandlers.deadLetterQueue('readings-dlq', logger));
    const bad = Buffer.from('garbage');
    input.pipeInput('k1', bad, 1234, { trace: Buffer.from('abc') });
    input.pipeInput('k2', good(20));
    expect(out.readValuesToList()).toEqual([68]);
    const dlq = driver!.createOutputTopic('readings-dlq', S, B).readRecordsToList();
    expect(dlq).toHaveLength(1);
    const r = dlq[0]!;
    expect(r.key).toBe('k1');
    expect(r.value).toEqual(bad);
    expect(r.timestamp).toBe(1234);
    const h = (name: string) => r.headers[name]?.toString('utf8');
    expect(h('trace')).toBe('abc');
    expect(h(DLQ_HEADERS.TOPIC)).toBe('readings');
    expect(h(DLQ_HEADERS.PARTITION)).toBe('0');
    expect(h(DLQ_HEADERS.OFFSET)).toBe('0');
    expect(h(DLQ_HEADERS.EXCEPTION)).toMatch(/Error$/);
    expect(h(DLQ_HEADERS.MESSAGE)!.length).toBeGreaterThan(0);
    expect(h(DLQ_HEADERS.STACKTRACE)).toContain(h(DLQ_HEADERS.MESSAGE)!.split('\n')[0]!);
    expect(driver!.producedTopicNames()).toEqual(new Set(['readings-dlq', 'fahrenheit']));
  });

  it('applies to repartition topics too (the handler runs in every task)', async () => {
    // A key serde that cannot read back what it wrote for one particular key.
    const picky = {
      name: 'picky',
      serialize: (_t: string, s: string) => Buffer.from(s),
      deserialize: (_t: string, b: Buffer) => {
        if (b.toString() === 'poison') throw new Error('poison key');
        return b.toString();
      },
    };
    const b = new StreamsBuilder();
    b.stream('in', Consumed.with(S, S))
      .selectKey((_k, v) => v)
      .groupByKey(Grouped.with(picky, S))
      .count()
      .toStream()
      .to('out', Produced.with(picky, Serdes.int64()));
    driver = await TopologyTestDriver.create(b.build(), { deserializationHandler: DeserializationHandlers.logAndContinue(logger), logger });
    const input = driver.createInputTopic('in', S, S);
    input.pipeInput('1', 'ok');
    input.pipeInput('2', 'poison');
    input.pipeInput('3', 'ok');
    expect(driver.createOutputTopic('out', S, Serdes.int64()).readKeyValuesToList()).toEqual([
      { key: 'ok', value: 1 },
      { key: 'ok', value: 2 },
    ]);
    expect(driver.metrics().droppedRecordsTotal).toBe(1);
  });
});
