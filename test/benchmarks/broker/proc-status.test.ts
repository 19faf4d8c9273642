import { describe, expect, it } from 'vitest';
import { parseProcStatus, readProcMemory } from '../../../benchmarks/broker/proc-status.ts';

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
