import { describe, it, expect } from 'vitest';
import { decodeTxnKey, decodeTxnValue, encodeLegacyTxnValue, encodeTxnKey, encodeTxnValue, type TxnMetadata } from '../../../src/broker/txn/txn-log.ts';
import { TransactionLogValueSchema } from '../../../src/broker/txn/txn-log-value.ts';
import { encodeMessage } from '../../../src/protocol/schema.ts';

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
    expect(decodeTxnValue('billing-0', encodeTxnValue(meta))).toEqual({ ...meta, nextProducerId: -1n, clientTransactionVersion: 0 });
    const v2 = { ...meta, lastProducerId: 7n, nextProducerId: 9_007_199_254_740_995n, clientTransactionVersion: 2 };
    expect(decodeTxnValue('billing-0', encodeTxnValue(v2))).toEqual(v2);
  });

  it("value: Kafka's TransactionLogValue v1 layout (KIP-890 part 2 fields as tags 0-2)", () => {
    const v = encodeTxnValue({ ...meta, producerId: 5n, producerEpoch: 3, timeoutMs: 60_000, state: 'CompleteCommit', partitions: [], pendingOffsets: [], lastProducerEpoch: -1, nextProducerId: 6n, clientTransactionVersion: 2 });
    expect(v.readInt16BE(0)).toBe(1); // version
    expect(v.readBigInt64BE(2)).toBe(5n); // ProducerId
    expect(v.readInt16BE(10)).toBe(3); // ProducerEpoch
    expect(v.readInt32BE(12)).toBe(60_000); // TransactionTimeoutMs
    expect(v.readInt8(16)).toBe(4); // TransactionStatus: CompleteCommit
    expect(v[17]).toBe(1); // TransactionPartitions: compact array of 0 entries
    expect(v.readBigInt64BE(18)).toBe(BigInt(meta.lastUpdateTimestamp));
    expect(v.readBigInt64BE(26)).toBe(BigInt(meta.txnStartTimestamp));
    // Tags: 2 of them (NextProducerId = 6 as tag 1, ClientTransactionVersion = 2 as tag 2).
    expect([...v.subarray(34)]).toEqual([2, 1, 8, 0, 0, 0, 0, 0, 0, 0, 6, 2, 2, 0, 2]);
  });

  it('values written before part 2 still load: the JSON layout (version 1000) and Kafka version 0', () => {
    expect(decodeTxnValue('billing-0', encodeLegacyTxnValue(meta))).toEqual(meta);
    const v0 = encodeMessage(TransactionLogValueSchema, 0, {
      producerId: 4n, producerEpoch: 1, transactionTimeoutMs: 30_000, transactionStatus: 1,
      transactionPartitions: [{ topic: 'out', partitionIds: [0, 2] }],
      transactionLastUpdateTimestampMs: 20n, transactionStartTimestampMs: 10n,
    });
    const decoded = decodeTxnValue('old', Buffer.concat([Buffer.from([0, 0]), v0]));
    expect(decoded).toMatchObject({
      producerId: 4n, lastProducerId: -1n, nextProducerId: -1n, producerEpoch: 1, lastProducerEpoch: -1, timeoutMs: 30_000, state: 'Ongoing',
      partitions: [{ topic: 'out', partition: 0 }, { topic: 'out', partition: 2 }], pendingOffsets: [], txnStartTimestamp: 10, lastUpdateTimestamp: 20, clientTransactionVersion: 0,
    });
  });

  it('a corrupt value is an error naming the field, never a half-read state', () => {
    const bad = Buffer.concat([encodeLegacyTxnValue(meta).subarray(0, 2), Buffer.from(JSON.stringify({ producerId: 'x' }))]);
    expect(() => decodeTxnValue('t', bad)).toThrow(/transaction state/);
    const wrongState = encodeLegacyTxnValue({ ...meta, state: 'Ongoing' }).toString('latin1').replace('Ongoing', 'Unknown');
    expect(() => decodeTxnValue('t', Buffer.from(wrongState, 'latin1'))).toThrow(/unknown transaction state "Unknown"/);
    const badStatus = encodeTxnValue(meta);
    badStatus.writeInt8(42, 16);
    expect(() => decodeTxnValue('t', badStatus)).toThrow(/status 42/);
    expect(() => decodeTxnValue('t', encodeTxnValue(meta).subarray(0, 20))).toThrow();
  });
});
