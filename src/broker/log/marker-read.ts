/*
 * Reading a transaction marker (COMMIT or ABORT, and the coordinator epoch that wrote it) back
 * from a partition log: the control batch at an offset holds one control record whose key is
 * int16 version | int16 type and whose value is int16 version | int32 coordinatorEpoch
 * (control.ts). Used by the transaction-state rebuild at start and by the cleaner when a
 * transaction's marker lies beyond the range it cleans.
 */
import { ControlType, decodeControlRecord, type ControlMarker } from '../../protocol/records/control.ts';
import { decodeRecordBatch, iterateBatches } from '../../protocol/records/record-batch.ts';
import type { PartitionLog } from './partition-log.ts';

/** Reads the control batch at `offset` and tells whether it is a COMMIT marker. */
export function readMarkerIsCommit(log: PartitionLog, offset: number): boolean {
  return readMarker(log, offset).type === ControlType.Commit;
}

/** The marker of the control batch at `offset`; throws when there is none. */
export function readMarker(log: PartitionLog, offset: number): ControlMarker {
  const read = log.read(offset, { maxBytes: 1, minOneBatch: true });
  for (const chunk of read.chunks) {
    for (const b of iterateBatches(chunk)) {
      if (b.header.baseOffset !== offset) continue;
      const decoded = decodeRecordBatch(b.bytes, { verifyCrc: false });
      const r = decoded.records[0];
      if (r === undefined) break;
      return decodeControlRecord(r.key, r.value);
    }
  }
  throw new Error(`${log.name}: no control batch at offset ${offset}`);
}
