/*
 * Transaction markers: the control records the broker appends on EndTxn (Kafka's
 * EndTransactionMarker / ControlRecordType).
 *
 *   control batch  attributes 0x30 (transactional | control), the transaction's producerId and
 *                  epoch, baseSequence -1, exactly one record
 *   record key     int16 version (0), int16 type (0 = ABORT, 1 = COMMIT)
 *   record value   int16 version (0), int32 coordinatorEpoch
 * Markers take an offset like any record. Consumers in read_committed drop control batches;
 * kafka-python 2.0.2 shows them as records with key 00000000 / 00000001.
 */
import { buildRecordBatch } from './record-batch.ts';
import { CorruptRecordError } from '../protocol-errors.ts';

export const ControlType = {
  Abort: 0,
  Commit: 1,
} as const;

export type ControlTypeValue = (typeof ControlType)[keyof typeof ControlType];

export interface ControlMarker {
  type: ControlTypeValue;
  coordinatorEpoch: number;
}

export function encodeControlKey(type: ControlTypeValue): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt16BE(0, 0);
  b.writeInt16BE(type, 2);
  return b;
}

export function encodeControlValue(coordinatorEpoch: number): Buffer {
  const b = Buffer.alloc(6);
  b.writeInt16BE(0, 0);
  b.writeInt32BE(coordinatorEpoch, 2);
  return b;
}

/** Reads a marker from a control record's key and value. */
export function decodeControlRecord(key: Buffer | null, value: Buffer | null): ControlMarker {
  if (key === null || key.length < 4) {
    throw new CorruptRecordError(`control record key must be 4 bytes (version, type), got ${key === null ? 'null' : key.length}`);
  }
  const type = key.readInt16BE(2);
  if (type !== ControlType.Abort && type !== ControlType.Commit) {
    throw new CorruptRecordError(`control record type ${type} is not a transaction marker (0 abort, 1 commit)`);
  }
  let coordinatorEpoch = 0;
  if (value !== null && value.length >= 6) coordinatorEpoch = value.readInt32BE(2);
  return { type, coordinatorEpoch };
}

export interface ControlBatchOptions {
  producerId: bigint;
  producerEpoch: number;
  type: ControlTypeValue;
  coordinatorEpoch?: number;
  baseOffset?: number;
  partitionLeaderEpoch?: number;
  timestamp?: number;
}

/** A complete control batch holding one transaction marker. */
export function buildControlBatch(options: ControlBatchOptions): Buffer {
  return buildRecordBatch(
    [
      {
        key: encodeControlKey(options.type),
        value: encodeControlValue(options.coordinatorEpoch ?? 0),
        timestamp: options.timestamp ?? Date.now(),
      },
    ],
    {
      producerId: options.producerId,
      producerEpoch: options.producerEpoch,
      baseSequence: -1,
      transactional: true,
      control: true,
      baseOffset: options.baseOffset ?? 0,
      partitionLeaderEpoch: options.partitionLeaderEpoch ?? -1,
    },
  );
}
