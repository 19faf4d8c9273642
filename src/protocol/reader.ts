/*
 * Reader: a cursor over one Kafka protocol frame, reading the primitive types of the protocol.
 *
 * Classic (non-flexible) forms          Compact (flexible) forms
 *   string    int16 len (-1 = null)       compact string  uvarint len+1 (0 = null)
 *   bytes     int32 len (-1 = null)       compact bytes   uvarint len+1 (0 = null)
 *   array     int32 count (-1 = null)     compact array   uvarint count+1 (0 = null)
 * Tagged-field section (flexible only): uvarint count, then per field uvarint tag, uvarint size,
 * size bytes.
 *
 * Invariants: every read checks bounds first and throws MalformedMessageError naming the type and
 * position, so a bad frame never escapes as a RangeError. `bytes` and `records` return subarrays
 * of the frame (zero copy): the caller owns the frame and must copy if it keeps a field longer
 * than the frame buffer. int64 is a bigint; uuid is the canonical lowercase 8-4-4-4-12 string.
 */
import { MalformedMessageError } from './protocol-errors.ts';
import { readUnsignedVarint, readVarint, readVarlong, readVarlongNumber, VarintError } from '../util/varint.ts';
import type { VarintRead, VarlongRead } from '../util/varint.ts';

const HEX: string[] = [];
for (let i = 0; i < 256; i++) HEX.push(i.toString(16).padStart(2, '0'));

export class Reader {
  readonly buf: Buffer;
  pos: number;
  readonly end: number;
  private readonly slot: VarintRead = { value: 0, next: 0 };
  private readonly longSlot: VarlongRead = { value: 0n, next: 0 };

  constructor(buf: Buffer, pos = 0, end = buf.length) {
    this.buf = buf;
    this.pos = pos;
    this.end = end;
  }

  remaining(): number {
    return this.end - this.pos;
  }

  private need(n: number, what: string): void {
    if (this.pos + n > this.end) {
      throw new MalformedMessageError(
        `cannot read ${what} (${n} bytes) at byte ${this.pos}: only ${this.end - this.pos} bytes remain`,
      );
    }
  }

  int8(): number {
    this.need(1, 'int8');
    return this.buf.readInt8(this.pos++);
  }

  bool(): boolean {
    this.need(1, 'bool');
    return this.buf[this.pos++] !== 0;
  }

  int16(): number {
    this.need(2, 'int16');
    const v = this.buf.readInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  uint16(): number {
    this.need(2, 'uint16');
    const v = this.buf.readUInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  int32(): number {
    this.need(4, 'int32');
    const v = this.buf.readInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  uint32(): number {
    this.need(4, 'uint32');
    const v = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  int64(): bigint {
    this.need(8, 'int64');
    const v = this.buf.readBigInt64BE(this.pos);
    this.pos += 8;
    return v;
  }

  float64(): number {
    this.need(8, 'float64');
    const v = this.buf.readDoubleBE(this.pos);
    this.pos += 8;
    return v;
  }

  uuid(): string {
    this.need(16, 'uuid');
    const b = this.buf;
    const p = this.pos;
    let s = '';
    for (let i = 0; i < 16; i++) {
      if (i === 4 || i === 6 || i === 8 || i === 10) s += '-';
      s += HEX[b[p + i]!]!;
    }
    this.pos += 16;
    return s;
  }

  uvarint(): number {
    try {
      readUnsignedVarint(this.buf, this.pos, this.slot);
    } catch (e) {
      throw this.varintFailure(e);
    }
    if (this.slot.next > this.end) throw new MalformedMessageError(`unsigned varint runs past the frame end at byte ${this.pos}`);
    this.pos = this.slot.next;
    return this.slot.value;
  }

  varint(): number {
    try {
      readVarint(this.buf, this.pos, this.slot);
    } catch (e) {
      throw this.varintFailure(e);
    }
    if (this.slot.next > this.end) throw new MalformedMessageError(`varint runs past the frame end at byte ${this.pos}`);
    this.pos = this.slot.next;
    return this.slot.value;
  }

  varlong(): bigint {
    try {
      readVarlong(this.buf, this.pos, this.longSlot);
    } catch (e) {
      throw this.varintFailure(e);
    }
    if (this.longSlot.next > this.end) throw new MalformedMessageError(`varlong runs past the frame end at byte ${this.pos}`);
    this.pos = this.longSlot.next;
    return this.longSlot.value;
  }

  /** Zigzag varlong as a number; throws if it is not a safe integer. */
  varlongNumber(): number {
    try {
      readVarlongNumber(this.buf, this.pos, this.slot);
    } catch (e) {
      throw this.varintFailure(e);
    }
    if (this.slot.next > this.end) throw new MalformedMessageError(`varlong runs past the frame end at byte ${this.pos}`);
    this.pos = this.slot.next;
    return this.slot.value;
  }

  private varintFailure(e: unknown): Error {
    if (e instanceof VarintError) return new MalformedMessageError(e.message);
    return e as Error;
  }

  private utf8(len: number, what: string): string {
    this.need(len, what);
    const s = this.buf.toString('utf8', this.pos, this.pos + len);
    this.pos += len;
    return s;
  }

  private slice(len: number, what: string): Buffer {
    this.need(len, what);
    const b = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    return b;
  }

  /** int16-length string; throws on null (-1). */
  string(): string {
    const len = this.int16();
    if (len < 0) throw new MalformedMessageError(`non-nullable string is null (length ${len}) at byte ${this.pos - 2}`);
    return this.utf8(len, 'string');
  }

  nullableString(): string | null {
    const len = this.int16();
    if (len === -1) return null;
    if (len < 0) throw new MalformedMessageError(`string length ${len} at byte ${this.pos - 2} is negative`);
    return this.utf8(len, 'string');
  }

  compactString(): string {
    const n = this.uvarint();
    if (n === 0) throw new MalformedMessageError(`non-nullable compact string is null at byte ${this.pos - 1}`);
    return this.utf8(n - 1, 'compact string');
  }

  compactNullableString(): string | null {
    const n = this.uvarint();
    if (n === 0) return null;
    return this.utf8(n - 1, 'compact string');
  }

  bytes(): Buffer {
    const len = this.int32();
    if (len < 0) throw new MalformedMessageError(`non-nullable bytes are null (length ${len}) at byte ${this.pos - 4}`);
    return this.slice(len, 'bytes');
  }

  nullableBytes(): Buffer | null {
    const len = this.int32();
    if (len === -1) return null;
    if (len < 0) throw new MalformedMessageError(`bytes length ${len} at byte ${this.pos - 4} is negative`);
    return this.slice(len, 'bytes');
  }

  compactBytes(): Buffer {
    const n = this.uvarint();
    if (n === 0) throw new MalformedMessageError(`non-nullable compact bytes are null at byte ${this.pos - 1}`);
    return this.slice(n - 1, 'compact bytes');
  }

  compactNullableBytes(): Buffer | null {
    const n = this.uvarint();
    if (n === 0) return null;
    return this.slice(n - 1, 'compact bytes');
  }

  /** int32 element count; -1 means null. Rejects counts that cannot fit in the frame. */
  arrayLength(): number {
    const n = this.int32();
    if (n < -1) throw new MalformedMessageError(`array length ${n} at byte ${this.pos - 4} is negative`);
    if (n > this.end - this.pos) {
      throw new MalformedMessageError(`array length ${n} at byte ${this.pos - 4} exceeds the ${this.end - this.pos} bytes left`);
    }
    return n;
  }

  /** Compact element count (uvarint N+1); -1 means null. */
  compactArrayLength(): number {
    const n = this.uvarint() - 1;
    if (n > this.end - this.pos) {
      throw new MalformedMessageError(`compact array length ${n} at byte ${this.pos} exceeds the ${this.end - this.pos} bytes left`);
    }
    return n;
  }

  /** Skips `n` bytes (e.g. an unknown tagged field). */
  skip(n: number): void {
    this.need(n, 'skipped field');
    this.pos += n;
  }

  /** Returns the next `n` bytes as a subarray without copying. */
  raw(n: number): Buffer {
    return this.slice(n, 'raw bytes');
  }

  /** Reads and discards a whole tagged-field section. */
  skipTaggedFields(): void {
    const count = this.uvarint();
    for (let i = 0; i < count; i++) {
      this.uvarint();
      this.skip(this.uvarint());
    }
  }
}
