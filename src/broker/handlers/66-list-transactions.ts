/*
 * ListTransactions (key 66), served 0-1 (flexible), KIP-664 / KIP-994: every transactional id the
 * coordinator knows, filtered by state (names as DescribeTransactions shows them: Empty, Ongoing,
 * PrepareCommit, …), by producer id, and (v1) by running longer than DurationFilter ms (open
 * transactions only; -1 = no filter). Filter names that are not states come back in
 * UnknownStateFilters, as Kafka does. Ordered by transactional id.
 */
import {
  ListTransactionsRequestSchema,
  ListTransactionsResponseSchema,
  type ListTransactionsRequest,
  type ListTransactionsResponse,
} from '../../protocol/messages/66-list-transactions.ts';
import { TRANSACTIONS } from '../txn/txn-service.ts';
import { ALL_TXN_STATES, isIdle } from '../txn/txn-state-machine.ts';
import { defineHandler } from './handler.ts';
import { allowed, AclOperation as Op, ResourceType as Res } from '../acl/request-authz.ts';

export const listTransactionsHandler = defineHandler<ListTransactionsRequest, Partial<ListTransactionsResponse>>({
  apiKey: 66,
  name: 'ListTransactions',
  requestSchema: ListTransactionsRequestSchema,
  responseSchema: ListTransactionsResponseSchema,
  advertised: { min: 0, max: 1 },
  served: { min: 0, max: 1 },
  handle(ctx, req) {
    const known = new Set<string>(ALL_TXN_STATES);
    const states = new Set(req.stateFilters);
    const pids = new Set(req.producerIdFilters);
    const minDuration = ctx.apiVersion >= 1 ? Number(req.durationFilter) : -1;
    const now = ctx.broker.clock.now();
    const txns = ctx.broker
      .service(TRANSACTIONS)
      .coordinator.all()
      .filter((m) => states.size === 0 || states.has(m.state))
      .filter((m) => pids.size === 0 || pids.has(m.producerId))
      .filter((m) => allowed(ctx, Op.DESCRIBE, Res.TRANSACTIONAL_ID, m.transactionalId))
      .filter((m) => minDuration < 0 || (!isIdle(m.state) && m.txnStartTimestamp >= 0 && now - m.txnStartTimestamp > minDuration))
      .sort((a, b) => (a.transactionalId < b.transactionalId ? -1 : a.transactionalId > b.transactionalId ? 1 : 0));
    return {
      throttleTimeMs: 0,
      errorCode: 0,
      unknownStateFilters: req.stateFilters.filter((s) => !known.has(s)),
      transactionStates: txns.map((m) => ({ transactionalId: m.transactionalId, producerId: m.producerId, transactionState: m.state })),
    };
  },
});
