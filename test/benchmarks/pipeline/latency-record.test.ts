import { describe, it, expect } from 'vitest';
import { decodeLatencyValue, encodeLatencyValue, isProcessedLatencyValue, markProcessed } from '../../../benchmarks/pipeline/latency-record.ts';

describe('latency record values', () => {
  it('round-trip the sequence number and send time, unprocessed on input', () => {
    const v = encodeLatencyValue(123_456, 1.7e15 + 0.5, 100);
    expect(v.length).toBe(100);
    expect(decodeLatencyValue(v)).toEqual({ seq: 123_456, sendEpochUs: 1.7e15 + 0.5, processed: false, processedEpochUs: 0 });
    expect(isProcessedLatencyValue(v)).toBe(false);
  });

  it('markProcessed copies (the input is untouched) and stamps the app time', () => {
    const v = encodeLatencyValue(7, 1000, 40);
    const out = markProcessed(v, 2500);
    expect(decodeLatencyValue(v)?.processed).toBe(false);
    expect(decodeLatencyValue(out)).toEqual({ seq: 7, sendEpochUs: 1000, processed: true, processedEpochUs: 2500 });
    expect(isProcessedLatencyValue(out)).toBe(true);
  });

  it('rejects malformed values', () => {
    expect(decodeLatencyValue(null)).toBeUndefined();
    expect(decodeLatencyValue(Buffer.alloc(100))).toBeUndefined(); // no magic
    expect(decodeLatencyValue(Buffer.from('short'))).toBeUndefined();
    expect(() => encodeLatencyValue(1, 1, 10)).toThrow(/at least/);
  });
});
