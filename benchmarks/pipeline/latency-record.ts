/*
 * The value layout of the latency workload's records, shared by the harness (e2e-latency.ts, which
 * writes and reads it) and the application (latency-app.ts, which transforms it):
 *
 *   [0, 8)   float64 BE  send time, epoch µs (the harness clock, pacer.ts epochMicros)
 *   [8, 16)  float64 BE  sequence number (0-based over the whole run, warm-up included)
 *   [16]     uint8       magic 0x7b — the app's filter keeps records that carry it (all of them)
 *   [17]     uint8       0 on input; the app's mapValues writes 1 into its copy ("processed")
 *   [18, 26) float64 BE  0 on input; mapValues writes the epoch µs at which it ran, from the APP
 *                        process's clock (performance.timeOrigin + now) — splits the latency into
 *                        an inbound leg (send → app) and an outbound leg (app → receive); the two
 *                        processes' time origins may differ by well under a millisecond, so the
 *                        split is indicative while the end-to-end figure uses one clock only
 *   [26, n)  zero padding up to the configured value size (≥ 26)
 *
 * The key is the sequence number mod 10,000 as a 4-byte int (Serdes.int32()).
 */

export const VALUE_MAGIC = 0x7b;
export const MAGIC_AT = 16;
export const FLAG_AT = 17;
export const PROCESSED_AT = 18;
export const MIN_VALUE_SIZE = 26;

/** A fresh input value for record `seq` sent at `sendEpochUs`. */
export function encodeLatencyValue(seq: number, sendEpochUs: number, size: number): Buffer {
  if (size < MIN_VALUE_SIZE) throw new RangeError(`latency record values need at least ${MIN_VALUE_SIZE} bytes, got ${size}`);
  const b = Buffer.alloc(size);
  b.writeDoubleBE(sendEpochUs, 0);
  b.writeDoubleBE(seq, 8);
  b[MAGIC_AT] = VALUE_MAGIC;
  return b;
}

export interface DecodedLatencyValue {
  readonly seq: number;
  readonly sendEpochUs: number;
  /** The app marked it processed (mapValues ran). */
  readonly processed: boolean;
  /** When mapValues ran (app clock, epoch µs); 0 when not processed. */
  readonly processedEpochUs: number;
}

/** Reads a value written by encodeLatencyValue (and maybe transformed); undefined when malformed. */
export function decodeLatencyValue(v: Buffer | null): DecodedLatencyValue | undefined {
  if (v === null || v.length < MIN_VALUE_SIZE || v[MAGIC_AT] !== VALUE_MAGIC) return undefined;
  return { sendEpochUs: v.readDoubleBE(0), seq: v.readDoubleBE(8), processed: v[FLAG_AT] === 1, processedEpochUs: v.readDoubleBE(PROCESSED_AT) };
}

/** The app's mapValues: a processed copy, stamped with the app's clock. */
export function markProcessed(v: Buffer, nowEpochUs: number): Buffer {
  const out = Buffer.from(v);
  out[FLAG_AT] = 1;
  if (out.length >= MIN_VALUE_SIZE) out.writeDoubleBE(nowEpochUs, PROCESSED_AT);
  return out;
}

/** The app's filter: well-formed and processed. */
export function isProcessedLatencyValue(v: Buffer | null): boolean {
  return v !== null && v.length >= MIN_VALUE_SIZE && v[MAGIC_AT] === VALUE_MAGIC && v[FLAG_AT] === 1;
}
