/*
 * TxnOffsetCommit (key 28), served 0-5: offsets committed inside a transaction (consume-transform-
 * produce, KIP-98/KIP-447). They stay pending in the transaction (invisible to OffsetFetch) until
 * EndTxn commits them; an abort drops them.
 * v2 carries the committed leader epoch; v3 (flexible) the consumer's generation, member id and
 * instance id (KIP-447), checked like an OffsetCommit when a generation ≥ 0 is given
 * (ILLEGAL_GENERATION 22, UNKNOWN_MEMBER_ID 25, FENCED_INSTANCE_ID 82). v3+ may answer
 * PRODUCER_FENCED. v4 (KIP-890) may answer TRANSACTION_ABORTABLE 120 where v0-3 get
 * INVALID_TXN_STATE 48: a commit whose offsets partition is not part of an ongoing transaction
 * (no AddOffsetsToTxn before it, or the transaction already ended), as Kafka's group coordinator
 * answers after verifying that partition (txn/txn-verification.ts).
 * v5 (KIP-890 part 2) first adds the group's offsets partition to the transaction itself, as an
 * AddOffsetsToTxn would (its errors answered in its place; txn/txn-v2.ts), so v2 clients send no
 * AddOffsetsToTxn.
 * Every partition of the request gets the same code (the checks are per transaction).
 */
import { ErrorCode } from '../../protocol/error-codes.ts';
import {
  TxnOffsetCommitRequestSchema,
  TxnOffsetCommitResponseSchema,
  type TxnOffsetCommitRequest,
  type TxnOffsetCommitResponse,
} from '../../protocol/messages/28-txn-offset-commit.ts';
import { validGroupId } from '../coordinator/group-coordinator.ts';
import { GROUPS } from '../coordinator/service.ts';
import { TRANSACTIONS } from '../txn/txn-service.ts';
import { TransactionVersion, TV2_SINCE } from '../txn/txn-v2.ts';
import { defineHandler } from './handler.ts';
import { allowed, AclOperation as Op, ResourceType as Res } from '../acl/request-authz.ts';

export const txnOffsetCommitHandler = defineHandler<TxnOffsetCommitRequest, Partial<TxnOffsetCommitResponse>>({
  apiKey: 28,
  name: 'TxnOffsetCommit',
  requestSchema: TxnOffsetCommitRequestSchema,
  responseSchema: TxnOffsetCommitResponseSchema,
  advertised: { min: 0, max: 5 },
  served: { min: 0, max: 5 },
  async handle(ctx, req) {
    // Topics the caller may not READ answer TOPIC_AUTHORIZATION_FAILED; the others are committed.
    const deniedTopics = new Set(req.topics.filter((t) => !allowed(ctx, Op.READ, Res.TOPIC, t.name)).map((t) => t.name));
    const answer = (code: number) => ({
      throttleTimeMs: 0,
      topics: req.topics.map((t) => {
        const c = deniedTopics.has(t.name) && code === ErrorCode.NONE ? ErrorCode.TOPIC_AUTHORIZATION_FAILED : code;
        return { name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: c })) };
      }),
    });
    if (!allowed(ctx, Op.WRITE, Res.TRANSACTIONAL_ID, req.transactionalId)) return answer(ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
    if (!allowed(ctx, Op.READ, Res.GROUP, req.groupId)) return answer(ErrorCode.GROUP_AUTHORIZATION_FAILED);
    if (!validGroupId(req.groupId)) return answer(ErrorCode.INVALID_GROUP_ID);
    if (ctx.apiVersion >= 3 && req.generationId >= 0) {
      const code = ctx.broker.service(GROUPS).coordinator.validateCommit(req.groupId, req.memberId, req.generationId, req.groupInstanceId);
      if (code !== ErrorCode.NONE) return answer(code);
    }
    const offsets = req.topics.filter((t) => !deniedTopics.has(t.name)).flatMap((t) =>
      t.partitions.map((p) => ({
        topic: t.name,
        partition: p.partitionIndex,
        offset: p.committedOffset,
        leaderEpoch: ctx.apiVersion >= 2 ? p.committedLeaderEpoch : -1,
        metadata: p.committedMetadata ?? '',
      })),
    );
    if (offsets.length === 0 && deniedTopics.size > 0) return answer(ErrorCode.NONE);
    const coordinator = ctx.broker.service(TRANSACTIONS).coordinator;
    const producer = { producerId: req.producerId, producerEpoch: req.producerEpoch };
    if (ctx.apiVersion >= TV2_SINCE.txnOffsetCommit) {
      const added = await coordinator.addOffsets(req.transactionalId, producer, ctx.apiVersion, TransactionVersion.TV2);
      if (added !== ErrorCode.NONE) return answer(added);
    }
    return answer(await coordinator.txnOffsetCommit(req.transactionalId, req.groupId, producer, offsets, ctx.apiVersion));
  },
});
