/*
 * Memory and CPU time of another process from Linux's /proc, for the broker workloads.
 *
 *   VmRSS:    123456 kB    resident set size now (anonymous + file-backed + shmem pages)
 *   VmHWM:    234567 kB    "high water mark": the peak VmRSS over the process's life so far
 *
 * The kernel writes "kB" but means KiB; we report MB as 2^20 bytes (MiB), which is what `ps` and
 * `top` show as RES/1024.
 *
 * /proc/<pid>/stat: "pid (comm) state ppid …", fields 14 and 15 (1-based) are utime and stime, the
 * CPU time of all the process's threads (libuv's thread pool included) in clock ticks of
 * USER_HZ = 100 on Linux. comm may contain spaces and parentheses, so fields are counted after
 * the last ')'. Pure parsing is split from the reads so it is unit-tested.
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

/** The text of /proc/<pid>/<file>; throws naming the file when the process is gone. */
function readProcFile(pid: number, file: 'status' | 'stat'): string {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch (err) {
    throw new Error(`cannot read /proc/${pid}/${file}: ${(err as Error).message}; the broker process may have exited`);
  }
}

/** Reads the current VmRSS / VmHWM of process `pid`. */
export function readProcMemory(pid: number): ProcMemory {
  return parseProcStatus(readProcFile(pid, 'status'));
}

/** Clock ticks per second of /proc/<pid>/stat's times (USER_HZ, 100 on Linux). */
const USER_HZ = 100;

/** utime + stime of a /proc/<pid>/stat line, in ms; throws when the line is not one. */
export function parseProcStatCpuMs(text: string): number {
  const fields = text.slice(text.lastIndexOf(')') + 2).trim().split(/\s+/);
  // After "(comm) ", fields[0] is field 3 (state): utime (14) and stime (15) are fields[11], [12].
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!text.includes(')') || !Number.isInteger(utime) || !Number.isInteger(stime)) throw new Error(`not a /proc/<pid>/stat line: ${text.slice(0, 80)}`);
  return ((utime + stime) * 1000) / USER_HZ;
}

/** CPU time (user + system, all threads) process `pid` has used so far, in ms. */
export function readProcCpuMs(pid: number): number {
  return parseProcStatCpuMs(readProcFile(pid, 'stat'));
}
