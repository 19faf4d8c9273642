/*
 * The consumer protocol bytes a GroupAssignor's data travels in (JoinGroup member metadata and
 * SyncGroup assignments), written exactly as kafkajs' AssignerProtocol writes them, so a group
 * may mix kafkajs members (kafkajs-assigner-bridge.ts) and wire members during a rolling upgrade:
 * whichever member leads, the others read its assignment.
 *
 *   Subscription  int16 version (the assignor's)  [int32 n]{int16 len, topic utf8}  int32 len, userData
 *   Assignment    int16 version (the assignor's)  [int32 n]{int16 len, topic, [int32 m]{int32 partition}}
 *                 int32 len, userData
 *
 * This is the v0 body of Kafka's ConsumerProtocolSubscription/Assignment under whatever version
 * number the assignor declares (the streams assignor says 1). Reading follows Kafka's forward rule:
 * the v0 fields are read and any trailing bytes (v1+ OwnedPartitions, GenerationId, RackId from a
 * Java member) are ignored. Null userData (length -1) reads as an empty Buffer, as in kafkajs.
 * Not to be confused with protocol/messages/consumer-protocol.ts, which parses each version's full
 * layout and so would misread kafkajs' "version 1" bytes that carry only the v0 body.
 */
import { Reader } from '../../protocol/reader.ts';
import { Writer } from '../../protocol/writer.ts';

export interface Subscription {
  readonly version: number;
  readonly topics: readonly string[];
  readonly userData: Buffer;
}

export interface AssignmentBytes {
  readonly version: number;
  /** topic → partitions; topics with no partitions are not written. */
  readonly partitions: ReadonlyMap<string, readonly number[]>;
  readonly userData: Buffer;
}

export function encodeGroupSubscription(s: Subscription): Buffer {
  const w = new Writer(64 + s.userData.length);
  w.int16(s.version);
  w.arrayLength(s.topics.length);
  for (const t of s.topics) w.string(t);
  w.bytes(s.userData);
  return w.finish();
}

export function decodeGroupSubscription(bytes: Buffer): Subscription {
  const r = new Reader(bytes);
  const version = r.int16();
  const n = r.arrayLength();
  const topics: string[] = [];
  for (let i = 0; i < n; i++) topics.push(r.string());
  const userData = r.remaining() >= 4 ? r.nullableBytes() ?? Buffer.alloc(0) : Buffer.alloc(0);
  return { version, topics, userData };
}

export function encodeGroupAssignment(a: AssignmentBytes): Buffer {
  const entries = [...a.partitions].filter(([, parts]) => parts.length > 0);
  const w = new Writer(64 + a.userData.length);
  w.int16(a.version);
  w.arrayLength(entries.length);
  for (const [topic, parts] of entries) {
    w.string(topic);
    w.arrayLength(parts.length);
    for (const p of parts) w.int32(p);
  }
  w.bytes(a.userData);
  return w.finish();
}

/** Zero bytes (what some coordinators send a member the leader gave nothing) read as empty. */
export function decodeGroupAssignment(bytes: Buffer): AssignmentBytes {
  if (bytes.length === 0) return { version: 0, partitions: new Map(), userData: Buffer.alloc(0) };
  const r = new Reader(bytes);
  const version = r.int16();
  const n = r.arrayLength();
  const partitions = new Map<string, number[]>();
  for (let i = 0; i < n; i++) {
    const topic = r.string();
    const m = r.arrayLength();
    const list: number[] = [];
    for (let j = 0; j < m; j++) list.push(r.int32());
    partitions.set(topic, list);
  }
  const userData = r.remaining() >= 4 ? r.nullableBytes() ?? Buffer.alloc(0) : Buffer.alloc(0);
  return { version, partitions, userData };
}
