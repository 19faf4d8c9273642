// CRC-32C (Castagnoli), the checksum of record batch v2. @node-rs/crc32 computes it with SIMD
// in native code, roughly six times faster than a JavaScript table loop.
import { crc32c as nativeCrc32c } from '@node-rs/crc32';

/** CRC-32C of `bytes` as an unsigned 32-bit number. */
export function crc32c(bytes: Uint8Array): number {
  return nativeCrc32c(bytes as Buffer) >>> 0;
}
