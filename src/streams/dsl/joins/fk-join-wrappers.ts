/*
 * The messages of a KTable–KTable foreign-key join and their bytes, as Kafka Streams writes them
 * (SubscriptionWrapperSerde, SubscriptionResponseWrapperSerde and CombinedKeySchema in
 * apache/kafka's kstream/internals/foreignkeyjoin), so a Java application's internal topics
 * and subscription store restore and process here, and the reverse. All integers big-endian.
 *
 * SubscriptionWrapper (value of "<…>-SUBSCRIPTION-REGISTRATION-<n>-topic", key = foreign key,
 * and, behind an 8-byte timestamp, of the subscription store and its changelog):
 *   byte 0     bit 7 = the hash is null; bits 0–6 = version (1 written, 0 while `upgradeFrom`
 *              names a release that reads only 0 — serde/upgrade-from.ts; both always read)
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
 * The primary key inside a subscription is (de)serialized with Kafka's pseudo-topic
 * "<app>-<registration topic>-pk" (KTableImpl.doJoinOnForeignKey), not the topic or store at
 * hand, so a topic-aware serde sees what it sees in a Java application (fk-join-topics.ts).
 *
 * Records in the layouts Tributary 0.1 wrote (fk-join-legacy.ts): every old response is told
 * apart (its first byte 0x01 is no Kafka response version); an old subscription is read as one
 * when its bytes cannot be a Kafka subscription, and — while `upgradeFrom: 'tributary-0.1'` —
 * whenever its bytes parse as the old layout, since an old subscription with a hash is usually
 * also a well-formed Kafka version-1 one (docs/internal-formats.md gives the upgrade steps).
 */
import type { Serde } from '../../serde/serde.ts';
import { decodeLegacyResponse, decodeLegacySubscription, isLegacyResponse } from './fk-join-legacy.ts';
import type { SubscriptionFormat } from './fk-join-topics.ts';
import { murmur3Hash128Bytes } from './murmur3.ts';

export const Instruction = {
  DELETE_KEY_NO_PROPAGATE: 0,
  DELETE_KEY_AND_PROPAGATE: 1,
  PROPAGATE_NULL_IF_NO_FK_VAL_AVAILABLE: 2,
  PROPAGATE_ONLY_IF_FK_VAL_AVAILABLE: 3,
} as const;
export type Instruction = (typeof Instruction)[keyof typeof Instruction];

const LATEST_SUBSCRIPTION_VERSION = 1;
const RESPONSE_VERSION = 0;
const HASH_NULL = 0x80;
const HASH_BYTES = 16;

export interface SubscriptionWrapper<K> {
  readonly hash: Buffer | null;
  readonly instruction: Instruction;
  readonly primaryKey: K;
  /** The left row's partition; -1 when unknown (a version-0 subscription). */
  readonly primaryPartition: number;
  /** Set when read from Tributary 0.1's layout (its hash is then an MD5, fk-join-legacy.ts). */
  readonly fromTributary01?: true;
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
  if (version > LATEST_SUBSCRIPTION_VERSION || !isInstruction(instruction) || data.length < 2 + hashBytes + tail) return undefined;
  const hash = hashBytes === 0 ? null : Buffer.from(data.subarray(2, 2 + hashBytes));
  const primaryKey = data.subarray(2 + hashBytes, data.length - tail);
  const primaryPartition = tail === 0 ? -1 : data.readInt32BE(data.length - 4);
  // Kafka writes a real partition (Tributary -1 when unknown); anything below is no Kafka record.
  return primaryPartition < -1 ? undefined : { hash, instruction, primaryKey, primaryPartition };
}

/** Which layout the bytes are read in: see the file comment. */
function decodeSubscription(data: Buffer, preferTributary01: boolean): { raw: RawSubscription; old: boolean } | undefined {
  if (preferTributary01) {
    const old = decodeLegacySubscription(data);
    if (old !== undefined) return { raw: old, old: true };
  }
  const kafka = readSubscription(data);
  if (kafka !== undefined) return { raw: kafka, old: false };
  const old = preferTributary01 ? undefined : decodeLegacySubscription(data);
  return old === undefined ? undefined : { raw: old, old: true };
}

const LATEST_FORMAT: SubscriptionFormat = { primaryKeyTopic: undefined, writeVersion: LATEST_SUBSCRIPTION_VERSION, readTributary01: false };

/**
 * The subscription serde. `format` says which version to write, whether ambiguous bytes are
 * Tributary 0.1's, and the topic name the primary key serde sees (the topic at hand when unset).
 */
export function subscriptionWrapperSerde<K>(primaryKeySerde: Serde<K>, format: SubscriptionFormat = LATEST_FORMAT): Serde<SubscriptionWrapper<K>> {
  const version = format.writeVersion;
  // Version 1 ends with the left row's partition; version 0 has none.
  const tail = version === 1 ? 4 : 0;
  return {
    name: `SubscriptionWrapper<${primaryKeySerde.name}>`,
    serialize(topic, w) {
      const pk = primaryKeySerde.serialize(format.primaryKeyTopic ?? topic, w.primaryKey);
      const hashBytes = w.hash === null ? 0 : HASH_BYTES;
      const out = Buffer.allocUnsafe(2 + hashBytes + pk.length + tail);
      out[0] = w.hash === null ? version | HASH_NULL : version;
      out[1] = w.instruction;
      if (w.hash !== null) w.hash.copy(out, 2);
      pk.copy(out, 2 + hashBytes);
      if (tail !== 0) out.writeInt32BE(w.primaryPartition, out.length - 4);
      return out;
    },
    deserialize(topic, data) {
      const read = decodeSubscription(data, format.readTributary01);
      if (read === undefined) {
        throw new Error(`Subscription record on "${topic}" is not a foreign-key subscription (${data.length} bytes, first bytes ${data.subarray(0, 2).toString('hex')}); was the topic written by another application?`);
      }
      const { raw } = read;
      const primaryKey = primaryKeySerde.deserialize(format.primaryKeyTopic ?? topic, raw.primaryKey);
      const w = { hash: raw.hash, instruction: raw.instruction, primaryPartition: raw.primaryPartition, primaryKey };
      return read.old ? { ...w, fromTributary01: true } : w;
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
