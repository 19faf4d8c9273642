/*
 * DescribeTransactions (key 65), served 0 (flexible), KIP-664: per requested transactional id its
 * state, timeout, start time (-1 when no transaction is open), producer id and epoch and the
 * partitions of the open transaction (by topic). An unknown id answers TRANSACTIONAL_ID_NOT_FOUND
 * 105 with state "" and the other fields at -1.
 */
import { ErrorCode } from '../../protocol/error-codes.ts';
import {
  DescribeTransactionsRequestSchema,
  DescribeTransactionsResponseSchema,
  type DescribeTransactionsRequest,
  type DescribeTransactionsResponse,
} from '../../protocol/messages/65-describe-transactions.ts';
import { TRANSACTIONS } from '../txn/txn-service.ts';
import type { TxnPartition } from '../txn/txn-log.ts';
import { defineHandler } from './handler.ts';
import { allowed, AclOperation as Op, ResourceType as Res } from '../acl/request-authz.ts';

/** Partitions grouped by topic, topics and partitions in ascending order. */
export function byTopic(partitions: readonly TxnPartition[]): { topic: string; partitions: number[] }[] {
  const m = new Map<string, number[]>();
  for (const tp of partitions) {
    let list = m.get(tp.topic);
    if (list === undefined) m.set(tp.topic, (list = []));
    list.push(tp.partition);
  }
  return [...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([topic, ps]) => ({ topic, partitions: ps.sort((x, y) => x - y) }));
}

export const describeTransactionsHandler = defineHandler<DescribeTransactionsRequest, Partial<DescribeTransactionsResponse>>({
  apiKey: 65,
  name: 'DescribeTransactions',
  requestSchema: DescribeTransactionsRequestSchema,
  responseSchema: DescribeTransactionsResponseSchema,
  advertised: { min: 0, max: 0 },
  served: { min: 0, max: 0 },
  handle(ctx, req) {
    const coordinator = ctx.broker.service(TRANSACTIONS).coordinator;
    return {
      throttleTimeMs: 0,
      transactionStates: req.transactionalIds.map((id) => {
        const m = allowed(ctx, Op.DESCRIBE, Res.TRANSACTIONAL_ID, id) ? coordinator.get(id) : null;
        if (m === undefined || m === null) {
          return {
            errorCode: m === null ? ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED : ErrorCode.TRANSACTIONAL_ID_NOT_FOUND, transactionalId: id, transactionState: '',
            transactionTimeoutMs: -1, transactionStartTimeMs: -1n, producerId: -1n, producerEpoch: -1, topics: [],
          };
        }
        return {
          errorCode: ErrorCode.NONE,
          transactionalId: id,
          transactionState: m.state,
          transactionTimeoutMs: m.timeoutMs,
          transactionStartTimeMs: BigInt(m.txnStartTimestamp),
          producerId: m.producerId,
          producerEpoch: m.producerEpoch,
          topics: byTopic(m.partitions),
        };
      }),
    };
  },
});
