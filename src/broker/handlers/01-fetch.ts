/*
 * Fetch (key 1): advertised 0–16, served 4–16 (record batch v2; librdkafka needs Fetch ∋ 4, 10;
 * @platformatic/kafka uses 12–16). v12+ are flexible; their tagged fields (request ClusterId and
 * ReplicaState, response DivergingEpoch, CurrentLeader, SnapshotId, NodeEndpoints) are accepted
 * and left at their defaults: one node leads every partition at epoch 0, so there is never a
 * diverging epoch or a new leader to report. v12's LastFetchedEpoch is accepted and not checked.
 *
 * Topics: v4–12 address a topic by name, v13+ by topic id (KIP-516). The id is resolved against
 * the topic registry on every read, so a topic deleted (or deleted and re-created under the same
 * name, which gives it a new id) while a fetch is parked answers UNKNOWN_TOPIC_ID 100 for every
 * partition of an unknown id. The response echoes what the request used (name or id).
 *
 * Reading: per requested partition, stored batches from the one holding fetch_offset, up to
 * min(partition_max_bytes, what is left of min(max_bytes, the broker's fetchMaxBytes)); the first partition that has data always
 * gets at least one whole batch, however large (KIP-74). As in Kafka (LogSegment.read slices the
 * file by bytes), a partition's answer fills its budget: after its whole batches it ends with the
 * first bytes of the next batch, which the client drops and asks for again from its first offset
 * (log/segment-reader.ts, step 3b). The bytes are read into pooled buffers that go into the
 * response as they are (no copy). High watermark = log end offset; last stable offset = the first
 * offset of the earliest open transaction, else the high watermark (txn/isolation.ts). With
 * isolation level 1 (read_committed) reading stops at the LSO and the answer lists the aborted
 * transactions overlapping [fetch_offset, LSO); with 0 it reads to the high watermark.
 *
 * Long poll: when fewer than min_bytes are available and max_wait_ms > 0, the request parks: it
 * watches every requested partition and re-reads (once per event-loop turn) after an append to
 * any of them, answering as soon as min_bytes are there, when max_wait_ms passes, when a watched
 * topic is deleted, or when the broker shuts down. It blocks only its own connection (kafkajs
 * and librdkafka fetch on a dedicated connection). A closed connection cancels it.
 *
 * Errors answer immediately: UNKNOWN_TOPIC_OR_PARTITION 3, UNKNOWN_TOPIC_ID 100 (v13+),
 * OFFSET_OUT_OF_RANGE 1 (offset below log start or above the log end). Fetch sessions (KIP-227)
 * are not supported: a request with a session id ≠ 0 gets FETCH_SESSION_ID_NOT_FOUND 70;
 * otherwise the answer has session id 0, so clients send full fetch requests.
 */
import { FetchRequestSchema, FetchResponseSchema } from '../../protocol/messages/01-fetch.ts';
import type { FetchRequest, FetchResponse } from '../../protocol/messages/01-fetch.ts';
import type { Encodable } from '../../protocol/schema.ts';
import { ErrorCode } from '../../protocol/error-codes.ts';
import { LogError } from '../log/log-errors.ts';
import type { Broker } from '../broker.ts';
import type { PartitionLog } from '../log/partition-log.ts';
import { abortedTransactions, lastStableOffset, READ_COMMITTED } from '../txn/isolation.ts';
import { defineHandler, NO_RESPONSE, type HandlerOutput, type RequestContext } from './handler.ts';

type Response = Encodable<FetchResponse>;
type TopicResponse = NonNullable<Response['responses']>[number];
type PartitionResponse = NonNullable<TopicResponse['partitions']>[number];

const EMPTY = Buffer.alloc(0);
/** First version that addresses topics by id instead of name. */
const TOPIC_ID_VERSION = 13;

interface ReadOutcome {
  response: Response;
  bytes: number;
  /** Some partition answered with an error: reply now instead of waiting. */
  hasError: boolean;
  /** Each partition read and its high watermark when the read began. */
  seen: ReadState['seen'];
}

interface ReadState {
  remaining: number;
  bytes: number;
  hasError: boolean;
  seen: { log: PartitionLog; highWatermark: number }[];
}

export const fetchHandler = defineHandler<FetchRequest, Response>({
  apiKey: 1,
  name: 'Fetch',
  requestSchema: FetchRequestSchema,
  responseSchema: FetchResponseSchema,
  advertised: { min: 0, max: 16 },
  served: { min: 4, max: 16 },
  handle(ctx, req) {
    if (req.sessionId !== 0) {
      return { throttleTimeMs: 0, errorCode: ErrorCode.FETCH_SESSION_ID_NOT_FOUND, sessionId: 0, responses: [] };
    }
    return answer(ctx, req, ctx.apiVersion >= TOPIC_ID_VERSION);
  },
});

/** Reads once; answers now, or parks when fewer than min_bytes are there (header comment). */
async function answer(ctx: RequestContext, req: FetchRequest, byId: boolean): Promise<HandlerOutput<Response>> {
  const first = await readAll(ctx.broker, req, byId);
  if (first.bytes >= req.minBytes || first.hasError || req.maxWaitMs <= 0 || ctx.broker.isClosing || ctx.conn.isClosed) return counted(ctx.broker, first.response, byId);
  return counted(ctx.broker, await park(ctx, req, byId, first.seen), byId);
}

/** Counts the bytes and records a response carries (broker metrics), then returns it. */
function counted<T extends HandlerOutput<Response>>(broker: Broker, out: T, byId: boolean): T {
  const responses = (out as Partial<Response>).responses;
  if (responses !== undefined) broker.metrics.fetched(responses, (t) => (byId ? broker.topics.getById(t.topicId ?? '')?.name : t.topic));
  return out;
}

/** The topic name a request entry refers to; undefined for an unknown topic id (v13+). */
function topicName(broker: Broker, t: FetchRequest['topics'][number], byId: boolean): string | undefined {
  return byId ? broker.topics.getById(t.topicId)?.name : t.topic;
}

/**
 * Reads every requested partition once (see the header comment for the byte budget). Partitions
 * are read one after another, since each one's budget depends on what the earlier ones returned.
 */
async function readAll(broker: Broker, req: FetchRequest, byId: boolean): Promise<ReadOutcome> {
  // The broker's fetch.max.bytes caps what a client may ask for (Kafka does the same).
  const state: ReadState = { remaining: Math.min(req.maxBytes, broker.options.fetchMaxBytes), bytes: 0, hasError: false, seen: [] };
  const responses: TopicResponse[] = [];
  for (const t of req.topics) {
    const name = topicName(broker, t, byId);
    const partitions: PartitionResponse[] = [];
    for (const p of t.partitions) partitions.push(await readPartition(broker, name, p, state, req.isolationLevel === READ_COMMITTED));
    responses.push({ topic: t.topic, topicId: t.topicId, partitions });
  }
  return {
    response: { throttleTimeMs: 0, errorCode: ErrorCode.NONE, sessionId: 0, responses },
    bytes: state.bytes,
    hasError: state.hasError,
    seen: state.seen,
  };
}

/** One partition's answer; `state` carries the request-wide byte budget and error flag. */
async function readPartition(
  broker: Broker,
  name: string | undefined,
  p: FetchRequest['topics'][number]['partitions'][number],
  state: ReadState,
  readCommitted: boolean,
): Promise<PartitionResponse> {
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
  const fail = (code: number): PartitionResponse => {
    out.errorCode = code;
    state.hasError = true;
    return out;
  };
  if (name === undefined) return fail(ErrorCode.UNKNOWN_TOPIC_ID);
  const log = broker.partitions.get(name, p.partition);
  if (log === undefined) return fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  const lso = lastStableOffset(broker, name, p.partition, log);
  out.highWatermark = log.highWatermark;
  out.lastStableOffset = lso;
  out.logStartOffset = log.logStartOffset;
  state.seen.push({ log, highWatermark: log.highWatermark });
  const budget = Math.min(p.partitionMaxBytes, state.remaining);
  const offset = Number(p.fetchOffset);
  try {
    if (offset < log.logStartOffset || offset > log.logEndOffset) return fail(ErrorCode.OFFSET_OUT_OF_RANGE);
    if (budget <= 0 && state.bytes > 0) return out;
    const maxOffset = readCommitted ? lso : undefined;
    const read = await log.readAsync(offset, {
      maxBytes: Math.max(budget, 0),
      minOneBatch: state.bytes === 0,
      maxOffset,
      partialTail: true,
      readAhead: broker.options.fetchReadAhead,
    });
    out.highWatermark = read.highWatermark;
    out.logStartOffset = read.logStartOffset;
    if (readCommitted && read.bytes > 0) out.abortedTransactions = abortedTransactions(broker, name, p.partition, log, offset, lso);
    if (read.bytes > 0) {
      out.records = read.chunks;
      state.bytes += read.bytes;
      state.remaining -= read.bytes;
    }
  } catch (err) {
    if (err instanceof LogError) return fail(err.code);
    broker.logger.warn(`fetch from ${name}-${p.partition} failed: ${(err as Error).stack ?? String(err)}`);
    return fail(ErrorCode.UNKNOWN_SERVER_ERROR);
  }
  return out;
}

/**
 * Parks the fetch until min_bytes are available, max_wait passes, or the broker/connection closes.
 * `seen` is what the first read saw: an append that landed while that read was in flight (the
 * watch did not exist yet) triggers a re-read at once. A read that throws fails the request
 * (the connection closes, as for any handler failure).
 */
function park(ctx: RequestContext, req: FetchRequest, byId: boolean, seen: ReadState['seen']): Promise<HandlerOutput<Response>> {
  const broker = ctx.broker;
  return new Promise((resolve, reject) => {
    let done = false;
    let rereadScheduled = false;
    // Every topic resolved in the first read (an unknown id would have answered at once).
    const watched = req.topics.flatMap((t) => {
      const name = topicName(broker, t, byId);
      return name === undefined ? [] : t.partitions.map((p) => ({ topic: name, partition: p.partition }));
    });
    const stop = (): boolean => {
      if (done) return false;
      done = true;
      cancelWatch();
      cancelTimer();
      offClose();
      return true;
    };
    const finish = (out: HandlerOutput<Response>): void => {
      if (stop()) resolve(out);
    };
    const fail = (err: unknown): void => {
      if (stop()) reject(err as Error);
    };
    // At most one read in flight: appends during a read schedule one more read after it.
    let reading = false;
    let rereadPending = false;
    const reread = async (): Promise<void> => {
      rereadScheduled = false;
      if (done || reading) return;
      reading = true;
      try {
        const r = await readAll(broker, req, byId);
        if (r.bytes >= req.minBytes || r.hasError || broker.isClosing) finish(r.response);
      } catch (err) {
        fail(err);
      } finally {
        reading = false;
      }
      if (rereadPending && !done) {
        rereadPending = false;
        schedule();
      }
    };
    const schedule = (): void => {
      if (rereadScheduled || done) return;
      if (reading) {
        rereadPending = true;
        return;
      }
      rereadScheduled = true;
      setImmediate(() => void reread());
    };
    const cancelWatch = broker.waiters.watch(watched, schedule);
    // The final read still answers whatever min_bytes says; a later finish() wins nothing (done).
    const cancelTimer = broker.clock.setTimeout(() => {
      void readAll(broker, req, byId).then((r) => finish(r.response), fail);
    }, req.maxWaitMs);
    const offClose = ctx.conn.onClose(() => finish(NO_RESPONSE));
    if (seen.some((x) => x.log.highWatermark > x.highWatermark)) schedule();
  });
}
