/*
 * Memory of another process from Linux's /proc/<pid>/status, for the broker RSS workload.
 *
 *   VmRSS:    123456 kB    resident set size now (anonymous + file-backed + shmem pages)
 *   VmHWM:    234567 kB    "high water mark": the peak VmRSS over the process's life so far
 *
 * The kernel writes "kB" but means KiB; we report MB as 2^20 bytes (MiB), which is what `ps` and
 * `top` show as RES/1024. Pure parsing is split from the read so it is unit-tested.
 */
import { readFileSync } from 'node:fs';

export interface ProcMemory {
  readonly rssMb: number;
  readonly hwmMb: number;
}

/** VmRSS and VmHWM of a /proc/<pid>/status text, in MiB; throws naming the missing field. */
export function parseProcStatus(text: string): ProcMemory {
  const field = (name: string): number => {
    const m = new RegExp(`^${name}:\\s*(\\d+)\\s*kB\\s*$`, 'm').exec(text);
    if (!m) throw new Error(`no "${name}: N kB" line in /proc/<pid>/status (is this Linux, and is the process alive?)`);
    return Number(m[1]) / 1024;
  };
  return { rssMb: field('VmRSS'), hwmMb: field('VmHWM') };
}

/** Reads the current VmRSS / VmHWM of process `pid`. */
export function readProcMemory(pid: number): ProcMemory {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch (err) {
    throw new Error(`cannot read /proc/${pid}/status: ${(err as Error).message}; the broker process may have exited`);
  }
  return parseProcStatus(text);
}
