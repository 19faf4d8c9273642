/*
 * The broker's side of the cleaner's worker thread (cleaner-worker.ts): starts it when a cleaning
 * first needs it, runs jobs on it, answers its questions, and ends it after IDLE_MS without work,
 * so a broker that never compacts, or rarely, holds no thread and no key map. One worker serves
 * every cleaner of the process (sharedCleanerThread): jobs of several brokers in one process run
 * side by side on it.
 *
 * Protocol, per job (id), in order; every message is plain data (bigints and Maps as arrays):
 *   broker → worker   job      {job: CleanJob, abort: SharedArrayBuffer}  (abort[0] ≠ 0: give up;
 *                                                                        the cleaner's stop flag)
 *   worker → broker   settle   {pending producers}       after phase 2 (cleaner-job.ts)
 *   broker → worker   settled  {markers, active}         from the log's live state
 *   worker → broker   swap     {group}                   once per group, its `.cleaned` files written
 *   broker → worker   swapped  {goOn}                    after the swap (or its refusal)
 *   worker → broker   done {result | null} | failed {message}
 * The abort flag is shared memory because the worker reads segments in one synchronous stretch per
 * segment and sees messages only between them. The worker is ref'd while a job runs (a cleaning
 * being awaited keeps the process alive) and unref'd when idle.
 */
import type { Worker } from 'node:worker_threads';
import { siblingModuleHref, spawnModuleWorker } from '../../util/module-worker.ts';
import type { ActiveProducer } from './cleaner-filter.ts';
import type { CleanedGroup, CleanJob, JobResult, Settlement } from './cleaner-job.ts';

export type ToCleaner =
  | { type: 'job'; id: number; job: CleanJob; abort: SharedArrayBuffer }
  | { type: 'settled'; id: number; markers: Array<[bigint, boolean | null]>; active: Array<[bigint, ActiveProducer]> | null }
  | { type: 'swapped'; id: number; goOn: boolean };

export type FromCleaner =
  | { type: 'settle'; id: number; pending: bigint[] }
  | { type: 'swap'; id: number; group: CleanedGroup }
  | { type: 'done'; id: number; result: JobResult | null }
  | { type: 'failed'; id: number; message: string };

/** What the thread that owns the log answers for a job. */
export interface OwnerHooks {
  settle(pending: readonly bigint[]): Settlement;
  swap(group: CleanedGroup): boolean;
}

/** A worker without work for this long is ended. */
const IDLE_MS = 60_000;

interface RunningJob {
  readonly hooks: OwnerHooks;
  resolve(r: JobResult | null): void;
  reject(e: Error): void;
  /** The swap threw: the job fails with this once the worker has let go of it. */
  error?: Error;
}

/** The cleaner worker's module: beside this one, or (bundled CLI: dist/cli/chunks/) the package's copy. */
export function cleanerWorkerHref(): string | null {
  return siblingModuleHref(import.meta.url, 'cleaner-worker', ['../../broker/log/cleaner-worker.js']);
}

let shared: CleanerThread | null | undefined;

/** The process's cleaner thread; null when the worker's module cannot be found. */
export function sharedCleanerThread(): CleanerThread | null {
  if (shared === undefined) {
    const entry = cleanerWorkerHref();
    shared = entry === null ? null : new CleanerThread(entry);
  }
  return shared;
}

/** A stop flag a job on the worker reads at every batch: set it with Atomics.store(flag, 0, 1). */
export function newAbortFlag(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(4));
}

export class CleanerThread {
  private worker: Worker | null = null;
  private readonly jobs = new Map<number, RunningJob>();
  private nextId = 1;
  private idleTimer: NodeJS.Timeout | null = null;

  constructor(private readonly entry: string) {}

  /**
   * Runs `job` on the worker; null when it gave up (`abort` set, or its segments went away).
   * Rejects when it failed, the owner's hooks threw, or the worker died.
   */
  run(job: CleanJob, hooks: OwnerHooks, abort: Int32Array): Promise<JobResult | null> {
    const worker = this.ensureWorker();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.jobs.set(id, { hooks, resolve, reject });
      this.busy();
      worker.postMessage({ type: 'job', id, job, abort: abort.buffer as SharedArrayBuffer } satisfies ToCleaner);
    });
  }

  private ensureWorker(): Worker {
    if (this.worker !== null) return this.worker;
    const worker = spawnModuleWorker(this.entry, { workerData: {}, name: 'tributary-log-cleaner', purpose: "The log cleaner's worker thread (Tributary's sources are .ts)" });
    worker.on('message', (m: FromCleaner) => this.onMessage(worker, m));
    worker.on('error', (err) => this.failAll(worker, err));
    worker.on('exit', (code) => this.failAll(worker, new Error(`the log cleaner's worker thread exited (code ${code})`)));
    this.worker = worker;
    return worker;
  }

  private onMessage(worker: Worker, m: FromCleaner): void {
    const job = this.jobs.get(m.id);
    if (job === undefined) return;
    if (m.type === 'settle') {
      let reply: ToCleaner;
      try {
        const s = job.hooks.settle(m.pending);
        reply = { type: 'settled', id: m.id, markers: [...s.markers], active: s.active === null ? null : [...s.active] };
      } catch (err) {
        job.error = err as Error;
        reply = { type: 'settled', id: m.id, markers: [], active: null };
      }
      worker.postMessage(reply);
    } else if (m.type === 'swap') {
      let goOn = false;
      try {
        goOn = job.error === undefined && job.hooks.swap(m.group);
      } catch (err) {
        job.error = err as Error;
      }
      worker.postMessage({ type: 'swapped', id: m.id, goOn } satisfies ToCleaner);
    } else {
      this.jobs.delete(m.id);
      if (job.error !== undefined) job.reject(job.error);
      else if (m.type === 'failed') job.reject(new Error(m.message));
      else job.resolve(m.result);
      this.idle();
    }
  }

  private failAll(worker: Worker, err: Error): void {
    if (this.worker !== worker) return;
    this.worker = null;
    for (const j of this.jobs.values()) j.reject(err);
    this.jobs.clear();
    if (this.idleTimer !== null) clearTimeout(this.idleTimer);
  }

  private busy(): void {
    if (this.idleTimer !== null) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    this.worker?.ref();
  }

  private idle(): void {
    if (this.jobs.size > 0) return;
    this.worker?.unref();
    this.idleTimer = setTimeout(() => this.end(), IDLE_MS).unref();
  }

  private end(): void {
    const w = this.worker;
    this.worker = null;
    if (this.idleTimer !== null) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    if (w !== null) void w.terminate();
  }
}
