/*
 * Machine-readable benchmark results: one JSON file per run under benchmarks/results/, holding
 * the environment (commit, Node version, CPU count, load average at start) and one entry per
 * workload. Every script in benchmarks/ writes through here so the files share one shape:
 *
 *   { suite, startedAt, commit, node, cpus, loadAvg1m, params, results: [
 *       { workload, records, seconds, recordsPerSec, mbPerSec, p50Ms?, p99Ms?, metrics?, note? } ] }
 *
 * `commit` is `git rev-parse HEAD` (plus "-dirty" when the work tree has changes), read-only; it
 * is "unknown" outside a git checkout. (`--no-optional-locks`: never touches the index while
 * the lead may be committing.) Throughput is records / seconds; MB/s is bytes / 1e6 / s
 * where bytes are what the workload counted (SimpleBenchmark counts key + value bytes).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const benchmarksDir = fileURLToPath(new URL('..', import.meta.url));
export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export interface WorkloadResult {
  readonly workload: string;
  readonly records: number;
  readonly seconds: number;
  readonly recordsPerSec: number;
  readonly mbPerSec: number;
  readonly p50Ms?: number;
  readonly p99Ms?: number;
  /** Figures that are not a rate (cold start ms, RSS MB, ...), named with their unit. */
  readonly metrics?: Readonly<Record<string, number>>;
  /** The suite that ran it (set by benchmarks/run.ts). */
  readonly suite?: string;
  /** The figure it is compared with, records/s, and the system that did it (set by run.ts). */
  readonly reference?: { readonly recordsPerSec: number; readonly system: string };
  /** Anything a reader needs to interpret the number (a deviation, a failure). */
  readonly note?: string;
}

export interface ResultFile {
  readonly suite: string;
  readonly startedAt: string;
  readonly commit: string;
  readonly node: string;
  readonly cpus: number;
  readonly cpuModel: string;
  readonly loadAvg1m: number;
  readonly params: Readonly<Record<string, unknown>>;
  readonly results: WorkloadResult[];
}

/** The commit the numbers belong to; never changes git state. */
export function gitCommit(): string {
  try {
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = execFileSync('git', ['--no-optional-locks', 'status', '--porcelain', '--untracked-files=no'], { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return dirty.length > 0 ? `${head}-dirty` : head;
  } catch {
    return 'unknown';
  }
}

export function result(workload: string, records: number, bytes: number, seconds: number, extra: Partial<Pick<WorkloadResult, 'p50Ms' | 'p99Ms' | 'metrics' | 'note'>> = {}): WorkloadResult {
  if (!(seconds > 0)) throw new RangeError(`result(${workload}): seconds must be > 0, got ${seconds}`);
  return { workload, records, seconds, recordsPerSec: records / seconds, mbPerSec: bytes / 1e6 / seconds, ...extra };
}

export function newResultFile(suite: string, params: Readonly<Record<string, unknown>>): ResultFile {
  const cpu = cpus();
  return {
    suite,
    startedAt: new Date().toISOString(),
    commit: gitCommit(),
    node: process.version,
    cpus: cpu.length,
    cpuModel: cpu[0]?.model ?? 'unknown',
    loadAvg1m: loadavg()[0] ?? 0,
    params,
    results: [],
  };
}

/** Writes (or rewrites) the file for this run; returns its path. Called after every workload so a crash keeps what finished. */
export function writeResultFile(file: ResultFile): string {
  const dir = join(benchmarksDir, 'results');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${file.suite}-${file.startedAt.replace(/[:.]/g, '-')}.json`);
  writeFileSync(path, `${JSON.stringify(file, null, 2)}\n`);
  return path;
}
