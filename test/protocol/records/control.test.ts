import { describe, it, expect } from 'vitest';
import { buildControlBatch, ControlType, decodeControlRecord, encodeControlKey, encodeControlValue } from '../../../src/protocol/records/control.ts';
import { decodeRecordBatch } from '../../../src/protocol/records/record-batch.ts';
import { hasValidCrc } from '../../../src/protocol/records/batch-header.ts';

describe('transaction markers', () => {
  it('key and value bytes follow Kafka EndTransactionMarker', () => {
    expect(encodeControlKey(ControlType.Commit).toString('hex')).toBe('00000001');
    expect(encodeControlKey(ControlType.Abort).toString('hex')).toBe('00000000');
    expect(encodeControlValue(5).toString('hex')).toBe('000000000005');
  });

  it('a control batch is transactional|control with the producer fields and one marker record', () => {
    const batch = buildControlBatch({ producerId: 77n, producerEpoch: 2, type: ControlType.Abort, coordinatorEpoch: 3, baseOffset: 40, timestamp: 1234 });
    expect(hasValidCrc(batch)).toBe(true);
    expect(batch.readInt16BE(21)).toBe(0x30);
    const d = decodeRecordBatch(batch);
    expect(d.isControl).toBe(true);
    expect(d.isTransactional).toBe(true);
    expect(d.header.producerId).toBe(77n);
    expect(d.header.producerEpoch).toBe(2);
    expect(d.header.baseSequence).toBe(-1);
    expect(d.records).toHaveLength(1);
    expect(d.records[0]!.offset).toBe(40);
    expect(decodeControlRecord(d.records[0]!.key, d.records[0]!.value)).toEqual({ type: ControlType.Abort, coordinatorEpoch: 3 });
  });

  it('rejects records that are not markers', () => {
    expect(() => decodeControlRecord(Buffer.from([0, 0, 0, 9]), null)).toThrow(/not a transaction marker/);
    expect(() => decodeControlRecord(null, null)).toThrow(/4 bytes/);
  });
});
