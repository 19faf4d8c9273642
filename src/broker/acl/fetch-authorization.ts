/*
 * ACL checks for Fetch, as a wrapper around the Fetch handler (so the read path in
 * handlers/01-fetch.ts stays about reading). Kafka's rules (KafkaApis.handleFetchRequest):
 *   - a follower fetch (replica id ≥ 0) needs CLUSTER_ACTION on the cluster, else the whole
 *     request answers CLUSTER_AUTHORIZATION_FAILED 31 (this broker has no followers; only a
 *     misbehaving client sends one);
 *   - a consumer needs READ on each topic; the partitions of a topic it may not read answer
 *     TOPIC_AUTHORIZATION_FAILED 29 and the others are fetched as usual (long poll included),
 *     the refused ones being added to whatever answer the fetch gives.
 * With ACLs off, or when every topic is allowed, the request goes to the handler untouched.
 * A topic id that names no topic (v13+) is left to the handler (UNKNOWN_TOPIC_ID).
 */
import { ErrorCode } from '../../protocol/error-codes.ts';
import type { FetchRequest, FetchResponse } from '../../protocol/messages/01-fetch.ts';
import type { Encodable } from '../../protocol/schema.ts';
import { defineHandler, type ApiHandler, type HandlerOutput } from '../handlers/handler.ts';
import { AclOperation, ResourceType } from '../../protocol/acl-types.ts';
import { allowed, clusterAllowed } from './request-authz.ts';

type Response = Encodable<FetchResponse>;
type TopicResponse = NonNullable<Response['responses']>[number];

const TOPIC_ID_VERSION = 13;
const EMPTY = Buffer.alloc(0);

function refused(t: FetchRequest['topics'][number]): TopicResponse {
  return {
    topic: t.topic,
    topicId: t.topicId,
    partitions: t.partitions.map((p) => ({
      partitionIndex: p.partition,
      errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED,
      highWatermark: -1,
      lastStableOffset: -1,
      logStartOffset: -1,
      abortedTransactions: [],
      preferredReadReplica: -1,
      records: EMPTY,
    })),
  };
}

/** Appends the refused topics to an answer, whatever form the handler gave it. */
function withRefused(out: HandlerOutput<Response>, extra: TopicResponse[]): HandlerOutput<Response> {
  if (out === null || typeof out !== 'object' || !('responses' in out)) return out;
  return { ...out, responses: [...(out.responses ?? []), ...extra] };
}

export function withFetchAuthorization(inner: ApiHandler<FetchRequest, Response>): ApiHandler<FetchRequest, Response> {
  return defineHandler<FetchRequest, Response>({
    ...inner,
    handle(ctx, req) {
      if (!ctx.broker.options.authorizer.enabled) return inner.handle(ctx, req);
      const replicaId = ctx.apiVersion >= 15 ? (req.replicaState?.replicaId ?? -1) : req.replicaId;
      if (replicaId >= 0 && !clusterAllowed(ctx, AclOperation.CLUSTER_ACTION)) {
        return { throttleTimeMs: 0, errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, sessionId: 0, responses: [] };
      }
      const byId = ctx.apiVersion >= TOPIC_ID_VERSION;
      const kept: FetchRequest['topics'] = [];
      const denied: TopicResponse[] = [];
      for (const t of req.topics) {
        const name = byId ? ctx.broker.topics.getById(t.topicId)?.name : t.topic;
        if (name !== undefined && !allowed(ctx, AclOperation.READ, ResourceType.TOPIC, name)) denied.push(refused(t));
        else kept.push(t);
      }
      if (denied.length === 0) return inner.handle(ctx, req);
      if (kept.length === 0) return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, sessionId: 0, responses: denied };
      const out = inner.handle(ctx, { ...req, topics: kept });
      return out instanceof Promise ? out.then((o) => withRefused(o, denied)) : withRefused(out, denied);
    },
  });
}
