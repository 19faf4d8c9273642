/*
 * The value of a __transaction_state record in Kafka's layout: TransactionLogValue (apache/kafka
 * transaction-coordinator/src/main/resources/common/message/TransactionLogValue.json, versions
 * 0-1, flexible from 1; version 1 is what Kafka 4.0 writes once transaction.version ≥ 1). Written
 * here always at version 1; versions 0 and 1 are read.
 *
 * Byte layout (version 1; int16 version prefix, then the flexible struct):
 *   int16 version = 1
 *   int64 ProducerId, int16 ProducerEpoch, int32 TransactionTimeoutMs, int8 TransactionStatus
 *   compact nullable array TransactionPartitions { compact string Topic, compact []int32
 *     PartitionIds, tags }
 *   int64 TransactionLastUpdateTimestampMs, int64 TransactionStartTimestampMs
 *   tag section:
 *     0   PreviousProducerId (int64, default -1)     Kafka's: the id before a rotation
 *     1   NextProducerId (int64, default -1)         Kafka's: the id taking over at Complete*
 *     2   ClientTransactionVersion (int16, default 0) Kafka's: 2 for a KIP-890 part-2 transaction
 *     100 LastProducerEpoch (int16, default -1)      Tributary's: the epoch before the last bump
 *     101 PendingOffsets []{GroupId, Topic, Partition int32, Offset int64, LeaderEpoch int32,
 *         Metadata}                                   Tributary's: the TxnOffsetCommit offsets of
 *                                                     the open transaction (Kafka keeps those as
 *                                                     transactional records in __consumer_offsets)
 * Kafka's readers skip tags they do not know, so Kafka's tools read these records; a version-0
 * record (no tags) loads with the defaults. TransactionStatus uses Kafka's TransactionState ids
 * (STATUS_IDS); Dead is never written (an expired id is a tombstone).
 */
import { decodeMessage, encodeMessage, type MessageDef, type MessageValue } from '../../protocol/schema.ts';
import type { TxnMetadata } from './txn-log.ts';
import { TxnState, type TxnStateName } from './txn-state-machine.ts';

export const TransactionLogValueSchema = {
  name: 'TransactionLogValue',
  kind: 'data',
  validVersions: '0-1',
  flexibleVersions: '1+',
  fields: [
    { name: 'ProducerId', type: 'int64', versions: '0+' },
    { name: 'PreviousProducerId', type: 'int64', versions: '1+', default: -1, tag: 0, taggedVersions: '1+' },
    { name: 'NextProducerId', type: 'int64', versions: '1+', default: -1, tag: 1, taggedVersions: '1+' },
    { name: 'ProducerEpoch', type: 'int16', versions: '0+' },
    { name: 'TransactionTimeoutMs', type: 'int32', versions: '0+' },
    { name: 'TransactionStatus', type: 'int8', versions: '0+' },
    {
      name: 'TransactionPartitions', type: '[]struct', versions: '0+', nullableVersions: '0+',
      fields: [
        { name: 'Topic', type: 'string', versions: '0+' },
        { name: 'PartitionIds', type: '[]int32', versions: '0+' },
      ],
    },
    { name: 'TransactionLastUpdateTimestampMs', type: 'int64', versions: '0+' },
    { name: 'TransactionStartTimestampMs', type: 'int64', versions: '0+' },
    { name: 'ClientTransactionVersion', type: 'int16', versions: '1+', default: 0, tag: 2, taggedVersions: '1+' },
    { name: 'LastProducerEpoch', type: 'int16', versions: '1+', default: -1, tag: 100, taggedVersions: '1+' },
    {
      name: 'PendingOffsets', type: '[]struct', versions: '1+', tag: 101, taggedVersions: '1+',
      fields: [
        { name: 'GroupId', type: 'string', versions: '1+' },
        { name: 'Topic', type: 'string', versions: '1+' },
        { name: 'Partition', type: 'int32', versions: '1+' },
        { name: 'Offset', type: 'int64', versions: '1+' },
        { name: 'LeaderEpoch', type: 'int32', versions: '1+' },
        { name: 'Metadata', type: 'string', versions: '1+' },
      ],
    },
  ],
} as const satisfies MessageDef;

type TransactionLogValue = MessageValue<typeof TransactionLogValueSchema>;

export const TXN_LOG_VALUE_VERSION = 1;

/** Kafka's TransactionState ids (TransactionState.java), the TransactionStatus byte. */
const STATUS_IDS: Readonly<Record<TxnStateName, number>> = {
  Empty: 0, Ongoing: 1, PrepareCommit: 2, PrepareAbort: 3, CompleteCommit: 4, CompleteAbort: 5, Dead: 6, PrepareEpochFence: 7,
};
const STATES_BY_ID = new Map<number, TxnStateName>(Object.entries(STATUS_IDS).map(([name, id]) => [id, name as TxnStateName]));

/** Whether a value version is one of Kafka's (this module), not the older JSON layout. */
export function isKafkaValueVersion(version: number): boolean {
  return version === 0 || version === TXN_LOG_VALUE_VERSION;
}

export function encodeKafkaTxnValue(m: TxnMetadata): Buffer {
  const byTopic = new Map<string, number[]>();
  for (const tp of m.partitions) {
    let ids = byTopic.get(tp.topic);
    if (ids === undefined) byTopic.set(tp.topic, (ids = []));
    ids.push(tp.partition);
  }
  const body = encodeMessage<TransactionLogValue>(TransactionLogValueSchema, TXN_LOG_VALUE_VERSION, {
    producerId: m.producerId,
    previousProducerId: m.lastProducerId,
    nextProducerId: m.nextProducerId ?? -1n,
    producerEpoch: m.producerEpoch,
    transactionTimeoutMs: m.timeoutMs,
    transactionStatus: STATUS_IDS[m.state],
    // Kafka writes no partition list for Empty (its loader rejects an Empty one with partitions).
    transactionPartitions: m.state === TxnState.Empty ? null : [...byTopic].map(([topic, partitionIds]) => ({ topic, partitionIds })),
    transactionLastUpdateTimestampMs: BigInt(m.lastUpdateTimestamp),
    transactionStartTimestampMs: BigInt(m.txnStartTimestamp),
    clientTransactionVersion: m.clientTransactionVersion ?? 0,
    lastProducerEpoch: m.lastProducerEpoch,
    pendingOffsets: m.pendingOffsets.map((o) => ({ groupId: o.group, topic: o.topic, partition: o.partition, offset: o.offset, leaderEpoch: o.leaderEpoch, metadata: o.metadata })),
  });
  const out = Buffer.allocUnsafe(2 + body.length);
  out.writeInt16BE(TXN_LOG_VALUE_VERSION, 0);
  body.copy(out, 2);
  return out;
}

/** Decodes a version-0/1 value (the int16 version included); throws on anything malformed. */
export function decodeKafkaTxnValue(transactionalId: string, value: Buffer): TxnMetadata {
  const version = value.readInt16BE(0);
  const v = decodeMessage<TransactionLogValue>(TransactionLogValueSchema, version, value.subarray(2));
  const state = STATES_BY_ID.get(v.transactionStatus);
  if (state === undefined) throw new Error(`transaction state status ${v.transactionStatus} is not a Kafka TransactionState id`);
  return {
    transactionalId,
    producerId: v.producerId,
    lastProducerId: v.previousProducerId,
    producerEpoch: v.producerEpoch,
    lastProducerEpoch: v.lastProducerEpoch,
    timeoutMs: v.transactionTimeoutMs,
    state,
    partitions: (v.transactionPartitions ?? []).flatMap((t) => t.partitionIds.map((partition) => ({ topic: t.topic, partition }))),
    pendingOffsets: v.pendingOffsets.map((o) => ({ group: o.groupId, topic: o.topic, partition: o.partition, offset: o.offset, leaderEpoch: o.leaderEpoch, metadata: o.metadata })),
    txnStartTimestamp: Number(v.transactionStartTimestampMs),
    lastUpdateTimestamp: Number(v.transactionLastUpdateTimestampMs),
    nextProducerId: v.nextProducerId,
    clientTransactionVersion: v.clientTransactionVersion,
  };
}
