/*
 * CPU seconds a process has used so far, from /proc/<pid>/stat (Linux), so the peer suite can say
 * how much CPU the broker spent during a peer workload. On this shared 2-core machine a low
 * rate with little CPU used by peer and broker means the run waited (on the other side, or on
 * other people's processes), not that either side was busy.
 *
 * /proc/<pid>/stat: "pid (comm) state ppid … utime stime …" — utime and stime are fields 14 and
 * 15 counted from 1, in clock ticks (USER_HZ, 100 on Linux x86_64 builds). comm may hold spaces
 * and parentheses, so fields are counted after the LAST ')'.
 */
import { readFileSync } from 'node:fs';

/** Linux's USER_HZ for /proc times (fixed at 100 by the kernel ABI on the platforms we run on). */
export const USER_HZ = 100;

/** utime + stime in seconds from the text of /proc/<pid>/stat. */
export function parseProcStatCpuSeconds(text: string): number {
  const close = text.lastIndexOf(')');
  if (close < 0) throw new Error(`/proc/<pid>/stat: no ")" after the command name in ${JSON.stringify(text.slice(0, 80))}`);
  // After ") " come field 3 (state) onwards; utime is field 14 → index 11 here, stime index 12.
  const fields = text.slice(close + 2).trim().split(/\s+/);
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) throw new Error(`/proc/<pid>/stat: utime/stime not numbers in ${JSON.stringify(text.slice(0, 200))}`);
  return (utime + stime) / USER_HZ;
}

/** CPU seconds used so far by `pid`, or undefined where /proc is unavailable or the process is gone. */
export function processCpuSeconds(pid: number): number | undefined {
  try {
    return parseProcStatCpuSeconds(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}
