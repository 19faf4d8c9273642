/*
 * The messages of a KTable–KTable foreign-key join and their bytes — Kafka Streams'
 * SubscriptionWrapper, SubscriptionResponseWrapper and CombinedKeySchema (the layouts are
 * Tributary's own: these topics and stores are private to one application).
 *
 * SubscriptionWrapper (value of "<…>-SUBSCRIPTION-REGISTRATION-<n>-topic", key = foreign key):
 *   byte 0     version (1)
 *   byte 1     instruction (0 DELETE_KEY_NO_PROPAGATE, 1 DELETE_KEY_AND_PROPAGATE,
 *              2 PROPAGATE_NULL_IF_NO_FK_VAL_AVAILABLE, 3 PROPAGATE_ONLY_IF_FK_VAL_AVAILABLE)
 *   byte 2     1 if a value hash follows, else 0
 *   16 bytes   hash of the left row's serialized value (when present)
 *   int32 BE   partition of the left row (-1 unknown)
 *   rest       primary key bytes (left table's key serde)
 *
 * SubscriptionResponseWrapper (value of "<…>-SUBSCRIPTION-RESPONSE-<n>-topic", key = primary key):
 *   byte 0     version (1)
 *   byte 1     flags: bit0 hash present, bit1 foreign value present
 *   16 bytes   hash (when present)
 *   int32 BE   partition of the left row (-1 unknown)
 *   rest       foreign value bytes (right table's value serde), when present
 *
 * Subscription store key (CombinedKey): int32 BE length N | N foreign-key bytes | primary-key
 * bytes — so all subscriptions of one foreign key share the prefix "N | fk bytes".
 *
 * The value hash is Kafka's: Murmur3 x64 128 with seed 104729 of the serialized left value
 * (murmur3.ts), its two 64-bit halves big-endian. It detects that a response was computed for a
 * left value that has since changed.
 */
import type { Serde } from '../../serde/serde.ts';
import { murmur3Hash128Bytes } from './murmur3.ts';

export const Instruction = {
  DELETE_KEY_NO_PROPAGATE: 0,
  DELETE_KEY_AND_PROPAGATE: 1,
  PROPAGATE_NULL_IF_NO_FK_VAL_AVAILABLE: 2,
  PROPAGATE_ONLY_IF_FK_VAL_AVAILABLE: 3,
} as const;
export type Instruction = (typeof Instruction)[keyof typeof Instruction];

const VERSION = 1;
const HASH_BYTES = 16;

export interface SubscriptionWrapper<K> {
  readonly hash: Buffer | null;
  readonly instruction: Instruction;
  readonly primaryKey: K;
  readonly primaryPartition: number;
}

export interface SubscriptionResponseWrapper<VO> {
  readonly hash: Buffer | null;
  readonly foreignValue: VO | null;
  readonly primaryPartition: number;
}

export interface CombinedKey<KO, K> {
  readonly foreignKey: KO | null;
  readonly primaryKey: K;
}

/** Kafka's 128-bit Murmur3 hash of a value's bytes, or null for "no value". */
export function valueHash(bytes: Buffer | null): Buffer | null {
  return bytes === null ? null : murmur3Hash128Bytes(bytes);
}

export function hashesEqual(a: Buffer | null, b: Buffer | null): boolean {
  return a === null || b === null ? a === b : a.equals(b);
}

function checkVersion(what: string, topic: string, data: Buffer, min: number): void {
  if (data.length < min) throw new Error(`${what} on "${topic}" is ${data.length} bytes; it needs at least ${min}.`);
  if (data.readUInt8(0) !== VERSION) throw new Error(`${what} on "${topic}" has version ${data.readUInt8(0)}; this Tributary reads version ${VERSION}. Was the topic written by another application?`);
}

export function subscriptionWrapperSerde<K>(primaryKeySerde: Serde<K>): Serde<SubscriptionWrapper<K>> {
  return {
    name: `SubscriptionWrapper<${primaryKeySerde.name}>`,
    serialize(topic, w) {
      const pk = primaryKeySerde.serialize(topic, w.primaryKey);
      const head = Buffer.alloc(3 + (w.hash === null ? 0 : HASH_BYTES) + 4);
      head.writeUInt8(VERSION, 0);
      head.writeUInt8(w.instruction, 1);
      head.writeUInt8(w.hash === null ? 0 : 1, 2);
      let pos = 3;
      if (w.hash !== null) pos += w.hash.copy(head, pos);
      head.writeInt32BE(w.primaryPartition, pos);
      return Buffer.concat([head, pk]);
    },
    deserialize(topic, data) {
      checkVersion('Subscription record', topic, data, 7);
      const instruction = data.readUInt8(1);
      if (instruction > 3) throw new Error(`Subscription record on "${topic}" has unknown instruction ${instruction}.`);
      const hasHash = data.readUInt8(2) === 1;
      let pos = 3;
      const hash = hasHash ? Buffer.from(data.subarray(pos, (pos += HASH_BYTES))) : null;
      const primaryPartition = data.readInt32BE(pos);
      return { hash, instruction: instruction as Instruction, primaryPartition, primaryKey: primaryKeySerde.deserialize(topic, data.subarray(pos + 4)) };
    },
  };
}

export function responseWrapperSerde<VO>(foreignValueSerde: Serde<VO>): Serde<SubscriptionResponseWrapper<VO>> {
  return {
    name: `SubscriptionResponseWrapper<${foreignValueSerde.name}>`,
    serialize(topic, w) {
      const v = w.foreignValue === null ? null : foreignValueSerde.serialize(topic, w.foreignValue);
      const head = Buffer.alloc(2 + (w.hash === null ? 0 : HASH_BYTES) + 4);
      head.writeUInt8(VERSION, 0);
      head.writeUInt8((w.hash === null ? 0 : 1) | (v === null ? 0 : 2), 1);
      let pos = 2;
      if (w.hash !== null) pos += w.hash.copy(head, pos);
      head.writeInt32BE(w.primaryPartition, pos);
      return v === null ? head : Buffer.concat([head, v]);
    },
    deserialize(topic, data) {
      checkVersion('Subscription response', topic, data, 6);
      const flags = data.readUInt8(1);
      let pos = 2;
      const hash = flags & 1 ? Buffer.from(data.subarray(pos, (pos += HASH_BYTES))) : null;
      const primaryPartition = data.readInt32BE(pos);
      const foreignValue = flags & 2 ? foreignValueSerde.deserialize(topic, data.subarray(pos + 4)) : null;
      return { hash, foreignValue, primaryPartition };
    },
  };
}

/** The store key prefix shared by every subscription to `foreignKeyBytes`. */
export function combinedKeyPrefix(foreignKeyBytes: Buffer): Buffer {
  const head = Buffer.allocUnsafe(4);
  head.writeInt32BE(foreignKeyBytes.length, 0);
  return Buffer.concat([head, foreignKeyBytes]);
}

export function combinedKeyBytes(foreignKeyBytes: Buffer, primaryKeyBytes: Buffer): Buffer {
  return Buffer.concat([combinedKeyPrefix(foreignKeyBytes), primaryKeyBytes]);
}

/** The primary key bytes of a subscription store key. */
export function primaryKeyBytesOf(combined: Buffer): Buffer {
  const n = combined.readInt32BE(0);
  return combined.subarray(4 + n);
}
