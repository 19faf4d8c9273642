/*
 * PositionSerde and the consistency headers of changelog records — Kafka Streams'
 * org.apache.kafka.streams.state.internals.PositionSerde and ChangelogRecordDeserializationHelper
 * (KIP-796), so changelogs written by Tributary and by Java applications read the same.
 *
 * Byte layout of a serialized Position, version 0 (all integers big-endian):
 *
 *   version        int8   0
 *   topic count    int32
 *   per topic:     name length int32, name UTF-8 bytes,
 *                  pair count int32, per pair: partition int32, offset int64
 *
 * Kafka's serializer sizes its buffer in bits rather than bytes and hands out the whole backing
 * array, so a header written by a Java application carries trailing zero bytes: the decoder reads
 * what the layout says and ignores anything after it. The encoder writes the exact layout.
 *
 * Headers of a changelog record when IQ consistency is enabled (Kafka's internal config
 * `__iq.consistency.offset.vector.enabled__`, here `iqConsistencyOffsetVectorEnabled`):
 *   "v"  one byte, the changelog record format version: 0
 *   "c"  the writing store's Position, serialized as above
 * Reading (restore and standby): a record without "v" carries no position; "v" = 0 requires "c"
 * (a missing one means the changelog is corrupt, as Kafka says); another "v" is a newer format,
 * which is skipped with a warning.
 */
import { Position } from './position.ts';

export const CHANGELOG_VERSION_HEADER_KEY = 'v';
export const CHANGELOG_POSITION_HEADER_KEY = 'c';
export const CHANGELOG_VERSION_HEADER_VALUE_V0: Buffer = Buffer.from([0]);

export class PositionSerdeError extends Error {
  override readonly name = 'PositionSerdeError';
}

/** The version-0 bytes of `position` (layout in the file comment). */
export function serializePosition(position: Position): Buffer {
  const topics = [...position.getTopics()].map((t) => ({ name: Buffer.from(t, 'utf8'), partitions: [...position.getPartitionPositions(t)] }));
  let size = 1 + 4;
  for (const t of topics) size += 4 + t.name.length + 4 + 12 * t.partitions.length;
  const out = Buffer.allocUnsafe(size);
  let at = out.writeInt8(0, 0);
  at = out.writeInt32BE(topics.length, at);
  for (const t of topics) {
    at = out.writeInt32BE(t.name.length, at);
    at += t.name.copy(out, at);
    at = out.writeInt32BE(t.partitions.length, at);
    for (const [partition, offset] of t.partitions) {
      at = out.writeInt32BE(partition, at);
      at = out.writeBigInt64BE(BigInt(offset), at);
    }
  }
  return out;
}

/** Reads a serialized Position; throws PositionSerdeError naming what is wrong. Trailing bytes are ignored. */
export function deserializePosition(bytes: Uint8Array): Position {
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  const need = (n: number, what: string): void => {
    if (at + n > buf.length) throw new PositionSerdeError(`Serialized position is truncated: ${what} needs ${n} bytes at byte ${at}, but only ${buf.length} bytes were given`);
  };
  need(1, 'the version');
  const version = buf.readInt8(at);
  at += 1;
  if (version !== 0) throw new PositionSerdeError(`Unknown version ${version} when deserializing Position (this reader knows version 0)`);
  need(4, 'the topic count');
  const nTopics = buf.readInt32BE(at);
  at += 4;
  if (nTopics < 0) throw new PositionSerdeError(`Serialized position has a negative topic count (${nTopics})`);
  const p = Position.emptyPosition();
  for (let i = 0; i < nTopics; i++) {
    need(4, 'a topic name length');
    const len = buf.readInt32BE(at);
    at += 4;
    if (len <= 0) throw new PositionSerdeError(`Serialized position has a topic name of length ${len}`);
    need(len, 'a topic name');
    const topic = buf.toString('utf8', at, at + len);
    at += len;
    need(4, 'a partition count');
    const pairs = buf.readInt32BE(at);
    at += 4;
    if (pairs < 0) throw new PositionSerdeError(`Serialized position has a negative partition count (${pairs}) for topic ${topic}`);
    need(12 * pairs, `the partition offsets of topic ${topic}`);
    for (let j = 0; j < pairs; j++) {
      const partition = buf.readInt32BE(at);
      const offset = buf.readBigInt64BE(at + 4);
      at += 12;
      if (partition < 0 || offset > BigInt(Number.MAX_SAFE_INTEGER) || offset < BigInt(Number.MIN_SAFE_INTEGER)) {
        throw new PositionSerdeError(`Serialized position has partition ${partition} of topic ${topic} at offset ${offset}, which is not a valid position`);
      }
      p.withComponent(topic, partition, Number(offset));
    }
  }
  return p;
}

/** The consistency headers of a changelog record written at `position`. */
export function consistencyHeaders(position: Position): Record<string, Buffer> {
  return { [CHANGELOG_VERSION_HEADER_KEY]: CHANGELOG_VERSION_HEADER_VALUE_V0, [CHANGELOG_POSITION_HEADER_KEY]: serializePosition(position) };
}

/**
 * Kafka's ChangelogRecordDeserializationHelper.applyChecksAndUpdatePosition for one record: the
 * Position its headers carry, undefined when they carry none (or a newer format: `warn` hears it).
 */
export function positionFromHeaders(headers: Readonly<Record<string, Uint8Array>> | undefined, warn: (message: string) => void): Position | undefined {
  const version = headers?.[CHANGELOG_VERSION_HEADER_KEY];
  if (version === undefined) return undefined;
  if (version.length !== 1 || version[0] !== 0) {
    warn(`Changelog records have been encoded using a larger version (${version[0] ?? 'empty'}) than this application understands; their positions are ignored. Please upgrade.`);
    return undefined;
  }
  const vector = headers![CHANGELOG_POSITION_HEADER_KEY];
  if (vector === undefined) throw new PositionSerdeError('This should not happen. Consistency is enabled but the changelog contains records without consistency information (header "v" without "c").');
  return deserializePosition(vector);
}
