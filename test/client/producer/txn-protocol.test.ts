/*
 * Which transaction protocol the producer picks from a coordinator's ApiVersions
 * (src/client/producer/txn-protocol.ts): v2 needs the finalized transaction.version ≥ 2 and
 * Produce v12, TxnOffsetCommit v5 and EndTxn v5; anything less keeps part 1, which caps a
 * transaction's Produce at v11 and EndTxn/TxnOffsetCommit at v4.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { TXN_PROTOCOL_V1, TXN_PROTOCOL_V2, txnProtocolOf } from '../../../src/client/producer/txn-protocol.ts';
import type { WireConnection } from '../../../src/client/connection.ts';

function conn(level: number | undefined, produce: number, txnOffsetCommit: number, endTxn: number): WireConnection {
  const versions = new Map([[0, { min: 0, max: produce }], [28, { min: 0, max: txnOffsetCommit }], [26, { min: 0, max: endTxn }]]);
  const finalizedFeatures = new Map(level === undefined ? [] : [['transaction.version', level]]);
  return { versions, finalizedFeatures } as unknown as WireConnection;
}

describe('txnProtocolOf', () => {
  it('picks v2 exactly when the level and all three versions allow it (property)', () => {
    fc.assert(
      fc.property(fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }), fc.integer({ min: 9, max: 13 }), fc.integer({ min: 3, max: 6 }), fc.integer({ min: 3, max: 6 }), (level, produce, toc, end) => {
        const expected = (level ?? 0) >= 2 && produce >= 12 && toc >= 5 && end >= 5 ? TXN_PROTOCOL_V2 : TXN_PROTOCOL_V1;
        expect(txnProtocolOf(conn(level, produce, toc, end))).toBe(expected);
      }),
    );
  });

  it('bounds the request versions of each protocol', () => {
    expect(TXN_PROTOCOL_V1).toMatchObject({ v2: false, produce: { maxVersion: 11 }, txnOffsetCommit: { maxVersion: 4 }, endTxn: { maxVersion: 4 } });
    expect(TXN_PROTOCOL_V2).toMatchObject({ v2: true, produce: { minVersion: 12 }, txnOffsetCommit: { minVersion: 5 }, endTxn: { minVersion: 5 } });
  });
});
