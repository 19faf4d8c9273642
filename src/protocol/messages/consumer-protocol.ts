/*
 * The "consumer" embedded protocol: the bytes a consumer puts in JoinGroup protocol metadata
 * (ConsumerProtocolSubscription) and the leader puts in SyncGroup assignments
 * (ConsumerProtocolAssignment). The broker treats them as opaque; we decode them for
 * DescribeGroups/debugging, and our own client and assignor use them.
 *
 * Layout: int16 version, then the body in the classic (never flexible) encoding.
 *   Subscription v0: Topics []string, UserData nullable bytes
 *                v1: + OwnedPartitions [{Topic, Partitions []int32}]
 *                v2: + GenerationId int32 (default -1)     v3: + RackId nullable string
 *   Assignment   v0: AssignedPartitions [{Topic, Partitions []int32}], UserData nullable bytes
 *                v1-3: same body (the version tracks the subscription's)
 * Forward compatibility (Kafka's rule): a version newer than 3 is parsed with the v3 layout and
 * trailing bytes are ignored, since later versions may only append fields.
 *
 * An empty assignment must still be encoded (version 0, no topics, null user data), never as
 * zero bytes: kafka-python 2.0.2 crashes on b''. `EMPTY_CONSUMER_ASSIGNMENT` is those bytes.
 */
import type { MessageDef, MessageValue, Encodable } from '../schema.ts';
import { compile } from '../schema.ts';
import { Reader } from '../reader.ts';
import { Writer } from '../writer.ts';
import { MalformedMessageError } from '../protocol-errors.ts';

export const ConsumerProtocolSubscriptionSchema = {
  name: 'ConsumerProtocolSubscription',
  kind: 'data',
  validVersions: '0-3',
  flexibleVersions: 'none',
  fields: [
    { name: 'Topics', type: '[]string', versions: '0+' },
    { name: 'UserData', type: 'bytes', versions: '0+', nullableVersions: '0+', default: null },
    {
      name: 'OwnedPartitions', type: '[]struct', versions: '1+',
      fields: [
        { name: 'Topic', type: 'string', versions: '1+' },
        { name: 'Partitions', type: '[]int32', versions: '1+' },
      ],
    },
    { name: 'GenerationId', type: 'int32', versions: '2+', default: -1 },
    { name: 'RackId', type: 'string', versions: '3+', nullableVersions: '3+', default: null },
  ],
} as const satisfies MessageDef;

export const ConsumerProtocolAssignmentSchema = {
  name: 'ConsumerProtocolAssignment',
  kind: 'data',
  validVersions: '0-3',
  flexibleVersions: 'none',
  fields: [
    {
      name: 'AssignedPartitions', type: '[]struct', versions: '0+',
      fields: [
        { name: 'Topic', type: 'string', versions: '0+' },
        { name: 'Partitions', type: '[]int32', versions: '0+' },
      ],
    },
    { name: 'UserData', type: 'bytes', versions: '0+', nullableVersions: '0+', default: null },
  ],
} as const satisfies MessageDef;

export type ConsumerProtocolSubscription = MessageValue<typeof ConsumerProtocolSubscriptionSchema>;
export type ConsumerProtocolAssignment = MessageValue<typeof ConsumerProtocolAssignmentSchema>;

const MAX_KNOWN_VERSION = 3;

function encodeVersioned<T>(def: MessageDef, version: number, value: Encodable<T> | T): Buffer {
  const w = new Writer(64);
  w.int16(version);
  compile<T>(def, version).encode(w, value);
  return w.finish();
}

function decodeVersioned<T>(def: MessageDef, bytes: Buffer): { version: number; value: T } {
  if (bytes.length < 2) {
    throw new MalformedMessageError(`${def.name}: ${bytes.length} bytes is too short to hold the int16 version`);
  }
  const r = new Reader(bytes);
  const version = r.int16();
  if (version < 0) throw new MalformedMessageError(`${def.name}: negative version ${version}`);
  const value = compile<T>(def, Math.min(version, MAX_KNOWN_VERSION)).decode(r);
  return { version, value };
}

export function encodeSubscription(value: Encodable<ConsumerProtocolSubscription>, version = 0): Buffer {
  return encodeVersioned<ConsumerProtocolSubscription>(ConsumerProtocolSubscriptionSchema, version, value);
}

export function decodeSubscription(bytes: Buffer): { version: number; value: ConsumerProtocolSubscription } {
  return decodeVersioned<ConsumerProtocolSubscription>(ConsumerProtocolSubscriptionSchema, bytes);
}

export function encodeAssignment(value: Encodable<ConsumerProtocolAssignment>, version = 0): Buffer {
  return encodeVersioned<ConsumerProtocolAssignment>(ConsumerProtocolAssignmentSchema, version, value);
}

export function decodeAssignment(bytes: Buffer): { version: number; value: ConsumerProtocolAssignment } {
  return decodeVersioned<ConsumerProtocolAssignment>(ConsumerProtocolAssignmentSchema, bytes);
}

/** Version 0, no partitions, null user data: what to send a member the leader gave nothing. */
export const EMPTY_CONSUMER_ASSIGNMENT: Buffer = encodeAssignment({ assignedPartitions: [], userData: null });
