/*
 * The foreign-key join message layouts Tributary wrote before it adopted Kafka's
 * (fk-join-wrappers.ts), read so that records left in an application's internal topics and
 * subscription store at the upgrade are not lost where they can be recognised. Nothing writes
 * these layouts any more. All integers big-endian.
 *
 * Subscription (old):
 *   byte 0     version 0x01
 *   byte 1     instruction (0–3)
 *   byte 2     1 if a value hash follows, else 0
 *   16 bytes   hash (when present)
 *   int32      partition of the left row (-1 unknown)
 *   rest       primary key bytes
 * Response (old):
 *   byte 0     version 0x01
 *   byte 1     flags: bit 0 hash present, bit 1 foreign value present (other bits 0)
 *   16 bytes   hash (when present)
 *   int32      partition of the left row (-1 unknown)
 *   rest       foreign value bytes (when present)
 *
 * Telling them from Kafka's: a Kafka response starts with 0x00 or 0x80 (version 0), so an old
 * response (0x01) is always recognised. A Kafka subscription may start with 0x01 too (version 1
 * with a hash); an old subscription is recognised when its bytes cannot be a Kafka one, and
 * whenever they parse as the old layout while `upgradeFrom: 'tributary-0.1'` (fk-join-wrappers.ts
 * picks the order; fk-join-upgrade.ts rewrites the store and accepts the MD5 hashes 0.1 wrote).
 */
import type { RawSubscription } from './fk-join-wrappers.ts';

const LEGACY_VERSION = 1;
const HASH_BYTES = 16;

/** The old subscription layout, or undefined when the bytes are not one. */
export function decodeLegacySubscription(data: Buffer): RawSubscription | undefined {
  if (data.length < 7 || data[0] !== LEGACY_VERSION || data[1]! > 3 || data[2]! > 1) return undefined;
  const hashBytes = data[2] === 1 ? HASH_BYTES : 0;
  if (data.length < 3 + hashBytes + 4) return undefined;
  const partition = data.readInt32BE(3 + hashBytes);
  if (partition < -1) return undefined;
  return {
    hash: hashBytes === 0 ? null : Buffer.from(data.subarray(3, 3 + hashBytes)),
    instruction: data[1] as RawSubscription['instruction'],
    primaryKey: data.subarray(3 + hashBytes + 4),
    primaryPartition: partition,
  };
}

export function isLegacyResponse(data: Buffer): boolean {
  return data.length > 0 && data[0] === LEGACY_VERSION;
}

/** The old response layout; throws (naming the topic) when the bytes are not one. */
export function decodeLegacyResponse(topic: string, data: Buffer): { hash: Buffer | null; foreignValue: Buffer | null } {
  const flags = data.length >= 2 ? data[1]! : 0xff;
  const hashBytes = flags & 1 ? HASH_BYTES : 0;
  if (flags > 3 || data.length < 2 + hashBytes + 4) {
    throw new Error(`Subscription response on "${topic}" starts like Tributary's pre-Kafka layout but is not one (${data.length} bytes); was the topic written by another application?`);
  }
  const at = 2 + hashBytes + 4;
  return { hash: hashBytes === 0 ? null : Buffer.from(data.subarray(2, 2 + hashBytes)), foreignValue: flags & 2 ? data.subarray(at) : null };
}
