/*
 * What a task commits with each input offset, in the OffsetCommit request's metadata string —
 * Kafka Streams' TopicPartitionMetadata and ProcessorMetadata (apache/kafka,
 * streams/src/main/java/org/apache/kafka/streams/processor/internals/), byte for byte, so a
 * Java application and a Tributary one read each other's commits.
 *
 * ProcessorMetadata: named int64 values processors keep across restarts (today: the last close
 * time emit-on-window-close emitted, keyed by the aggregate's store name). Merging takes the max
 * per key (Kafka's update(): a task's partitions may carry different values).
 *
 * Layout of the metadata string: base64 of
 *   magic      int8   2 (version 1 had the partition time only)
 *   partition  int64  partition time (of the committed partition: partition-times.ts)
 *   [processor metadata, only when it has entries]
 *     count    int32
 *     count ×  keyLen int32, key UTF-8 bytes, value int64
 * All integers big-endian. decode() never throws: an empty, foreign or corrupt string gives
 * "unknown" partition time (-1) and no processor metadata, as Kafka's decode does (it logs; the
 * caller here decides whether to warn).
 */

const MAGIC = 2;
const UNKNOWN = -1;

export class ProcessorMetadata {
  readonly #values = new Map<string, number>();

  get(key: string): number | undefined {
    return this.#values.get(key);
  }

  put(key: string, value: number): void {
    this.#values.set(key, value);
  }

  /** Adds `other`'s keys, keeping the larger value where both have one. */
  update(other: ProcessorMetadata): void {
    for (const [k, v] of other.#values) {
      const mine = this.#values.get(k);
      if (mine === undefined || mine < v) this.#values.set(k, v);
    }
  }

  get size(): number {
    return this.#values.size;
  }

  serialize(): Buffer {
    if (this.#values.size === 0) return Buffer.alloc(0);
    const parts: Buffer[] = [int32(this.#values.size)];
    for (const [k, v] of this.#values) {
      const key = Buffer.from(k, 'utf8');
      parts.push(int32(key.length), key, int64(v));
    }
    return Buffer.concat(parts);
  }

  static deserialize(bytes: Buffer): ProcessorMetadata {
    const m = new ProcessorMetadata();
    if (bytes.length === 0) return m;
    let at = 0;
    const need = (n: number): void => {
      if (at + n > bytes.length) throw new RangeError(`processor metadata truncated at byte ${at} (needs ${n} more of ${bytes.length})`);
    };
    need(4);
    const count = bytes.readInt32BE(at);
    at += 4;
    for (let i = 0; i < count; i++) {
      need(4);
      const len = bytes.readInt32BE(at);
      at += 4;
      if (len < 0) throw new RangeError(`processor metadata key length ${len} is negative`);
      need(len + 8);
      const key = bytes.toString('utf8', at, at + len);
      at += len;
      m.put(key, Number(bytes.readBigInt64BE(at)));
      at += 8;
    }
    return m;
  }
}

export interface CommitMetadata {
  /** -1 when unknown. */
  partitionTime: number;
  processorMetadata: ProcessorMetadata;
}

export function encodeCommitMetadata(partitionTime: number, processorMetadata: ProcessorMetadata): string {
  return Buffer.concat([Buffer.of(MAGIC), int64(partitionTime), processorMetadata.serialize()]).toString('base64');
}

/** See the file comment; `onUnreadable` hears why a non-empty string could not be read. */
export function decodeCommitMetadata(text: string | null | undefined, onUnreadable?: (why: string) => void): CommitMetadata {
  const empty = (): CommitMetadata => ({ partitionTime: UNKNOWN, processorMetadata: new ProcessorMetadata() });
  if (text === null || text === undefined || text.length === 0) return empty();
  try {
    const bytes = Buffer.from(text, 'base64');
    if (bytes.length < 9) throw new RangeError(`${bytes.length} bytes, fewer than the 9 of a version and a partition time`);
    const version = bytes.readInt8(0);
    const partitionTime = Number(bytes.readBigInt64BE(1));
    if (version === 1) return { partitionTime, processorMetadata: new ProcessorMetadata() };
    if (version !== MAGIC) throw new RangeError(`version ${version}; versions 1 and ${MAGIC} are known`);
    return { partitionTime, processorMetadata: ProcessorMetadata.deserialize(bytes.subarray(9)) };
  } catch (e) {
    onUnreadable?.(`unreadable offset commit metadata (${e instanceof Error ? e.message : String(e)}); starting without it`);
    return empty();
  }
}

function int32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
}

function int64(n: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigInt64BE(BigInt(n));
  return b;
}
