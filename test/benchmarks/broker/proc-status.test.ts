import { describe, expect, it } from 'vitest';
import { parseProcStatCpuMs, parseProcStatus, readProcCpuMs, readProcMemory } from '../../../benchmarks/broker/proc-status.ts';

const SAMPLE = ['Name:\tnode', 'VmPeak:\t 1200000 kB', 'VmHWM:\t  204800 kB', 'VmRSS:\t  102400 kB', 'Threads:\t11', ''].join('\n');

describe('parseProcStatus', () => {
  it('reads VmRSS and VmHWM in MiB, not VmPeak', () => {
    expect(parseProcStatus(SAMPLE)).toEqual({ rssMb: 100, hwmMb: 200 });
  });

  it('names the missing field', () => {
    expect(() => parseProcStatus('Name:\tnode\nVmRSS:\t 1 kB\n')).toThrow(/VmHWM/);
  });

  it('reads this process, whose peak is at least its current size', () => {
    const m = readProcMemory(process.pid);
    expect(m.rssMb).toBeGreaterThan(1);
    expect(m.hwmMb).toBeGreaterThanOrEqual(m.rssMb);
  });
});

describe('parseProcStatCpuMs', () => {
  it('adds utime and stime (fields 14 and 15, USER_HZ ticks) in ms, counting fields after the last parenthesis', () => {
    const line = '4242 (node (x) y) S 1 4242 4242 0 -1 4194304 100 0 0 0 250 37 0 0 20 0 11 0 500 1000 2000\n';
    expect(parseProcStatCpuMs(line)).toBe(2870);
  });

  it('rejects text that is not a stat line', () => {
    expect(() => parseProcStatCpuMs('Name:\tnode\n')).toThrow(/not a \/proc/);
  });

  it('reads this process, whose CPU time only grows', () => {
    const a = readProcCpuMs(process.pid);
    let x = 0;
    for (let i = 0; i < 2e6; i++) x += i;
    expect(x).toBeGreaterThan(0);
    expect(readProcCpuMs(process.pid)).toBeGreaterThanOrEqual(a);
  });
});
