/*
 * Big-endian int64 as a JavaScript number, without a BigInt round trip: the value is split into
 * a signed high 32-bit half and an unsigned low half. Timestamps, window bounds and the Long
 * serde all use it (they are int64 on disk and on the wire, as in Kafka).
 *
 * Layout at `offset`: bytes 0..3 int32 BE high = floor(value / 2^32), bytes 4..7 uint32 BE low.
 * Exact for every safe integer (|n| ≤ 2^53 − 1), negative ones included; callers that read
 * foreign bytes check Number.isSafeInteger on the result (a value beyond 53 bits is rounded).
 */

const TWO_POW_32 = 4294967296;

/** Writes `value` (a safe integer) as int64 big-endian at `offset` (8 bytes). */
export function writeInt64BE(out: Buffer, offset: number, value: number): void {
  const high = Math.floor(value / TWO_POW_32);
  out.writeInt32BE(high, offset);
  out.writeUInt32BE(value - high * TWO_POW_32, offset + 4);
}

/** Reads the int64 big-endian at `offset` as a number (exact when it is a safe integer). */
export function readInt64BE(data: Buffer, offset: number): number {
  return data.readInt32BE(offset) * TWO_POW_32 + data.readUInt32BE(offset + 4);
}
