/*
 * The transaction coordinator's durable state: one record per transactional id in the internal
 * compacted topic __transaction_state (1 partition; the last record per key wins, as Kafka's
 * TransactionStateManager loads it). Every state change is appended (and fsynced, per the
 * broker's fsync policy) BEFORE the coordinator acts on it or answers the client, so a restart
 * resumes each transaction from its last durable state.
 *
 * Byte layout:
 *   key    int16 version (0), int16 length, UTF-8 transactional id   (Kafka's TransactionLogKey v0)
 *   value  Kafka's TransactionLogValue version 1 with two tagged fields of our own
 *          (txn-log-value.ts), written since KIP-890 part 2 (it carries PreviousProducerId,
 *          NextProducerId and ClientTransactionVersion as Kafka 4.0 does). Earlier releases
 *          wrote the layout below, which is still read:
 *   value  int16 version (TXN_VALUE_VERSION = 1000), then a UTF-8 JSON document:
 *          { producerId, lastProducerId (decimal strings), producerEpoch, lastProducerEpoch,
 *            timeoutMs, state, partitions: [[topic, partition]…],
 *            pendingOffsets: [{group, topic, partition, offset (decimal string), leaderEpoch, metadata}…],
 *            txnStartTimestamp, lastUpdateTimestamp }
 *          The version is deliberately far from Kafka's TransactionLogValue versions (0-1): the
 *          value also carries the transaction's pending offset commits (Kafka keeps those as
 *          transactional records in __consumer_offsets), so it is our own format.
 */
import type { TxnStateName } from './txn-state-machine.ts';
import { parseTxnState } from './txn-state-machine.ts';
import { decodeKafkaTxnValue, encodeKafkaTxnValue, isKafkaValueVersion } from './txn-log-value.ts';

export const TRANSACTION_STATE_TOPIC = '__transaction_state';
const TXN_KEY_VERSION = 0;
const TXN_VALUE_VERSION = 1000;

export interface TxnPartition {
  topic: string;
  partition: number;
}

export interface PendingOffset {
  group: string;
  topic: string;
  partition: number;
  offset: bigint;
  leaderEpoch: number;
  metadata: string;
}

/** Kafka's TransactionMetadata, minus what a single node never needs (pending transitions live in the coordinator). */
export interface TxnMetadata {
  transactionalId: string;
  producerId: bigint;
  /** The producer id before an epoch overflow forced a new one (-1 when none). */
  lastProducerId: bigint;
  producerEpoch: number;
  /** The epoch before the last bump (-1 when none); lets a retried InitProducerId be recognised. */
  lastProducerEpoch: number;
  timeoutMs: number;
  state: TxnStateName;
  /** Partitions of the open (or completing) transaction, `__consumer_offsets-0` included when offsets were added. */
  partitions: TxnPartition[];
  /** TxnOffsetCommit offsets, applied to the offset store on commit, dropped on abort. */
  pendingOffsets: PendingOffset[];
  txnStartTimestamp: number;
  lastUpdateTimestamp: number;
  /** KIP-890 part 2: the producer id that takes over at Complete* once the epoch is exhausted (-1 / absent: none). */
  nextProducerId?: bigint;
  /** KIP-890 part 2: 2 when the transaction was driven with the v2 protocol, else 0 / absent (txn-v2.ts). */
  clientTransactionVersion?: number;
}

export function encodeTxnKey(transactionalId: string): Buffer {
  const id = Buffer.from(transactionalId, 'utf8');
  const b = Buffer.alloc(4 + id.length);
  b.writeInt16BE(TXN_KEY_VERSION, 0);
  b.writeInt16BE(id.length, 2);
  id.copy(b, 4);
  return b;
}

export function decodeTxnKey(key: Buffer): string {
  if (key.length < 4) throw new Error(`transaction state key of ${key.length} bytes is too short`);
  const version = key.readInt16BE(0);
  if (version !== TXN_KEY_VERSION) throw new Error(`transaction state key version ${version} is not ${TXN_KEY_VERSION}`);
  const len = key.readInt16BE(2);
  if (len < 0 || 4 + len !== key.length) throw new Error(`transaction state key length ${len} does not match its ${key.length} bytes`);
  return key.toString('utf8', 4);
}

export function encodeTxnValue(m: TxnMetadata): Buffer {
  return encodeKafkaTxnValue(m);
}

/** The pre-KIP-890-part-2 JSON layout (version 1000), kept to test that such records still load. */
export function encodeLegacyTxnValue(m: TxnMetadata): Buffer {
  const json = JSON.stringify({
    producerId: m.producerId.toString(),
    lastProducerId: m.lastProducerId.toString(),
    producerEpoch: m.producerEpoch,
    lastProducerEpoch: m.lastProducerEpoch,
    timeoutMs: m.timeoutMs,
    state: m.state,
    partitions: m.partitions.map((p) => [p.topic, p.partition]),
    pendingOffsets: m.pendingOffsets.map((o) => ({ ...o, offset: o.offset.toString() })),
    txnStartTimestamp: m.txnStartTimestamp,
    lastUpdateTimestamp: m.lastUpdateTimestamp,
  });
  const body = Buffer.from(json, 'utf8');
  const b = Buffer.alloc(2 + body.length);
  b.writeInt16BE(TXN_VALUE_VERSION, 0);
  body.copy(b, 2);
  return b;
}

const num = (v: unknown, field: string): number => {
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new Error(`transaction state field ${field} is not an integer`);
  return v;
};
const big = (v: unknown, field: string): bigint => {
  if (typeof v !== 'string' || !/^-?\d+$/.test(v)) throw new Error(`transaction state field ${field} is not a decimal integer string`);
  return BigInt(v);
};
const str = (v: unknown, field: string): string => {
  if (typeof v !== 'string') throw new Error(`transaction state field ${field} is not a string`);
  return v;
};

export function decodeTxnValue(transactionalId: string, value: Buffer): TxnMetadata {
  if (value.length < 2) throw new Error(`transaction state value of ${value.length} bytes is too short`);
  const version = value.readInt16BE(0);
  if (isKafkaValueVersion(version)) return decodeKafkaTxnValue(transactionalId, value);
  if (version !== TXN_VALUE_VERSION) throw new Error(`transaction state value version ${version} is not ${TXN_VALUE_VERSION}`);
  const o = JSON.parse(value.toString('utf8', 2)) as Record<string, unknown>;
  const partitions = o['partitions'];
  const pending = o['pendingOffsets'];
  if (!Array.isArray(partitions) || !Array.isArray(pending)) throw new Error('transaction state partitions/pendingOffsets are not arrays');
  return {
    transactionalId,
    producerId: big(o['producerId'], 'producerId'),
    lastProducerId: big(o['lastProducerId'], 'lastProducerId'),
    producerEpoch: num(o['producerEpoch'], 'producerEpoch'),
    lastProducerEpoch: num(o['lastProducerEpoch'], 'lastProducerEpoch'),
    timeoutMs: num(o['timeoutMs'], 'timeoutMs'),
    state: parseTxnState(str(o['state'], 'state')),
    partitions: partitions.map((p: unknown) => {
      if (!Array.isArray(p)) throw new Error('transaction state partition is not a [topic, partition] pair');
      return { topic: str(p[0], 'partitions.topic'), partition: num(p[1], 'partitions.partition') };
    }),
    pendingOffsets: pending.map((p: Record<string, unknown>) => ({
      group: str(p['group'], 'pendingOffsets.group'),
      topic: str(p['topic'], 'pendingOffsets.topic'),
      partition: num(p['partition'], 'pendingOffsets.partition'),
      offset: big(p['offset'], 'pendingOffsets.offset'),
      leaderEpoch: num(p['leaderEpoch'], 'pendingOffsets.leaderEpoch'),
      metadata: str(p['metadata'], 'pendingOffsets.metadata'),
    })),
    txnStartTimestamp: num(o['txnStartTimestamp'], 'txnStartTimestamp'),
    lastUpdateTimestamp: num(o['lastUpdateTimestamp'], 'lastUpdateTimestamp'),
  };
}
