/*
 * DescribeLogDirs (key 35): advertised and served 0–4 (kafka-python sends v0, Kafka's
 * AdminClient v1+ — `kafka-log-dirs.sh --describe`, `Admin.describeLogDirs`).
 *
 * One log dir: the broker's data dir (`log.dirs`). Topics null = every partition of every
 * topic; otherwise the named partitions that exist (unknown topics and partitions are left out,
 * as Kafka does). PartitionSize is the partition log's bytes on disk over all segments (the same
 * figure as the tributary_broker_log_size_bytes metric); OffsetLag is 0 and IsFutureKey false
 * (no replica movement between dirs). v4's TotalBytes / UsableBytes come from statfs of the
 * data dir, -1 when unavailable.
 *
 * Authorization as Kafka: DESCRIBE on CLUSTER; when denied, no results, and from v3 the
 * top-level ErrorCode is CLUSTER_AUTHORIZATION_FAILED.
 */
import { statfsSync } from 'node:fs';
import { DescribeLogDirsRequestSchema, DescribeLogDirsResponseSchema } from '../../protocol/messages/35-describe-log-dirs.ts';
import type { DescribeLogDirsRequest, DescribeLogDirsResponse } from '../../protocol/messages/35-describe-log-dirs.ts';
import type { Encodable } from '../../protocol/schema.ts';
import { ErrorCode } from '../../protocol/error-codes.ts';
import type { Broker } from '../broker.ts';
import { defineHandler } from './handler.ts';
import { clusterAllowed, AclOperation as Op } from '../acl/request-authz.ts';

type Response = Encodable<DescribeLogDirsResponse>;
type TopicResult = NonNullable<NonNullable<Response['results']>[number]['topics']>[number];

function diskSpace(dir: string): { totalBytes: number; usableBytes: number } {
  try {
    const s = statfsSync(dir);
    return { totalBytes: s.blocks * s.bsize, usableBytes: s.bavail * s.bsize };
  } catch {
    return { totalBytes: -1, usableBytes: -1 };
  }
}

function topicSizes(broker: Broker, req: DescribeLogDirsRequest): TopicResult[] {
  const wanted = req.topics === null ? broker.topics.list().map((t) => ({ topic: t.name, partitions: null as readonly number[] | null })) : req.topics;
  const out: TopicResult[] = [];
  for (const w of wanted) {
    if (broker.topic(w.topic) === undefined) continue;
    const logs = broker.partitions.ofTopic(w.topic);
    const indexes = w.partitions === null ? logs.map((_, p) => p) : w.partitions;
    const partitions = [];
    for (const p of indexes) {
      const log = logs[p];
      if (log !== undefined) partitions.push({ partitionIndex: p, partitionSize: log.sizeInBytes, offsetLag: 0, isFutureKey: false });
    }
    if (partitions.length > 0) out.push({ name: w.topic, partitions });
  }
  return out;
}

export const describeLogDirsHandler = defineHandler<DescribeLogDirsRequest, Response>({
  apiKey: 35,
  name: 'DescribeLogDirs',
  requestSchema: DescribeLogDirsRequestSchema,
  responseSchema: DescribeLogDirsResponseSchema,
  advertised: { min: 0, max: 4 },
  served: { min: 0, max: 4 },
  handle(ctx, req) {
    if (!clusterAllowed(ctx, Op.DESCRIBE)) return { throttleTimeMs: 0, errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, results: [] };
    const broker = ctx.broker;
    const dir = broker.options.dataDir;
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      results: [{ errorCode: ErrorCode.NONE, logDir: dir, topics: topicSizes(broker, req), ...diskSpace(dir) }],
    };
  },
});
