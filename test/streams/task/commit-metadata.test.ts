// Offset commit metadata in Kafka Streams' TopicPartitionMetadata layout (task/commit-metadata.ts):
// the bytes are built here by hand from the layout in apache/kafka's TopicPartitionMetadata and
// ProcessorMetadata, so an encoder that drifts from Kafka's format fails.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeCommitMetadata, encodeCommitMetadata, ProcessorMetadata } from '../../../src/streams/task/commit-metadata.ts';

function kafkaBytes(partitionTime: bigint, entries: Array<[string, bigint]>): string {
  const parts: Buffer[] = [Buffer.of(2)];
  const t = Buffer.alloc(8);
  t.writeBigInt64BE(partitionTime);
  parts.push(t);
  if (entries.length > 0) {
    const n = Buffer.alloc(4);
    n.writeInt32BE(entries.length);
    parts.push(n);
    for (const [k, v] of entries) {
      const key = Buffer.from(k, 'utf8');
      const len = Buffer.alloc(4);
      len.writeInt32BE(key.length);
      const val = Buffer.alloc(8);
      val.writeBigInt64BE(v);
      parts.push(len, key, val);
    }
  }
  return Buffer.concat(parts).toString('base64');
}

describe('commit metadata (Kafka TopicPartitionMetadata v2)', () => {
  it('encodes partition time and processor metadata as Kafka does', () => {
    const m = new ProcessorMetadata();
    m.put('KSTREAM-AGGREGATE-STATE-STORE-0000000001', 1_700_000_000_000);
    expect(encodeCommitMetadata(42, m)).toBe(kafkaBytes(42n, [['KSTREAM-AGGREGATE-STATE-STORE-0000000001', 1_700_000_000_000n]]));
    expect(encodeCommitMetadata(-1, new ProcessorMetadata())).toBe(kafkaBytes(-1n, []));
  });

  it('decodes what Kafka writes, version 1 (partition time only) included', () => {
    const d = decodeCommitMetadata(kafkaBytes(7n, [['a', 5n], ['b', -3n]]));
    expect(d.partitionTime).toBe(7);
    expect([d.processorMetadata.get('a'), d.processorMetadata.get('b'), d.processorMetadata.get('c')]).toEqual([5, -3, undefined]);
    const v1 = Buffer.alloc(9);
    v1.writeInt8(1, 0);
    v1.writeBigInt64BE(99n, 1);
    const d1 = decodeCommitMetadata(v1.toString('base64'));
    expect([d1.partitionTime, d1.processorMetadata.size]).toEqual([99, 0]);
  });

  it('empty, foreign or corrupt metadata gives unknown time and nothing else, with a reason', () => {
    const why: string[] = [];
    for (const text of [undefined, null, '', 'not base64 at all!', Buffer.of(9, 0, 0, 0, 0, 0, 0, 0, 0).toString('base64'), kafkaBytes(1n, [['k', 1n]]).slice(0, 20)]) {
      const d = decodeCommitMetadata(text, (w) => why.push(w));
      expect([d.partitionTime, d.processorMetadata.size]).toEqual([-1, 0]);
    }
    expect(why).toHaveLength(3);
    expect(why[1]).toMatch(/version 9/);
  });

  it('round-trips any metadata (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1, max: 2 ** 52 }), fc.dictionary(fc.string(), fc.integer({ min: -(2 ** 52), max: 2 ** 52 })), (time, dict) => {
        const m = new ProcessorMetadata();
        for (const [k, v] of Object.entries(dict)) m.put(k, v);
        const d = decodeCommitMetadata(encodeCommitMetadata(time, m));
        expect(d.partitionTime).toBe(time);
        expect(d.processorMetadata.size).toBe(Object.keys(dict).length);
        for (const [k, v] of Object.entries(dict)) expect(d.processorMetadata.get(k)).toBe(v);
      }),
    );
  });

  it('merging keeps the larger value per key (Kafka ProcessorMetadata.update)', () => {
    const a = new ProcessorMetadata();
    a.put('x', 10);
    a.put('y', 1);
    const b = new ProcessorMetadata();
    b.put('x', 5);
    b.put('y', 8);
    b.put('z', 3);
    a.update(b);
    expect([a.get('x'), a.get('y'), a.get('z')]).toEqual([10, 8, 3]);
  });
});
