/*
 * decodeFetchedRecords (the one Fetch records decoder of both consumers) against batches built by
 * the codec: records from the position on, control batches and aborted transactions skipped in
 * read_committed, the next position past the last batch, and a corrupt batch reported as a
 * non-retriable CORRUPT_MESSAGE naming topic, partition and offset (never as a connection error).
 */
import { describe, expect, it } from 'vitest';
import { buildRecordBatch } from '../../../src/protocol/records/record-batch.ts';
import { decodeFetchedRecords } from '../../../src/client/consumer/fetch-decode.ts';
import { KafkaClientError, isUnrecoverable } from '../../../src/client/errors.ts';

const v = (s: string) => ({ value: Buffer.from(s) });
const batch = (baseOffset: number, values: string[], extra: Parameters<typeof buildRecordBatch>[1] = {}) => buildRecordBatch(values.map(v), { baseOffset, timestamp: 1, ...extra });

function decode(bytes: Buffer, position: number, aborted: { producerId: bigint; firstOffset: bigint }[] | null = null, readCommitted = true): { values: string[]; next: number } {
  const out: string[] = [];
  const next = decodeFetchedRecords('t', 3, position, bytes, aborted, readCommitted, (r) => `${r.value!.toString()}@${r.offset}`, out);
  return { values: out, next };
}

describe('decodeFetchedRecords', () => {
  it('returns the records at or after the position and the offset after the last batch', () => {
    const bytes = Buffer.concat([batch(0, ['a', 'b', 'c']), batch(3, ['d', 'e'])]);
    expect(decode(bytes, 1)).toEqual({ values: ['b@1', 'c@2', 'd@3', 'e@4'], next: 5 });
    expect(decode(bytes, 5)).toEqual({ values: [], next: 5 });
    // A response cut in the middle of its last batch: that batch is fetched again next time.
    expect(decode(bytes.subarray(0, bytes.length - 10), 0)).toEqual({ values: ['a@0', 'b@1', 'c@2'], next: 3 });
  });

  it('skips an aborted transaction in read_committed, keeps a committed one, and moves past markers', () => {
    const txn = { producerId: 7n, producerEpoch: 0, baseSequence: 0, transactional: true };
    const marker = (at: number) => buildRecordBatch([{ key: Buffer.from([0, 0, 0, 0]), value: Buffer.from([0, 0, 0, 0, 0, 0]) }], { baseOffset: at, producerId: 7n, producerEpoch: 0, transactional: true, control: true });
    const bytes = Buffer.concat([batch(0, ['x', 'y'], txn), marker(2), batch(3, ['z'], { ...txn, baseSequence: 2 }), marker(4), batch(5, ['plain'])]);
    const aborted = [{ producerId: 7n, firstOffset: 0n }];
    expect(decode(bytes, 0, aborted)).toEqual({ values: ['z@3', 'plain@5'], next: 6 });
    expect(decode(bytes, 0, aborted, false).values).toEqual(['x@0', 'y@1', 'z@3', 'plain@5']);
  });

  it('reports a batch that cannot be decoded as CORRUPT_MESSAGE naming topic, partition and offset', () => {
    const second = batch(3, ['d', 'e']);
    second[second.length - 1]! ^= 0xff; // breaks the CRC
    const err = (() => {
      try {
        decode(Buffer.concat([batch(0, ['a', 'b', 'c']), second]), 0);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(KafkaClientError);
    expect((err as KafkaClientError).retriable).toBe(false);
    expect((err as KafkaClientError).kafkaType).toBe('CORRUPT_MESSAGE');
    expect((err as Error).message).toMatch(/t-3 at offset 3 cannot be decoded/);
    expect(isUnrecoverable(err)).toBe(true);
  });
});
