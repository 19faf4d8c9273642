/*
 * The streams assignor's metadata, carried as the userData of the consumer protocol's
 * subscription (member → leader) and assignment (leader → member).
 *
 * Byte layout of both (versioned, so a later version can add fields and probe older members):
 *   int8   magic 0x54 ('T')       distinguishes our data from another assignor's bytes
 *   int8   version (1)
 *   bytes  UTF-8 JSON of the version's object (below)
 *
 * Subscription v1: { processId, applicationServer | null, activeTasks[], standbyTasks[],
 *                    taskOffsets: { taskId: number }, errorCode? }   — warmth = sum of the task's
 *                    stores' changelog offsets (what the member has locally, active or not)
 * Assignment v1:   { activeTasks[], standbyTasks[],
 *                    hostMap: { "host:port": { active: [[topic, partition]…], standby: […] } },
 *                    errorCode? }
 * errorCode (assignor-error.ts, Kafka's AssignorError numbers) is absent or 0 normally; an older
 * member ignores it (JSON fields it does not know are skipped), so adding it kept version 1.
 * probingRebalance (KIP-441; absent = false): the leader placed warmups, so members rejoin after
 * their probingRebalanceIntervalMs to let caught-up warmups take their tasks. Also kept v1.
 * A newer version decodes as an error naming both versions (the member must be upgraded).
 */
import type { TopicPartition } from '../../../client/types.ts';

const MAGIC = 0x54;
export const ASSIGNOR_METADATA_VERSION = 1;

export interface SubscriptionInfo {
  readonly processId: string;
  readonly applicationServer: string | null;
  readonly activeTasks: readonly string[];
  readonly standbyTasks: readonly string[];
  readonly taskOffsets: ReadonlyMap<string, number>;
  /** AssignorError code; SHUTDOWN_REQUESTED asks the whole application to stop. Default NONE. */
  readonly errorCode?: number | undefined;
}

export interface HostPartitions {
  readonly active: readonly TopicPartition[];
  readonly standby: readonly TopicPartition[];
}

export interface AssignmentInfo {
  readonly activeTasks: readonly string[];
  readonly standbyTasks: readonly string[];
  /** "host:port" → partitions it owns (active) and follows (standby); instances with an applicationServer only. */
  readonly hostMap: ReadonlyMap<string, HostPartitions>;
  /** AssignorError code from the leader; SHUTDOWN_REQUESTED: stop instead of taking tasks. Default NONE. */
  readonly errorCode?: number | undefined;
  /** Warmups were placed: schedule a probing rebalance (KIP-441). Default false. */
  readonly probingRebalance?: boolean | undefined;
}

export class AssignorMetadataError extends Error {
  override readonly name = 'AssignorMetadataError';
}

function frame(body: unknown): Buffer {
  const json = Buffer.from(JSON.stringify(body), 'utf8');
  const out = Buffer.allocUnsafe(2 + json.length);
  out[0] = MAGIC;
  out[1] = ASSIGNOR_METADATA_VERSION;
  json.copy(out, 2);
  return out;
}

function unframe(data: Buffer, what: string): Record<string, unknown> {
  if (data.length < 2 || data[0] !== MAGIC) {
    throw new AssignorMetadataError(`${what} metadata of ${data.length} bytes is not Tributary streams metadata (magic byte ${data[0] ?? 'missing'}, expected ${MAGIC}); every member of the group must run the tributary-streams assignor`);
  }
  if (data[1] !== ASSIGNOR_METADATA_VERSION) {
    throw new AssignorMetadataError(`${what} metadata has version ${data[1]}, this instance understands version ${ASSIGNOR_METADATA_VERSION}; run the same Tributary version on every instance`);
  }
  try {
    const v = JSON.parse(data.subarray(2).toString('utf8')) as unknown;
    if (typeof v !== 'object' || v === null) throw new Error('not an object');
    return v as Record<string, unknown>;
  } catch (e) {
    throw new AssignorMetadataError(`${what} metadata is corrupt: ${(e as Error).message}`);
  }
}

function strings(v: unknown, field: string): string[] {
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw new AssignorMetadataError(`metadata field ${field} must be a list of strings`);
  return v as string[];
}

function partitions(v: unknown, field: string): TopicPartition[] {
  if (!Array.isArray(v)) throw new AssignorMetadataError(`metadata field ${field} must be a list of [topic, partition]`);
  return v.map((e: unknown) => {
    if (!Array.isArray(e) || typeof e[0] !== 'string' || typeof e[1] !== 'number') throw new AssignorMetadataError(`metadata field ${field} holds ${JSON.stringify(e)}, expected [topic, partition]`);
    return { topic: e[0], partition: e[1] };
  });
}

export function encodeSubscription(info: SubscriptionInfo): Buffer {
  return frame({
    processId: info.processId,
    applicationServer: info.applicationServer,
    activeTasks: info.activeTasks,
    standbyTasks: info.standbyTasks,
    taskOffsets: Object.fromEntries(info.taskOffsets),
    errorCode: info.errorCode ?? 0,
  });
}

export function decodeSubscription(data: Buffer): SubscriptionInfo {
  const v = unframe(data, 'subscription');
  if (typeof v['processId'] !== 'string') throw new AssignorMetadataError('subscription metadata lacks processId');
  const server = v['applicationServer'];
  if (server !== null && typeof server !== 'string') throw new AssignorMetadataError('subscription field applicationServer must be "host:port" or null');
  const offsets = v['taskOffsets'];
  if (typeof offsets !== 'object' || offsets === null) throw new AssignorMetadataError('subscription field taskOffsets must be an object');
  const taskOffsets = new Map<string, number>();
  for (const [k, o] of Object.entries(offsets)) {
    if (typeof o !== 'number') throw new AssignorMetadataError(`subscription taskOffsets[${k}] must be a number`);
    taskOffsets.set(k, o);
  }
  return {
    processId: v['processId'],
    applicationServer: server,
    activeTasks: strings(v['activeTasks'], 'activeTasks'),
    standbyTasks: strings(v['standbyTasks'], 'standbyTasks'),
    taskOffsets,
    errorCode: errorCode(v['errorCode'], 'subscription'),
  };
}

function errorCode(v: unknown, what: string): number {
  if (v === undefined) return 0;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new AssignorMetadataError(`${what} field errorCode must be an integer`);
  return v;
}

export function encodeAssignment(info: AssignmentInfo): Buffer {
  const hostMap: Record<string, { active: [string, number][]; standby: [string, number][] }> = {};
  for (const [host, h] of info.hostMap) {
    hostMap[host] = { active: h.active.map((tp) => [tp.topic, tp.partition]), standby: h.standby.map((tp) => [tp.topic, tp.partition]) };
  }
  return frame({ activeTasks: info.activeTasks, standbyTasks: info.standbyTasks, hostMap, errorCode: info.errorCode ?? 0, ...(info.probingRebalance === true ? { probingRebalance: true } : {}) });
}

export function decodeAssignment(data: Buffer): AssignmentInfo {
  const v = unframe(data, 'assignment');
  const raw = v['hostMap'];
  if (typeof raw !== 'object' || raw === null) throw new AssignorMetadataError('assignment field hostMap must be an object');
  const hostMap = new Map<string, HostPartitions>();
  for (const [host, h] of Object.entries(raw as Record<string, { active?: unknown; standby?: unknown }>)) {
    hostMap.set(host, { active: partitions(h.active, `hostMap[${host}].active`), standby: partitions(h.standby, `hostMap[${host}].standby`) });
  }
  return { activeTasks: strings(v['activeTasks'], 'activeTasks'), standbyTasks: strings(v['standbyTasks'], 'standbyTasks'), hostMap, errorCode: errorCode(v['errorCode'], 'assignment'), ...(v['probingRebalance'] === true ? { probingRebalance: true } : {}) };
}
