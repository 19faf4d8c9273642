/*
 * The messages of a KTable–KTable foreign-key join and their bytes, as Kafka Streams writes them
 * (SubscriptionWrapperSerde, SubscriptionResponseWrapperSerde and CombinedKeySchema in
 * apache/kafka's kstream/internals/foreignkeyjoin), so a Java application's internal topics
 * and subscription store restore and process here, and the reverse. All integers big-endian.
 *
 * SubscriptionWrapper (value of "<…>-SUBSCRIPTION-REGISTRATION-<n>-topic", key = foreign key,
 * and, behind an 8-byte timestamp, of the subscription store and its changelog):
 *   byte 0     bit 7 = the hash is null; bits 0–6 = version (1 written; 0 read)
 *   byte 1     instruction (0 DELETE_KEY_NO_PROPAGATE, 1 DELETE_KEY_AND_PROPAGATE,
 *              2 PROPAGATE_NULL_IF_NO_FK_VAL_AVAILABLE, 3 PROPAGATE_ONLY_IF_FK_VAL_AVAILABLE)
 *   16 bytes   hash of the left row's serialized value (absent when bit 7 is set)
 *   n bytes    primary key (left table's key serde): everything up to the last 4 bytes
 *   int32      (version 1 only) partition of the left row, -1 unknown; version 0 (Kafka before
 *              3.4) has none, and the response then goes where the default partitioner puts it
 *
 * SubscriptionResponseWrapper (value of "<…>-SUBSCRIPTION-RESPONSE-<n>-topic", key = primary key):
 *   byte 0     bit 7 = the hash is null; bits 0–6 = version (0, the only one Kafka has)
 *   16 bytes   the hash the subscription carried (absent when bit 7 is set)
 *   n bytes    foreign value (right table's value serde); none = null. As in Kafka, a foreign
 *              value that serializes to zero bytes is therefore read back as null.
 * The left row's partition is not on the wire: the response sink's partitioner reads it from the
 * wrapper before it is serialized (Kafka's routing since 3.4, KAFKA-13769).
 *
 * Subscription store key (CombinedKeySchema): int32 length N | N foreign-key bytes | primary-key
 * bytes — so all subscriptions of one foreign key share the prefix "N | fk bytes".
 *
 * The value hash is Kafka's: Murmur3 x64 128 with seed 104729 of the serialized left value
 * (murmur3.ts), its two 64-bit halves big-endian. It detects that a response was computed for a
 * left value that has since changed.
 *
 * Records in the layouts Tributary wrote before (fk-join-legacy.ts) are read where they can be
 * told apart: every old response (its first byte 0x01 is no Kafka response version), and old
 * subscriptions whose bytes cannot be a Kafka subscription. An old subscription that is also a
 * well-formed Kafka one cannot be told apart; docs/internal-formats.md gives the one-time reset
 * an upgraded application with a foreign-key join needs.
 */
import type { Serde } from '../../serde/serde.ts';
import { decodeLegacyResponse, decodeLegacySubscription, isLegacyResponse } from './fk-join-legacy.ts';
import { murmur3Hash128Bytes } from './murmur3.ts';

export const Instruction = {
  DELETE_KEY_NO_PROPAGATE: 0,
  DELETE_KEY_AND_PROPAGATE: 1,
  PROPAGATE_NULL_IF_NO_FK_VAL_AVAILABLE: 2,
  PROPAGATE_ONLY_IF_FK_VAL_AVAILABLE: 3,
} as const;
export type Instruction = (typeof Instruction)[keyof typeof Instruction];

const SUBSCRIPTION_VERSION = 1;
const RESPONSE_VERSION = 0;
const HASH_NULL = 0x80;
const HASH_BYTES = 16;

export interface SubscriptionWrapper<K> {
  readonly hash: Buffer | null;
  readonly instruction: Instruction;
  readonly primaryKey: K;
  /** The left row's partition; -1 when unknown (a version-0 subscription). */
  readonly primaryPartition: number;
}

export interface SubscriptionResponseWrapper<VO> {
  readonly hash: Buffer | null;
  readonly foreignValue: VO | null;
  /** Where the response goes (the sink's partitioner); not serialized, -1 once read back. */
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

/** A subscription's fields with the primary key still as bytes. */
export interface RawSubscription {
  hash: Buffer | null;
  instruction: Instruction;
  primaryKey: Buffer;
  primaryPartition: number;
}

function isInstruction(n: number): n is Instruction {
  return n >= 0 && n <= 3;
}

/** Kafka's layout (see above), or undefined when the bytes cannot be a Kafka subscription. */
function readSubscription(data: Buffer): RawSubscription | undefined {
  if (data.length < 2) return undefined;
  const version = data[0]! & 0x7f;
  const instruction = data[1]!;
  const hashBytes = data[0]! & HASH_NULL ? 0 : HASH_BYTES;
  const tail = version === 1 ? 4 : 0;
  if (version > SUBSCRIPTION_VERSION || !isInstruction(instruction) || data.length < 2 + hashBytes + tail) return undefined;
  const hash = hashBytes === 0 ? null : Buffer.from(data.subarray(2, 2 + hashBytes));
  const primaryKey = data.subarray(2 + hashBytes, data.length - tail);
  const primaryPartition = tail === 0 ? -1 : data.readInt32BE(data.length - 4);
  // Kafka writes a real partition (Tributary -1 when unknown); anything below is no Kafka record.
  return primaryPartition < -1 ? undefined : { hash, instruction, primaryKey, primaryPartition };
}

export function subscriptionWrapperSerde<K>(primaryKeySerde: Serde<K>): Serde<SubscriptionWrapper<K>> {
  return {
    name: `SubscriptionWrapper<${primaryKeySerde.name}>`,
    serialize(topic, w) {
      const pk = primaryKeySerde.serialize(topic, w.primaryKey);
      const hashBytes = w.hash === null ? 0 : HASH_BYTES;
      const out = Buffer.allocUnsafe(2 + hashBytes + pk.length + 4);
      out[0] = w.hash === null ? SUBSCRIPTION_VERSION | HASH_NULL : SUBSCRIPTION_VERSION;
      out[1] = w.instruction;
      if (w.hash !== null) w.hash.copy(out, 2);
      pk.copy(out, 2 + hashBytes);
      out.writeInt32BE(w.primaryPartition, out.length - 4);
      return out;
    },
    deserialize(topic, data) {
      const raw = readSubscription(data) ?? decodeLegacySubscription(data);
      if (raw === undefined) {
        throw new Error(`Subscription record on "${topic}" is not a foreign-key subscription (${data.length} bytes, first bytes ${data.subarray(0, 2).toString('hex')}); was the topic written by another application?`);
      }
      return { hash: raw.hash, instruction: raw.instruction, primaryPartition: raw.primaryPartition, primaryKey: primaryKeySerde.deserialize(topic, raw.primaryKey) };
    },
  };
}

export function responseWrapperSerde<VO>(foreignValueSerde: Serde<VO>): Serde<SubscriptionResponseWrapper<VO>> {
  return {
    name: `SubscriptionResponseWrapper<${foreignValueSerde.name}>`,
    serialize(topic, w) {
      const v = w.foreignValue === null ? null : foreignValueSerde.serialize(topic, w.foreignValue);
      const hashBytes = w.hash === null ? 0 : HASH_BYTES;
      const out = Buffer.allocUnsafe(1 + hashBytes + (v?.length ?? 0));
      out[0] = w.hash === null ? RESPONSE_VERSION | HASH_NULL : RESPONSE_VERSION;
      if (w.hash !== null) w.hash.copy(out, 1);
      v?.copy(out, 1 + hashBytes);
      return out;
    },
    deserialize(topic, data) {
      if (isLegacyResponse(data)) {
        const old = decodeLegacyResponse(topic, data);
        return { hash: old.hash, primaryPartition: -1, foreignValue: old.foreignValue === null ? null : foreignValueSerde.deserialize(topic, old.foreignValue) };
      }
      const version = data.length === 0 ? -1 : data[0]! & 0x7f;
      const hashBytes = data.length > 0 && data[0]! & HASH_NULL ? 0 : HASH_BYTES;
      if (version !== RESPONSE_VERSION || data.length < 1 + hashBytes) {
        throw new Error(`Subscription response on "${topic}" is not a foreign-key response (${data.length} bytes${data.length > 0 ? `, version ${version}` : ''}); was the topic written by another application?`);
      }
      const hash = hashBytes === 0 ? null : Buffer.from(data.subarray(1, 1 + hashBytes));
      const v = data.subarray(1 + hashBytes);
      return { hash, primaryPartition: -1, foreignValue: v.length === 0 ? null : foreignValueSerde.deserialize(topic, v) };
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
