/*
 * The records the group coordinator writes to the internal compacted topic __consumer_offsets,
 * in Apache Kafka's own key/value formats (GroupCoordinatorRecordSerde, 3.8.0), so the topic's
 * contents read the same way Kafka's do. All integers big-endian; strings are int16 length +
 * UTF-8; a nullable string uses length -1 for null.
 *
 *   OffsetCommitKey   (key version 1):   int16 version=1, string group, string topic, int32 partition
 *   OffsetCommitValue (value version 3): int16 version=3, int64 offset, int32 leaderEpoch,
 *                                        string metadata, int64 commitTimestamp
 *   GroupMetadataKey  (key version 2):   int16 version=2, string group
 *   GroupMetadataValue(value version 3): int16 version=3, string protocolType, int32 generation,
 *                                        nullable string protocol, nullable string leader,
 *                                        int64 currentStateTimestamp, int32 memberCount (always 0:
 *                                        members are not persisted; they re-join after a restart)
 *
 * A null value (tombstone) deletes the key: compaction eventually removes both.
 * Value versions 0–2 of OffsetCommitValue (older Kafka) are also decoded, so a topic copied from
 * Kafka loads; they lack leaderEpoch (v0–2) and carry an expire timestamp (v1).
 */

export interface OffsetKey {
  kind: 'offset';
  group: string;
  topic: string;
  partition: number;
}

export interface GroupKey {
  kind: 'group';
  group: string;
}

export interface OffsetValue {
  offset: bigint;
  leaderEpoch: number;
  metadata: string;
  commitTimestamp: bigint;
}

export interface GroupMetadataValue {
  protocolType: string;
  generationId: number;
  protocolName: string | null;
  leader: string | null;
  stateTimestamp: bigint;
}

class Out {
  private parts: Buffer[] = [];
  int16(v: number): this {
    const b = Buffer.allocUnsafe(2);
    b.writeInt16BE(v);
    this.parts.push(b);
    return this;
  }
  int32(v: number): this {
    const b = Buffer.allocUnsafe(4);
    b.writeInt32BE(v);
    this.parts.push(b);
    return this;
  }
  int64(v: bigint): this {
    const b = Buffer.allocUnsafe(8);
    b.writeBigInt64BE(v);
    this.parts.push(b);
    return this;
  }
  string(v: string | null): this {
    if (v === null) return this.int16(-1);
    const bytes = Buffer.from(v, 'utf8');
    if (bytes.length > 32767) throw new RangeError(`string of ${bytes.length} bytes is too long for an int16-length field (max 32767)`);
    this.int16(bytes.length);
    this.parts.push(bytes);
    return this;
  }
  done(): Buffer {
    return Buffer.concat(this.parts);
  }
}

class In {
  pos = 0;
  constructor(private readonly buf: Buffer, private readonly what: string) {}
  private need(n: number): void {
    if (this.pos + n > this.buf.length) {
      throw new RangeError(`${this.what}: truncated at byte ${this.pos} (needs ${n} more of ${this.buf.length})`);
    }
  }
  int16(): number {
    this.need(2);
    const v = this.buf.readInt16BE(this.pos);
    this.pos += 2;
    return v;
  }
  int32(): number {
    this.need(4);
    const v = this.buf.readInt32BE(this.pos);
    this.pos += 4;
    return v;
  }
  int64(): bigint {
    this.need(8);
    const v = this.buf.readBigInt64BE(this.pos);
    this.pos += 8;
    return v;
  }
  string(): string | null {
    const len = this.int16();
    if (len < 0) return null;
    this.need(len);
    const v = this.buf.toString('utf8', this.pos, this.pos + len);
    this.pos += len;
    return v;
  }
}

export function encodeOffsetKey(group: string, topic: string, partition: number): Buffer {
  return new Out().int16(1).string(group).string(topic).int32(partition).done();
}

export function encodeGroupKey(group: string): Buffer {
  return new Out().int16(2).string(group).done();
}

export function encodeOffsetValue(v: OffsetValue): Buffer {
  return new Out().int16(3).int64(v.offset).int32(v.leaderEpoch).string(v.metadata).int64(v.commitTimestamp).done();
}

export function encodeGroupMetadataValue(v: GroupMetadataValue): Buffer {
  return new Out()
    .int16(3)
    .string(v.protocolType)
    .int32(v.generationId)
    .string(v.protocolName)
    .string(v.leader)
    .int64(v.stateTimestamp)
    .int32(0)
    .done();
}

/** Decodes a key; returns null for key versions this coordinator does not own (e.g. share groups). */
export function decodeKey(buf: Buffer): OffsetKey | GroupKey | null {
  const r = new In(buf, '__consumer_offsets key');
  const version = r.int16();
  if (version === 0 || version === 1) {
    const group = r.string() ?? '';
    const topic = r.string() ?? '';
    return { kind: 'offset', group, topic, partition: r.int32() };
  }
  if (version === 2) return { kind: 'group', group: r.string() ?? '' };
  return null;
}

export function decodeOffsetValue(buf: Buffer): OffsetValue {
  const r = new In(buf, '__consumer_offsets offset value');
  const version = r.int16();
  if (version < 0 || version > 4) throw new RangeError(`__consumer_offsets offset value: unknown version ${version}`);
  const offset = r.int64();
  const leaderEpoch = version >= 3 ? r.int32() : -1;
  const metadata = r.string() ?? '';
  const commitTimestamp = r.int64();
  return { offset, leaderEpoch, metadata, commitTimestamp };
}

export function decodeGroupMetadataValue(buf: Buffer): GroupMetadataValue {
  const r = new In(buf, '__consumer_offsets group metadata value');
  const version = r.int16();
  if (version < 0 || version > 4) throw new RangeError(`__consumer_offsets group metadata value: unknown version ${version}`);
  const protocolType = r.string() ?? '';
  const generationId = r.int32();
  const protocolName = r.string();
  const leader = r.string();
  const stateTimestamp = version >= 2 ? r.int64() : -1n;
  return { protocolType, generationId, protocolName, leader, stateTimestamp };
}
