/*
 * /proc/<pid>/stat parsing for the peer suite's broker CPU figure (benchmarks/peers/proc-cpu.ts).
 */
import { describe, expect, it } from 'vitest';
import { parseProcStatCpuSeconds, processCpuSeconds } from '../../../benchmarks/peers/proc-cpu.ts';

describe('parseProcStatCpuSeconds', () => {
  it('adds utime and stime (fields 14 and 15) in seconds', () => {
    const stat = '4242 (node) S 1 4242 4242 0 -1 4194560 900 0 0 0 250 75 0 0 20 0 11 0 1000 3133440 390 18446744073709551615';
    expect(parseProcStatCpuSeconds(stat)).toBeCloseTo(3.25);
  });

  it('counts fields after the last ")" so a command name with spaces and parentheses parses', () => {
    const stat = '7 (a b) (c)) R 1 7 7 0 -1 0 0 0 0 0 1000 200 0 0 20 0 1 0 5 0 0';
    expect(parseProcStatCpuSeconds(stat)).toBeCloseTo(12);
  });

  it('rejects text that is not a stat line', () => {
    expect(() => parseProcStatCpuSeconds('not a stat line')).toThrow(/no "\)"/);
    expect(() => parseProcStatCpuSeconds('1 (x) R 1 2')).toThrow(/utime\/stime/);
  });

  it('reads this process and returns undefined for one that does not exist', () => {
    if (process.platform !== 'linux') return;
    expect(processCpuSeconds(process.pid)).toBeGreaterThanOrEqual(0);
    expect(processCpuSeconds(2 ** 30)).toBeUndefined();
  });
});
