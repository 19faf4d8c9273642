import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { RuntimeRecordCollector } from '../../../src/streams/runtime/record-collector.ts';
import type { PortProducer, PortProducerRecord, PortRecordMetadata } from '../../../src/streams/runtime/client-port.ts';

const TOPICS = ['app-a-changelog', 'app-b-changelog', 'output'] as const;
const CHANGELOGS = new Set<string>(['app-a-changelog', 'app-b-changelog']);

interface Sent {
  readonly topic: (typeof TOPICS)[number];
  readonly partition: number;
  /** The offset the fake broker acknowledges; -1 as with acks=0. */
  readonly offset: number;
}

/** A producer that acknowledges each record with the offset the test chose for it (an empty batch is never sent). */
function fakeProducer(batches: Sent[][]): PortProducer {
  const acks = batches.filter((b) => b.length > 0);
  let call = 0;
  const send = async (records: readonly PortProducerRecord[]): Promise<readonly PortRecordMetadata[]> => {
    const batch = acks[call++]!;
    expect(records.length).toBe(batch.length);
    return batch.map((s) => ({ topic: s.topic, partition: s.partition, offset: s.offset }));
  };
  const none = async (): Promise<void> => {};
  return { connect: none, send, flush: none, disconnect: none, beginTransaction: () => {}, sendOffsetsToTransaction: none, commitTransaction: none, abortTransaction: none } as unknown as PortProducer;
}

const sent = fc.record({
  topic: fc.constantFrom(...TOPICS),
  partition: fc.integer({ min: 0, max: 2 }),
  offset: fc.integer({ min: -1, max: 50 }),
});

describe('RuntimeRecordCollector changelog end offsets', () => {
  it('is, per changelog partition, one past the highest acknowledged offset (reference model)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(sent, { maxLength: 30 }), { minLength: 1, maxLength: 4 }), async (batches) => {
        const collector = new RuntimeRecordCollector(fakeProducer(batches), CHANGELOGS);
        const model = new Map<string, number>();
        for (const batch of batches) {
          for (const s of batch) {
            collector.changelog.send({ topic: s.topic, partition: s.partition, key: Buffer.from('k'), value: null, timestamp: 0 });
            if (!CHANGELOGS.has(s.topic) || s.offset < 0) continue;
            const k = `${s.topic}/${s.partition}`;
            model.set(k, Math.max(model.get(k) ?? -1, s.offset + 1));
          }
          await collector.flush();
        }
        for (const topic of TOPICS) {
          for (let p = 0; p <= 2; p++) expect(collector.changelogEndOffset(topic, p)).toBe(model.get(`${topic}/${p}`));
        }
      }),
    );
  });
});
