/*
 * Fetch (key 1): advertised 0–11, served 4–11 (record batch v2; librdkafka needs Fetch ∋ 4, 10).
 *
 * Reading: per requested partition, whole stored batches from the one holding fetch_offset, up to
 * min(partition_max_bytes, what is left of max_bytes); the first partition that has data always
 * gets at least one whole batch, however large (KIP-74). The batches go into the response as the
 * log's own buffers (no copy). High watermark = log end offset; last stable offset = high
 * watermark (no transactions yet); aborted transactions = []; isolation level accepted.
 *
 * Long poll: when fewer than min_bytes are available and max_wait_ms > 0, the request parks: it
 * watches every requested partition and re-reads (once per event-loop turn) after an append to
 * any of them, answering as soon as min_bytes are there, when max_wait_ms passes, when a watched
 * topic is deleted, or when the broker shuts down. It blocks only its own connection (kafkajs
 * and librdkafka fetch on a dedicated connection). A closed connection cancels it.
 *
 * Errors answer immediately: UNKNOWN_TOPIC_OR_PARTITION 3, OFFSET_OUT_OF_RANGE 1 (offset below
 * log start or above the log end). Fetch sessions (KIP-227) are not supported: a request with a
 * session id ≠ 0 gets FETCH_SESSION_ID_NOT_FOUND 70; otherwise the answer has session id 0, so
 * clients send full fetch requests.
 */
import { FetchRequestSchema, FetchResponseSchema } from '../../protocol/messages/01-fetch.ts';
import type { FetchRequest, FetchResponse } from '../../protocol/messages/01-fetch.ts';
import type { Encodable } from '../../protocol/schema.ts';
import { ErrorCode } from '../../protocol/error-codes.ts';
import { LogError } from '../log/log-errors.ts';
import type { Broker } from '../broker.ts';
import { defineHandler, NO_RESPONSE, type HandlerOutput, type RequestContext } from './handler.ts';

type Response = Encodable<FetchResponse>;
type TopicResponse = NonNullable<Response['responses']>[number];
type PartitionResponse = NonNullable<TopicResponse['partitions']>[number];

const EMPTY = Buffer.alloc(0);

interface ReadOutcome {
  response: Response;
  bytes: number;
  /** Some partition answered with an error: reply now instead of waiting. */
  hasError: boolean;
}

export const fetchHandler = defineHandler<FetchRequest, Response>({
  apiKey: 1,
  name: 'Fetch',
  requestSchema: FetchRequestSchema,
  responseSchema: FetchResponseSchema,
  advertised: { min: 0, max: 11 },
  served: { min: 4, max: 11 },
  handle(ctx, req) {
    if (req.sessionId !== 0) {
      return { throttleTimeMs: 0, errorCode: ErrorCode.FETCH_SESSION_ID_NOT_FOUND, sessionId: 0, responses: [] };
    }
    const first = readAll(ctx.broker, req);
    if (first.bytes >= req.minBytes || first.hasError || req.maxWaitMs <= 0 || ctx.broker.isClosing) return first.response;
    return park(ctx, req);
  },
});

/** Reads every requested partition once (see the header comment for the byte budget). */
function readAll(broker: Broker, req: FetchRequest): ReadOutcome {
  let remaining = req.maxBytes;
  let bytes = 0;
  let hasError = false;
  const responses: TopicResponse[] = req.topics.map((t) => ({
    topic: t.topic,
    partitions: t.partitions.map((p): PartitionResponse => {
      const out: PartitionResponse = {
        partitionIndex: p.partition,
        errorCode: ErrorCode.NONE,
        highWatermark: -1,
        lastStableOffset: -1,
        logStartOffset: -1,
        abortedTransactions: [],
        preferredReadReplica: -1,
        records: EMPTY,
      };
      const log = broker.partitions.get(t.topic, p.partition);
      if (log === undefined) {
        out.errorCode = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
        hasError = true;
        return out;
      }
      out.highWatermark = log.highWatermark;
      out.lastStableOffset = log.highWatermark;
      out.logStartOffset = log.logStartOffset;
      const budget = Math.min(p.partitionMaxBytes, remaining);
      const offset = Number(p.fetchOffset);
      try {
        if (offset < log.logStartOffset || offset > log.logEndOffset) {
          out.errorCode = ErrorCode.OFFSET_OUT_OF_RANGE;
          hasError = true;
          return out;
        }
        if (budget <= 0 && bytes > 0) return out;
        const read = log.read(offset, { maxBytes: Math.max(budget, 0), minOneBatch: bytes === 0 });
        out.highWatermark = read.highWatermark;
        out.lastStableOffset = read.highWatermark;
        out.logStartOffset = read.logStartOffset;
        if (read.bytes > 0) {
          out.records = read.chunks;
          bytes += read.bytes;
          remaining -= read.bytes;
        }
      } catch (err) {
        hasError = true;
        if (err instanceof LogError) {
          out.errorCode = err.code;
        } else {
          broker.logger.warn(`fetch from ${t.topic}-${p.partition} failed: ${(err as Error).stack ?? String(err)}`);
          out.errorCode = ErrorCode.UNKNOWN_SERVER_ERROR;
        }
      }
      return out;
    }),
  }));
  return { response: { throttleTimeMs: 0, errorCode: ErrorCode.NONE, sessionId: 0, responses }, bytes, hasError };
}

/** Parks the fetch until min_bytes are available, max_wait passes, or the broker/connection closes. */
function park(ctx: RequestContext, req: FetchRequest): Promise<HandlerOutput<Response>> {
  const broker = ctx.broker;
  return new Promise((resolve) => {
    let done = false;
    let rereadScheduled = false;
    const watched = req.topics.flatMap((t) => t.partitions.map((p) => ({ topic: t.topic, partition: p.partition })));
    const finish = (out: HandlerOutput<Response>): void => {
      if (done) return;
      done = true;
      cancelWatch();
      cancelTimer();
      offClose();
      resolve(out);
    };
    const reread = (): void => {
      rereadScheduled = false;
      if (done) return;
      const r = readAll(broker, req);
      if (r.bytes >= req.minBytes || r.hasError || broker.isClosing) finish(r.response);
    };
    const cancelWatch = broker.waiters.watch(watched, () => {
      if (rereadScheduled || done) return;
      rereadScheduled = true;
      setImmediate(reread);
    });
    const cancelTimer = broker.clock.setTimeout(() => finish(readAll(broker, req).response), req.maxWaitMs);
    const offClose = ctx.conn.onClose(() => finish(NO_RESPONSE));
  });
}
