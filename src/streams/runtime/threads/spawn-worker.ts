/*
 * Starting a worker stream thread. The worker runs worker-entry (.ts from sources, .js from the
 * built package) and imports the user's topology module. When either is TypeScript, the worker
 * first registers tsx's ESM loader (Node's loader hooks are per thread, so a worker does not
 * inherit the main thread's), which must then be installed — as it is for any application that
 * runs its TypeScript sources directly. Native modules (classic-level under `level`) are
 * context-aware and load in workers.
 */
import type { Worker } from 'node:worker_threads';
import { spawnModuleWorker } from '../../../util/module-worker.ts';
import { TYPESCRIPT_FILE } from '../../../util/typescript-loader.ts';
import type { WorkerInit } from './thread-messages.ts';

export function workerEntryHref(): string {
  const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  return new URL(`./worker-entry${ext}`, import.meta.url).href;
}

export function spawnWorkerThread(init: WorkerInit): Worker {
  return spawnModuleWorker(workerEntryHref(), {
    workerData: init,
    name: init.threadName,
    loadsTypeScript: TYPESCRIPT_FILE.test(init.moduleHref),
    transferList: init.syncQuery === undefined ? [] : [init.syncQuery.port],
    purpose: "Stream threads on workers (the topology module or Tributary's sources are .ts)",
  });
}

