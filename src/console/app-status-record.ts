/*
 * The status record a running Tributary application publishes about itself, and the console
 * reads: the one definition both sides use.
 *
 * Topic: `__tributary_apps` (cleanup.policy=compact, one partition). Key: UTF-8
 * `<application id>/<process id>`, so compaction keeps the latest record per instance. Value:
 * UTF-8 JSON of AppStatusRecord (below); a null value (tombstone) says the instance closed.
 * A record is current while `updatedMs + ttlMs` has not passed: an instance that died without
 * its tombstone drops out of the console after its TTL (three publish intervals).
 *
 * Because it is an ordinary compacted topic, the same works on a real Kafka cluster: anything
 * that can read the topic can list the applications.
 */
import { z } from 'zod';

export const APP_STATUS_TOPIC = '__tributary_apps';
export const APP_STATUS_VERSION = 1;

const nodeSchema = z.object({
  id: z.string(),
  kind: z.enum(['source', 'processor', 'sink', 'topic', 'store']),
  label: z.string(),
  subtopology: z.number().int().optional(),
});
const edgeSchema = z.object({ from: z.string(), to: z.string(), store: z.literal(true).optional() });

export const appStatusSchema = z.object({
  version: z.literal(APP_STATUS_VERSION),
  applicationId: z.string().min(1),
  processId: z.string().min(1),
  host: z.string(),
  pid: z.number().int(),
  state: z.string(),
  startedMs: z.number(),
  updatedMs: z.number(),
  ttlMs: z.number().positive(),
  topology: z.object({
    mermaid: z.string(),
    graph: z.object({
      subtopologies: z.array(z.object({ id: z.number().int(), global: z.boolean(), nodes: z.array(z.string()) })),
      nodes: z.array(nodeSchema),
      edges: z.array(edgeSchema),
    }),
  }),
  tasks: z.object({ active: z.array(z.string()), standby: z.array(z.string()) }),
  /** Records processed by this instance since it started. */
  processedTotal: z.number(),
  /** stream-thread-metrics of the instance (NaN becomes null in JSON). */
  rates: z.object({
    processRate: z.number().nullable(),
    commitRate: z.number().nullable(),
    pollRate: z.number().nullable(),
    processLatencyAvgMs: z.number().nullable(),
  }),
  /** records-lag per input partition. */
  lag: z.array(z.object({ topic: z.string(), partition: z.number().int(), lag: z.number() })),
});

export type AppStatusRecord = z.infer<typeof appStatusSchema>;

export function appStatusKey(applicationId: string, processId: string): string {
  return `${applicationId}/${processId}`;
}

/** Parses a record value; undefined (never a throw) for anything that is not a status record. */
export function parseAppStatus(value: Buffer): AppStatusRecord | undefined {
  let json: unknown;
  try {
    json = JSON.parse(value.toString('utf8'));
  } catch {
    return undefined;
  }
  const parsed = appStatusSchema.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}
