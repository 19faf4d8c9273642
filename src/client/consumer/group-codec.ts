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
 *   Subscription v1+ (KIP-429) appends  [int32 n]{int16 len, topic, [int32 m]{int32 partition}}
 *                 (OwnedPartitions); v2+ appends int32 GenerationId; v3+ a nullable RackId.
 *
 * Writing: the v0 body under the assignor's version number, plus OwnedPartitions when the member
 * sends them (cooperative members, which then declare version >= 1). Reading follows Kafka's
 * forward rule: the v0 fields, then OwnedPartitions (v1+) and GenerationId (v2+) only when bytes
 * remain for them — kafkajs writes "version 1" with the v0 body alone — and anything after is
 * ignored. Null userData (length -1) reads as an empty Buffer, as in kafkajs.
 * Not to be confused with protocol/messages/consumer-protocol.ts, which parses each version's full
 * layout and so would misread kafkajs' "version 1" bytes that carry only the v0 body.
 */
import { Reader } from '../../protocol/reader.ts';
import { Writer } from '../../protocol/writer.ts';

export interface Subscription {
  readonly version: number;
  readonly topics: readonly string[];
  readonly userData: Buffer;
  /** topic → partitions the member owns (v1+); written only when given. */
  readonly ownedPartitions?: ReadonlyMap<string, readonly number[]> | undefined;
  /** GenerationId (v2+) when the bytes carry it; -1 otherwise. Never written (we declare ≤ v1). */
  readonly generationId?: number | undefined;
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
  if (s.ownedPartitions !== undefined) writeTopicPartitions(w, s.ownedPartitions);
  return w.finish();
}

/** [int32 n]{string topic, [int32 m]{int32 partition}}, topics with no partitions left out. */
function writeTopicPartitions(w: Writer, partitions: ReadonlyMap<string, readonly number[]>): void {
  const entries = [...partitions].filter(([, parts]) => parts.length > 0);
  w.arrayLength(entries.length);
  for (const [topic, parts] of entries) {
    w.string(topic);
    w.arrayLength(parts.length);
    for (const p of parts) w.int32(p);
  }
}

function readTopicPartitions(r: Reader): Map<string, number[]> {
  const n = r.arrayLength();
  const out = new Map<string, number[]>();
  for (let i = 0; i < n; i++) {
    const topic = r.string();
    const m = r.arrayLength();
    const list: number[] = [];
    for (let j = 0; j < m; j++) list.push(r.int32());
    out.set(topic, list);
  }
  return out;
}

export function decodeGroupSubscription(bytes: Buffer): Subscription {
  const r = new Reader(bytes);
  const version = r.int16();
  const n = r.arrayLength();
  const topics: string[] = [];
  for (let i = 0; i < n; i++) topics.push(r.string());
  const userData = r.remaining() >= 4 ? r.nullableBytes() ?? Buffer.alloc(0) : Buffer.alloc(0);
  const ownedPartitions = version >= 1 && r.remaining() >= 4 ? readTopicPartitions(r) : new Map<string, number[]>();
  const generationId = version >= 2 && r.remaining() >= 4 ? r.int32() : -1;
  return { version, topics, userData, ownedPartitions, generationId };
}

export function encodeGroupAssignment(a: AssignmentBytes): Buffer {
  const w = new Writer(64 + a.userData.length);
  w.int16(a.version);
  writeTopicPartitions(w, a.partitions);
  w.bytes(a.userData);
  return w.finish();
}

/** Zero bytes (what some coordinators send a member the leader gave nothing) read as empty. */
export function decodeGroupAssignment(bytes: Buffer): AssignmentBytes {
  if (bytes.length === 0) return { version: 0, partitions: new Map(), userData: Buffer.alloc(0) };
  const r = new Reader(bytes);
  const version = r.int16();
  const partitions = readTopicPartitions(r);
  const userData = r.remaining() >= 4 ? r.nullableBytes() ?? Buffer.alloc(0) : Buffer.alloc(0);
  return { version, partitions, userData };
}
