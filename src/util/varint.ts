/*
 * Variable-length integers of the Kafka protocol.
 *
 * Two families share one wire form (little-endian base-128 groups, high bit = "more follows"):
 *   - unsigned varint (uvarint): compact string/bytes/array lengths (N+1) and tagged-field
 *     counts, tags and sizes in flexible versions. At most 5 bytes for a uint32.
 *   - zigzag varint / varlong (protobuf sint32/sint64): every integer inside a record v2
 *     (length, deltas, key/value/header lengths). zigzag maps n to (n << 1) ^ (n >> 31|63), so
 *     small negative numbers stay short: 0→0, -1→1, 1→2, -2→3. At most 5 / 10 bytes.
 *
 * Varlongs are int64 on the wire; JavaScript numbers only hold 53 bits exactly, so the bigint
 * functions are the reference, and the `...Number` variants are a fast path for values whose
 * magnitude is below 2^53 (record timestamp deltas nearly always are). Readers take a Buffer and
 * a position and return the value plus the new position through a small result object, so the
 * protocol Reader can keep its own cursor without allocating per call.
 */

/** Result slot reused by the readers: `value` and the position just after the integer. */
export interface VarintRead {
  value: number;
  next: number;
}

export interface VarlongRead {
  value: bigint;
  next: number;
}

export class VarintError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VarintError';
  }
}

const TWO_52 = 2 ** 52;

/** Number of bytes the unsigned varint encoding of `n` (0 ≤ n < 2^32) takes. */
export function sizeOfUnsignedVarint(n: number): number {
  let v = n >>> 0;
  let size = 1;
  while (v >= 0x80) {
    v >>>= 7;
    size++;
  }
  return size;
}

/** Number of bytes the zigzag varint encoding of the int32 `n` takes. */
export function sizeOfVarint(n: number): number {
  return sizeOfUnsignedVarint(((n << 1) ^ (n >> 31)) >>> 0);
}

/** Number of bytes the zigzag varlong encoding of `n` takes (number fast path; |n| < 2^53). */
export function sizeOfVarlongNumber(n: number): number {
  if (n >= TWO_52 || n <= -TWO_52) {
    const big = BigInt(n);
    let zb = big >= 0n ? big * 2n : -big * 2n - 1n;
    let bytes = 1;
    while (zb >= 128n) {
      zb >>= 7n;
      bytes++;
    }
    return bytes;
  }
  let z = n >= 0 ? n * 2 : -n * 2 - 1;
  let size = 1;
  while (z >= 128) {
    z = Math.floor(z / 128);
    size++;
  }
  return size;
}

/** Writes an unsigned varint at `pos`; the caller guarantees 5 bytes of room. Returns new pos. */
export function writeUnsignedVarintAt(buf: Buffer, pos: number, n: number): number {
  let v = n >>> 0;
  while (v >= 0x80) {
    buf[pos++] = (v & 0x7f) | 0x80;
    v >>>= 7;
  }
  buf[pos++] = v;
  return pos;
}

/** Writes a zigzag varint (int32) at `pos`; 5 bytes of room needed. Returns new pos. */
export function writeVarintAt(buf: Buffer, pos: number, n: number): number {
  return writeUnsignedVarintAt(buf, pos, ((n << 1) ^ (n >> 31)) >>> 0);
}

/** Writes a zigzag varlong given as a safe-integer number; 10 bytes of room needed. */
export function writeVarlongNumberAt(buf: Buffer, pos: number, n: number): number {
  if (n >= -0x40000000 && n < 0x40000000) return writeVarintAt(buf, pos, n);
  // The zigzag value 2|n| (+1) must stay exact in a double: beyond 2^52 take the bigint path.
  if (n >= TWO_52 || n <= -TWO_52) return writeVarlongAt(buf, pos, BigInt(n));
  let z = n >= 0 ? n * 2 : -n * 2 - 1;
  while (z >= 128) {
    buf[pos++] = (z % 128) | 0x80;
    z = Math.floor(z / 128);
  }
  buf[pos++] = z;
  return pos;
}

const MASK64 = (1n << 64n) - 1n;

/** Writes a zigzag varlong (int64 as bigint); 10 bytes of room needed. Returns new pos. */
export function writeVarlongAt(buf: Buffer, pos: number, n: bigint): number {
  if (n >= -0x40000000n && n < 0x40000000n) return writeVarintAt(buf, pos, Number(n));
  let z = ((n << 1n) ^ (n >> 63n)) & MASK64;
  while (z >= 0x80n) {
    buf[pos++] = Number(z & 0x7fn) | 0x80;
    z >>= 7n;
  }
  buf[pos++] = Number(z);
  return pos;
}

/** Reads an unsigned varint (up to 32 bits) into `out`. Throws on truncation or overlong input. */
export function readUnsignedVarint(buf: Buffer, pos: number, out: VarintRead): VarintRead {
  let value = 0;
  let shift = 0;
  for (;;) {
    if (pos >= buf.length) {
      throw new VarintError(`varint truncated at byte ${pos} of a ${buf.length}-byte buffer`);
    }
    const b = buf[pos++]!;
    if (shift === 28) {
      if (b > 0x0f) throw new VarintError(`unsigned varint at byte ${pos - 5} is longer than 32 bits`);
      value += b * 0x10000000;
      break;
    }
    value |= (b & 0x7f) << shift;
    if (b < 0x80) break;
    shift += 7;
  }
  out.value = value >>> 0;
  out.next = pos;
  return out;
}

/** Reads a zigzag varint (int32) into `out`. */
export function readVarint(buf: Buffer, pos: number, out: VarintRead): VarintRead {
  readUnsignedVarint(buf, pos, out);
  const z = out.value;
  out.value = (z >>> 1) ^ -(z & 1);
  return out;
}

/** Reads a zigzag varlong (int64) as a bigint into `out`. */
export function readVarlong(buf: Buffer, pos: number, out: VarlongRead): VarlongRead {
  let z = 0n;
  let shift = 0n;
  for (let i = 0; ; i++) {
    if (pos >= buf.length) {
      throw new VarintError(`varlong truncated at byte ${pos} of a ${buf.length}-byte buffer`);
    }
    if (i === 10) throw new VarintError(`varlong at byte ${pos - 10} is longer than 10 bytes`);
    const b = buf[pos++]!;
    z |= BigInt(b & 0x7f) << shift;
    if (b < 0x80) break;
    shift += 7n;
  }
  z &= MASK64;
  out.value = (z >> 1n) ^ -(z & 1n);
  out.next = pos;
  return out;
}

/**
 * Reads a zigzag varlong as a number when it fits in 53 bits (the common case: timestamp deltas),
 * falling back to the bigint path and throwing if the value is not a safe integer.
 */
export function readVarlongNumber(buf: Buffer, pos: number, out: VarintRead): VarintRead {
  let z = 0;
  let mul = 1;
  const start = pos;
  for (let i = 0; i < 7; i++) {
    if (pos >= buf.length) {
      throw new VarintError(`varlong truncated at byte ${pos} of a ${buf.length}-byte buffer`);
    }
    const b = buf[pos++]!;
    z += (b & 0x7f) * mul;
    if (b < 0x80) {
      out.value = z % 2 === 0 ? z / 2 : -(z + 1) / 2;
      out.next = pos;
      return out;
    }
    mul *= 128;
  }
  const big = readVarlong(buf, start, { value: 0n, next: 0 });
  const n = Number(big.value);
  if (!Number.isSafeInteger(n)) {
    throw new VarintError(`varlong ${big.value} at byte ${start} does not fit a safe integer; read it as bigint`);
  }
  out.value = n;
  out.next = big.next;
  return out;
}
