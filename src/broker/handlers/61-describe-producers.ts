/*
 * DescribeProducers (key 61), served 0 (flexible), KIP-664: per requested partition, the
 * producers its producer state holds — so an expired producer id (producer.id.expiration.ms) is
 * not listed — with, as Kafka answers it: epoch, last sequence (-1 with no batch), last timestamp
 * (its last batch's max timestamp or last marker's, the time expiration is measured from), the
 * coordinator epoch (-1: not tracked on this single-coordinator broker) and the first offset of
 * its open transaction there (-1: none). Producers in ascending id order.
 *
 *   refusal                                   code (per partition)
 *   no READ on the topic (ACLs on)            TOPIC_AUTHORIZATION_FAILED 29
 *   unknown topic or partition                UNKNOWN_TOPIC_OR_PARTITION 3
 */
import { ErrorCode } from '../../protocol/error-codes.ts';
import {
  DescribeProducersRequestSchema,
  DescribeProducersResponseSchema,
  type DescribeProducersRequest,
  type DescribeProducersResponse,
} from '../../protocol/messages/61-describe-producers.ts';
import type { Encodable } from '../../protocol/schema.ts';
import type { PartitionTxnState } from '../txn/partition-txn-state.ts';
import type { PartitionProducerState } from '../txn/producer-state.ts';
import { PRODUCERS } from '../txn/service.ts';
import { TRANSACTIONS } from '../txn/txn-service.ts';
import { defineHandler } from './handler.ts';
import { allowed, AclOperation as Op, ResourceType as Res } from '../acl/request-authz.ts';

type Response = Encodable<DescribeProducersResponse>;
type ActiveProducer = DescribeProducersResponse['topics'][number]['partitions'][number]['activeProducers'][number];

/** The producers of one partition: producer-state entries, plus open transactions without one. */
export function activeProducers(producers: PartitionProducerState | undefined, txns: PartitionTxnState | undefined): ActiveProducer[] {
  const out = new Map<bigint, ActiveProducer>();
  for (const e of producers?.producers.values() ?? []) {
    out.set(e.producerId, {
      producerId: e.producerId, producerEpoch: e.epoch, lastSequence: e.batches.at(-1)?.lastSeq ?? -1,
      lastTimestamp: BigInt(e.lastTimestamp), coordinatorEpoch: -1, currentTxnStartOffset: -1n,
    });
  }
  for (const [producerId, first] of txns?.openTransactions() ?? []) {
    const p = out.get(producerId) ?? { producerId, producerEpoch: -1, lastSequence: -1, lastTimestamp: -1n, coordinatorEpoch: -1, currentTxnStartOffset: -1n };
    p.currentTxnStartOffset = BigInt(first);
    out.set(producerId, p);
  }
  return [...out.values()].sort((a, b) => (a.producerId < b.producerId ? -1 : a.producerId > b.producerId ? 1 : 0));
}

export const describeProducersHandler = defineHandler<DescribeProducersRequest, Response>({
  apiKey: 61,
  name: 'DescribeProducers',
  requestSchema: DescribeProducersRequestSchema,
  responseSchema: DescribeProducersResponseSchema,
  advertised: { min: 0, max: 0 },
  served: { min: 0, max: 0 },
  handle(ctx, req) {
    const broker = ctx.broker;
    const producers = broker.service(PRODUCERS).state;
    const txns = broker.service(TRANSACTIONS).coordinator.partitions;
    return {
      throttleTimeMs: 0,
      topics: req.topics.map((t) => {
        const readable = allowed(ctx, Op.READ, Res.TOPIC, t.name);
        return {
          name: t.name,
          partitions: t.partitionIndexes.map((partition) => {
            const fail = (errorCode: number, errorMessage: string) => ({ partitionIndex: partition, errorCode, errorMessage, activeProducers: [] });
            if (!readable) return fail(ErrorCode.TOPIC_AUTHORIZATION_FAILED, 'Authorization failed.');
            if (broker.partitions.get(t.name, partition) === undefined || !broker.topics.has(t.name)) {
              return fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `unknown topic or partition ${t.name}-${partition}`);
            }
            const active = activeProducers(producers.peek(t.name, partition), txns.peek(t.name, partition));
            return { partitionIndex: partition, errorCode: ErrorCode.NONE, errorMessage: null, activeProducers: active };
          }),
        };
      }),
    };
  },
});
