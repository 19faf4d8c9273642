/*
 * Writer: builds one Kafka protocol frame into a single growing buffer.
 *
 * Why one buffer: a response is thousands of small fields; allocating per field would dominate
 * the cost. The buffer doubles when full; positions are absolute from the first byte written.
 *
 * Zero-copy record bytes: `records()` accepts a Buffer or a list of Buffers (stored batches read
 * from a segment). Large pieces are not copied: the writer closes the current region of its own
 * buffer as a chunk, appends the caller's buffer as the next chunk, and continues after it. The
 * finished frame is then a list of chunks (`chunks()`, for socket.writev or cork/write), or one
 * Buffer (`finish()`, a single Buffer.concat). Invariant: chunks are in wire order and never
 * overlap; a region of the writer's own buffer is never written again once it became a chunk
 * (except through `patchInt32`, which only rewrites reserved bytes such as the size prefix).
 *
 * Lengths: classic string int16, classic bytes/array int32, compact forms uvarint N+1 (0 = null).
 */
import { InvalidFieldError } from './protocol-errors.ts';
import { writeUnsignedVarintAt, writeVarintAt, writeVarlongAt, writeVarlongNumberAt } from '../util/varint.ts';

/** Record pieces at least this large are passed through as their own chunk instead of copied. */
const ZERO_COPY_THRESHOLD = 1024;

const UUID_RE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

function checkBytes(b: unknown): void {
  if (!(b instanceof Uint8Array)) {
    throw new InvalidFieldError(`expected a Buffer for a bytes field, got ${Array.isArray(b) ? 'an array' : typeof b}`);
  }
}

export class Writer {
  private buf: Buffer;
  private pos = 0;
  /** Start (in `buf`) of the region not yet closed into a chunk. */
  private regionStart = 0;
  /** Absolute offset of `buf[regionStart]`. */
  private regionAbs = 0;
  /** Finished chunks and the absolute offset each starts at. */
  private readonly done: Buffer[] = [];
  private readonly doneAbs: number[] = [];

  constructor(initialSize = 256) {
    this.buf = Buffer.allocUnsafe(Math.max(16, initialSize));
  }

  /** Bytes written so far (including zero-copy chunks). */
  get length(): number {
    return this.regionAbs + (this.pos - this.regionStart);
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const live = this.pos - this.regionStart;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, live + n + 64));
    this.buf.copy(next, 0, this.regionStart, this.pos);
    // The old buffer's closed chunks stay valid: they are subarrays of the old allocation.
    this.buf = next;
    this.regionStart = 0;
    this.pos = live;
  }

  int8(v: number): this {
    this.ensure(1);
    this.buf.writeInt8(v, this.pos);
    this.pos += 1;
    return this;
  }

  bool(v: boolean): this {
    this.ensure(1);
    this.buf[this.pos++] = v ? 1 : 0;
    return this;
  }

  int16(v: number): this {
    this.ensure(2);
    this.buf.writeInt16BE(v, this.pos);
    this.pos += 2;
    return this;
  }

  uint16(v: number): this {
    this.ensure(2);
    this.buf.writeUInt16BE(v, this.pos);
    this.pos += 2;
    return this;
  }

  int32(v: number): this {
    this.ensure(4);
    this.buf.writeInt32BE(v, this.pos);
    this.pos += 4;
    return this;
  }

  uint32(v: number): this {
    this.ensure(4);
    this.buf.writeUInt32BE(v, this.pos);
    this.pos += 4;
    return this;
  }

  int64(v: bigint): this {
    this.ensure(8);
    this.buf.writeBigInt64BE(v, this.pos);
    this.pos += 8;
    return this;
  }

  float64(v: number): this {
    this.ensure(8);
    this.buf.writeDoubleBE(v, this.pos);
    this.pos += 8;
    return this;
  }

  uuid(v: string): this {
    if (!UUID_RE.test(v)) throw new InvalidFieldError(`"${v}" is not a uuid (expected xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx hex)`);
    this.ensure(16);
    this.buf.write(v.replace(/-/g, ''), this.pos, 16, 'hex');
    this.pos += 16;
    return this;
  }

  uvarint(v: number): this {
    this.ensure(5);
    this.pos = writeUnsignedVarintAt(this.buf, this.pos, v);
    return this;
  }

  varint(v: number): this {
    this.ensure(5);
    this.pos = writeVarintAt(this.buf, this.pos, v);
    return this;
  }

  varlong(v: bigint): this {
    this.ensure(10);
    this.pos = writeVarlongAt(this.buf, this.pos, v);
    return this;
  }

  /** Zigzag varlong from a safe-integer number (no bigint on the hot path). */
  varlongNumber(v: number): this {
    this.ensure(10);
    this.pos = writeVarlongNumberAt(this.buf, this.pos, v);
    return this;
  }

  /** Raw bytes, copied. */
  raw(b: Uint8Array): this {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
    return this;
  }

  /** UTF-8 bytes of `s` without a length prefix; `byteLen` must be Buffer.byteLength(s). */
  utf8(s: string, byteLen: number): this {
    this.utf8Body(s, byteLen);
    return this;
  }

  private utf8Body(s: string, byteLen: number): void {
    this.ensure(byteLen);
    this.pos += this.buf.write(s, this.pos, byteLen, 'utf8');
  }

  string(s: string): this {
    const len = Buffer.byteLength(s, 'utf8');
    if (len > 0x7fff) throw new InvalidFieldError(`string of ${len} bytes exceeds the int16 length limit of 32767`);
    this.int16(len);
    this.utf8Body(s, len);
    return this;
  }

  nullableString(s: string | null): this {
    if (s === null) return this.int16(-1);
    return this.string(s);
  }

  compactString(s: string): this {
    const len = Buffer.byteLength(s, 'utf8');
    this.uvarint(len + 1);
    this.utf8Body(s, len);
    return this;
  }

  compactNullableString(s: string | null): this {
    if (s === null) return this.uvarint(0);
    return this.compactString(s);
  }

  bytes(b: Uint8Array): this {
    checkBytes(b);
    this.int32(b.length);
    return this.raw(b);
  }

  nullableBytes(b: Uint8Array | null): this {
    if (b === null) return this.int32(-1);
    return this.bytes(b);
  }

  compactBytes(b: Uint8Array): this {
    checkBytes(b);
    this.uvarint(b.length + 1);
    return this.raw(b);
  }

  compactNullableBytes(b: Uint8Array | null): this {
    if (b === null) return this.uvarint(0);
    return this.compactBytes(b);
  }

  /** int32 count (-1 for null). */
  arrayLength(n: number): this {
    return this.int32(n);
  }

  /** uvarint count+1 (0 for null). */
  compactArrayLength(n: number): this {
    return this.uvarint(n + 1);
  }

  /**
   * A `records` field: length prefix (int32, or uvarint N+1 when compact) then the bytes of every
   * piece in order. Pieces of ZERO_COPY_THRESHOLD bytes or more are emitted as their own chunks.
   */
  records(value: Uint8Array | readonly Uint8Array[] | null, compact: boolean): this {
    if (value === null) return compact ? this.uvarint(0) : this.int32(-1);
    const pieces: readonly Uint8Array[] = value instanceof Uint8Array ? [value] : value;
    let total = 0;
    for (const p of pieces) total += p.length;
    if (compact) this.uvarint(total + 1);
    else this.int32(total);
    for (const p of pieces) {
      if (p.length >= ZERO_COPY_THRESHOLD) this.appendChunk(p);
      else this.raw(p);
    }
    return this;
  }

  /** Appends `b` as its own chunk, without copying it. */
  appendChunk(b: Uint8Array): this {
    this.closeRegion();
    this.done.push(Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.length));
    this.doneAbs.push(this.regionAbs);
    this.regionAbs += b.length;
    return this;
  }

  private closeRegion(): void {
    if (this.pos > this.regionStart) {
      this.done.push(this.buf.subarray(this.regionStart, this.pos));
      this.doneAbs.push(this.regionAbs);
      this.regionAbs += this.pos - this.regionStart;
      this.regionStart = this.pos;
    }
  }

  /** Rewrites 4 bytes written earlier (e.g. a size prefix reserved with int32(0)). */
  patchInt32(absPos: number, v: number): this {
    if (absPos >= this.regionAbs) {
      this.buf.writeInt32BE(v, this.regionStart + (absPos - this.regionAbs));
      return this;
    }
    for (let i = this.done.length - 1; i >= 0; i--) {
      const start = this.doneAbs[i]!;
      if (absPos >= start) {
        const chunk = this.done[i]!;
        if (absPos + 4 > start + chunk.length) {
          throw new RangeError(`patchInt32 at ${absPos} straddles a chunk boundary`);
        }
        chunk.writeInt32BE(v, absPos - start);
        return this;
      }
    }
    throw new RangeError(`patchInt32 position ${absPos} is outside the written frame`);
  }

  /** The frame as chunks in wire order (zero-copy pieces included). The writer is spent. */
  chunks(): Buffer[] {
    this.closeRegion();
    return this.done.slice();
  }

  /** The frame as one Buffer (one copy when zero-copy chunks were used). */
  finish(): Buffer {
    if (this.done.length === 0) return this.buf.subarray(this.regionStart, this.pos);
    const parts = this.chunks();
    if (parts.length === 1) return parts[0]!;
    return Buffer.concat(parts, this.length);
  }
}
