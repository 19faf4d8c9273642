import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { buildRecordBatch } from '../../../src/protocol/records/record-batch.ts';
import { carriesProducerState, readBatchHeader } from '../../../src/protocol/records/batch-header.ts';

describe('carriesProducerState', () => {
  it('is true exactly when the batch has a producer id (≥ 0) or is transactional', () => {
    const producerId = fc.oneof(fc.constantFrom(-1n, 0n, 1n, -(2n ** 63n), 2n ** 63n - 1n, 2n ** 32n, -(2n ** 32n)), fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }));
    fc.assert(
      fc.property(producerId, fc.boolean(), fc.integer({ min: 0, max: 3 }), (pid, transactional, lead) => {
        const batch = buildRecordBatch([{ value: Buffer.from('v') }], { producerId: pid, transactional });
        // The batch may sit anywhere in a buffer (several batches back to back).
        const buf = Buffer.concat([Buffer.alloc(lead, 0xff), batch]);
        const h = readBatchHeader(buf, lead);
        expect(carriesProducerState(buf, lead)).toBe(h.producerId >= 0n || transactional);
      }),
    );
  });

  it('a plain producer batch (producer id -1, not transactional) carries none', () => {
    expect(carriesProducerState(buildRecordBatch([{ value: Buffer.from('v') }], {}))).toBe(false);
  });
});
