/*
 * Produce (key 0): advertised 0–12 (librdkafka needs Produce ∋ 3 and ∋ 7 for MsgVer2/ZSTD;
 * @platformatic/kafka uses 9–11), served 3–12 (record batch v2 only; v9+ flexible). Records are
 * never decoded here: the log checks each batch's header, CRC-32C and every record (see
 * log/record-validation.ts) and writes the bytes as they came (only baseOffset/leader epoch
 * patched, so a client's partitionLeaderEpoch of 0 or -1 is both fine).
 *
 * Per version: v8+ answers carry an error message and RecordErrors (KIP-467): the index and reason
 * of each record that made the log refuse the batch (empty when the refusal is about the whole
 * batch — bad CRC, size, a client control batch — as in Kafka). v10+ tagged CurrentLeader
 * and NodeEndpoints stay at their defaults (this node always leads; @platformatic/kafka cannot
 * skip a non-empty tag section). v11+ may answer TRANSACTION_ABORTABLE 120 where older versions
 * get INVALID_TXN_STATE 48 (KIP-890 verification, txn/txn-verification.ts). v12 (KIP-890 part 2)
 * with a transactional id first adds the request's partitions to the transaction (step 2b).
 *
 * Per request:
 *   1. acks must be -1, 0 or 1, else every partition gets INVALID_REQUIRED_ACKS 21.
 *   2. Missing topics are auto-created when the broker allows it (the only async step, done
 *      before any append so the appends of one request run in one synchronous section).
 *  2b. v12+ with a transactional id: its transactional batches' partitions join the transaction
 *      (txn/txn-v2-produce.ts; async, also before any append).
 *   3. Per partition, in request order:
 *        ACLs (when on): WRITE on the transactional id (if any) → TRANSACTIONAL_ID_AUTHORIZATION_FAILED 53
 *                        for every partition; WRITE on the topic → TOPIC_AUTHORIZATION_FAILED 29
 *        invalid topic name                  → INVALID_TOPIC_EXCEPTION 17
 *        internal topic (__consumer_offsets…) → INVALID_TOPIC_EXCEPTION 17 (only coordinators
 *                                               write there, as in Kafka; never auto-created here)
 *        unknown topic / partition            → UNKNOWN_TOPIC_OR_PARTITION 3
 *        null or too-short records            → CORRUPT_MESSAGE 2
 *        produce hooks (idempotence seam)     → their verdict (duplicate = original offset); a
 *                                               transactional batch outside its producer's ongoing
 *                                               transaction → 120 (v11+) / 48, nothing written.
 *                                               Only for a batch with a producer id or the
 *                                               transactional bit: a plain producer's batch has no
 *                                               producer state to check (Kafka's
 *                                               analyzeAndValidateProducerState skips it too)
 *        log.append                           → CORRUPT_MESSAGE 2 / MESSAGE_TOO_LARGE 10 /
 *                                               INVALID_RECORD 87 from the log (nothing written)
 *   4. Reply: acks=1 at once; acks=-1 once every written partition is durable (group-commit
 *      fsync; the connection handles its next request meanwhile, replies stay in order);
 *      acks=0 never — but when any partition failed, the connection is closed, as Kafka does, so
 *      the producer notices.
 */
import { ProduceRequestSchema, ProduceResponseSchema } from '../../protocol/messages/00-produce.ts';
import type { ProduceRequest, ProduceResponse } from '../../protocol/messages/00-produce.ts';
import type { Encodable } from '../../protocol/schema.ts';
import { ErrorCode } from '../../protocol/error-codes.ts';
import { BATCH_HEADER_SIZE, carriesProducerState, readBatchHeader } from '../../protocol/records/batch-header.ts';
import { LogError } from '../log/log-errors.ts';
import type { PartitionLog } from '../log/partition-log.ts';
import { isInternalTopic, topicNameError } from '../topic-config.ts';
import type { Broker, ProduceBatchContext } from '../broker.ts';
import { closeWith, defineHandler, later, NO_RESPONSE, type HandlerOutput, type RequestContext } from './handler.ts';
import { allowed, mayCreateTopic, AclOperation as Op, ResourceType as Res } from '../acl/request-authz.ts';
import { produceErrorFor } from '../txn/txn-verification.ts';
import { addProducePartitions, addsPartitionsImplicitly } from '../txn/txn-v2-produce.ts';

type Response = Encodable<ProduceResponse>;
interface PartitionResult {
  index: number;
  errorCode: number;
  baseOffset: number;
  logAppendTimeMs: number;
  logStartOffset: number;
  recordErrors: { batchIndex: number; batchIndexErrorMessage: string | null }[];
  errorMessage: string | null;
}

export const produceHandler = defineHandler<ProduceRequest, Response>({
  apiKey: 0,
  name: 'Produce',
  requestSchema: ProduceRequestSchema,
  responseSchema: ProduceResponseSchema,
  advertised: { min: 0, max: 12 },
  served: { min: 3, max: 12 },
  handle(ctx, req) {
    const broker = ctx.broker;
    let missing: string[] | undefined;
    if (req.acks === -1 || req.acks === 0 || req.acks === 1) {
      for (const t of req.topicData) {
        if (!broker.topics.has(t.name) && topicNameError(t.name) === null && !isInternalTopic(t.name) && mayAutoCreate(ctx, req, t.name)) {
          (missing ??= []).push(t.name);
        }
      }
    }
    const created = missing === undefined || !broker.options.autoCreateTopics ? null : autoCreate(broker, missing);
    const txnId = req.transactionalId;
    if (!addsPartitionsImplicitly(ctx.apiVersion, txnId)) return created === null ? produce(ctx, req) : created.then(() => produce(ctx, req));
    const joins = (topic: string, p: number) => denial(ctx, req, topic) === ErrorCode.NONE && topicNameError(topic) === null && !isInternalTopic(topic) && broker.partitions.get(topic, p) !== undefined;
    return (created ?? Promise.resolve())
      .then(() => addProducePartitions(broker, txnId, req.topicData, joins, ctx.apiVersion))
      .then(() => produce(ctx, req));
  },
});

/** Auto-creation on produce needs what the produce itself needs, plus CREATE (ACLs on). */
function mayAutoCreate(ctx: RequestContext, req: ProduceRequest, topic: string): boolean {
  return denial(ctx, req, topic) === ErrorCode.NONE && mayCreateTopic(ctx, topic);
}

/** The ACL verdict for one topic of the request: NONE, or the error code to answer with. */
function denial(ctx: RequestContext, req: ProduceRequest, topic: string): number {
  if (req.transactionalId !== null && !allowed(ctx, Op.WRITE, Res.TRANSACTIONAL_ID, req.transactionalId)) return ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED;
  return allowed(ctx, Op.WRITE, Res.TOPIC, topic) ? ErrorCode.NONE : ErrorCode.TOPIC_AUTHORIZATION_FAILED;
}

async function autoCreate(broker: Broker, names: string[]): Promise<void> {
  for (const name of names) {
    try {
      await broker.topicManager.ensure(name, true);
    } catch (err) {
      broker.logger.warn(`auto-creating topic ${name} for a produce failed: ${(err as Error).message}`);
    }
  }
}

function produce(ctx: RequestContext, req: ProduceRequest): HandlerOutput<Response> {
  const broker = ctx.broker;
  const acks = req.acks;
  const validAcks = acks === -1 || acks === 0 || acks === 1;
  const durable: { log: PartitionLog; lastOffset: number; result: PartitionResult }[] = [];
  let failure: string | null = null;
  const responses = req.topicData.map((t) => {
    const nameError = topicNameError(t.name);
    const info = broker.topics.get(t.name);
    const denied = denial(ctx, req, t.name);
    const partitionResponses = t.partitionData.map((pd): PartitionResult => {
      const result: PartitionResult = {
        index: pd.index,
        errorCode: ErrorCode.NONE,
        baseOffset: -1,
        logAppendTimeMs: -1,
        logStartOffset: -1,
        recordErrors: [],
        errorMessage: null,
      };
      const fail = (code: number, message: string): PartitionResult => {
        result.errorCode = code;
        result.errorMessage = message;
        failure ??= `produce to ${t.name}-${pd.index} failed: ${message}`;
        return result;
      };
      if (!validAcks) return fail(ErrorCode.INVALID_REQUIRED_ACKS, `acks=${acks} is invalid; use -1, 0 or 1`);
      if (denied !== ErrorCode.NONE) return fail(denied, `not authorized to write to ${t.name}${req.transactionalId === null ? '' : ` in transaction ${req.transactionalId}`}`);
      if (nameError !== null) return fail(ErrorCode.INVALID_TOPIC_EXCEPTION, nameError);
      if (isInternalTopic(t.name)) return fail(ErrorCode.INVALID_TOPIC_EXCEPTION, `Cannot append to internal topic ${t.name}`);
      const log = info === undefined ? undefined : broker.partitions.get(t.name, pd.index);
      if (log === undefined) return fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `unknown topic or partition ${t.name}-${pd.index}`);
      const records = pd.records;
      if (records === null || records.length < BATCH_HEADER_SIZE) {
        return fail(ErrorCode.CORRUPT_MESSAGE, `records of ${records?.length ?? 'null'} bytes hold no complete batch`);
      }
      let hookCtx: ProduceBatchContext | undefined;
      if (broker.produceHooks.length > 0 && carriesProducerState(records)) {
        hookCtx = { topic: t.name, partition: pd.index, transactionalId: req.transactionalId, acks, apiVersion: ctx.apiVersion, header: readBatchHeader(records), records };
        for (const hook of broker.produceHooks) {
          const verdict = hook.beforeAppend(hookCtx);
          if (verdict.kind === 'error') return fail(produceErrorFor(verdict.errorCode, ctx.apiVersion), verdict.message ?? 'refused by the producer-state check');
          if (verdict.kind === 'duplicate') {
            result.baseOffset = verdict.baseOffset;
            result.logStartOffset = log.logStartOffset;
            // A retry may overtake the original's fsync: acks=-1 still waits until it is durable.
            if (acks === -1) durable.push({ log, lastOffset: verdict.baseOffset, result });
            return result;
          }
        }
      }
      try {
        const appended = broker.append(t.name, pd.index, records);
        broker.metrics.produced(t.name, records.length, appended.lastOffset - appended.baseOffset + 1);
        result.baseOffset = appended.baseOffset;
        result.logAppendTimeMs = appended.logAppendTime;
        result.logStartOffset = appended.logStartOffset;
        if (hookCtx !== undefined) for (const hook of broker.produceHooks) hook.afterAppend?.(hookCtx, appended);
        if (acks === -1) durable.push({ log, lastOffset: appended.lastOffset, result });
      } catch (err) {
        if (err instanceof LogError) {
          for (const e of err.recordErrors) result.recordErrors.push({ batchIndex: e.batchIndex, batchIndexErrorMessage: e.message });
          return fail(err.code, err.message);
        }
        broker.logger.warn(`append to ${t.name}-${pd.index} failed: ${(err as Error).stack ?? String(err)}`);
        return fail(ErrorCode.UNKNOWN_SERVER_ERROR, (err as Error).message);
      }
      return result;
    });
    return { name: t.name, partitionResponses };
  });

  if (acks === 0) return failure !== null ? closeWith(`${failure} (acks=0, so the connection is closed)`) : NO_RESPONSE;
  const response: Response = { responses, throttleTimeMs: 0 };
  if (durable.length === 0) return response;
  return later(
    Promise.all(
      durable.map((d) =>
        d.log.waitDurable(d.lastOffset).catch((err: unknown) => {
          broker.logger.warn(`fsync of ${d.log.name} failed: ${(err as Error).message}`);
          d.result.errorCode = ErrorCode.KAFKA_STORAGE_ERROR;
          d.result.errorMessage = (err as Error).message;
        }),
      ),
    ).then(() => response),
  );
}
