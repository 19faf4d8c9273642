import { describe, it, expect } from 'vitest';
import { decodeTxnKey, decodeTxnValue, encodeTxnKey, encodeTxnValue, type TxnMetadata } from '../../../src/broker/txn/txn-log.ts';

const meta: TxnMetadata = {
  transactionalId: 'billing-0',
  producerId: 9_007_199_254_740_993n,
  lastProducerId: -1n,
  producerEpoch: 3,
  lastProducerEpoch: 2,
  timeoutMs: 60_000,
  state: 'PrepareCommit',
  partitions: [{ topic: 'out', partition: 1 }, { topic: '__consumer_offsets', partition: 0 }],
  pendingOffsets: [{ group: 'g', topic: 'in', partition: 0, offset: 12n, leaderEpoch: -1, metadata: '' }],
  txnStartTimestamp: 1_700_000_000_000,
  lastUpdateTimestamp: 1_700_000_000_500,
};

describe('__transaction_state records', () => {
  it('key: int16 version 0, int16 length, UTF-8 id (Kafka TransactionLogKey v0)', () => {
    const k = encodeTxnKey('é');
    expect([...k]).toEqual([0, 0, 0, 2, 0xc3, 0xa9]);
    expect(decodeTxnKey(k)).toBe('é');
    expect(() => decodeTxnKey(Buffer.from([0, 1, 0, 0]))).toThrow(/version 1/);
    expect(() => decodeTxnKey(Buffer.from([0, 0, 0, 5, 0x61]))).toThrow(/length 5/);
  });

  it('value round-trips every field, int64 ids beyond 2^53 included', () => {
    expect(decodeTxnValue('billing-0', encodeTxnValue(meta))).toEqual(meta);
  });

  it('a corrupt value is an error naming the field, never a half-read state', () => {
    const bad = Buffer.concat([encodeTxnValue(meta).subarray(0, 2), Buffer.from(JSON.stringify({ producerId: 'x' }))]);
    expect(() => decodeTxnValue('t', bad)).toThrow(/transaction state/);
    const wrongState = encodeTxnValue({ ...meta, state: 'Ongoing' }).toString('latin1').replace('Ongoing', 'Unknown');
    expect(() => decodeTxnValue('t', Buffer.from(wrongState, 'latin1'))).toThrow(/unknown transaction state "Unknown"/);
  });
});
