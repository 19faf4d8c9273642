/*
 * Starting a worker stream thread. The worker runs worker-entry (.ts from sources, .js from the
 * built package) and imports the user's topology module. When either is TypeScript, the worker
 * first registers tsx's ESM loader (Node's loader hooks are per thread, so a worker does not
 * inherit the main thread's), which must then be installed — as it is for any application that
 * runs its TypeScript sources directly. Native modules (classic-level under `level`) are
 * context-aware and load in workers.
 */
import { Worker } from 'node:worker_threads';
import { TYPESCRIPT_FILE, tsxEsmApiHref } from '../../../util/typescript-loader.ts';
import type { WorkerInit } from './thread-messages.ts';

/** The bootstrap (CommonJS, eval'ed): register tsx when asked, then import the entry. */
const BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
(async () => {
  if (workerData.tsxApi !== null) {
    const tsx = await import(workerData.tsxApi);
    tsx.register();
  }
  await import(workerData.entry);
})().catch((e) => { setImmediate(() => { throw e; }); });
`;


export function workerEntryHref(): string {
  const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  return new URL(`./worker-entry${ext}`, import.meta.url).href;
}

export function spawnWorkerThread(init: WorkerInit): Worker {
  const entry = workerEntryHref();
  const tsxApi = TYPESCRIPT_FILE.test(entry) || TYPESCRIPT_FILE.test(init.moduleHref) ? tsxEsmApiHref('Stream threads on workers (the topology module or Tributary\'s sources are .ts)') : null;
  return new Worker(BOOTSTRAP, { eval: true, workerData: { ...init, entry, tsxApi }, name: init.threadName, transferList: init.syncQuery === undefined ? [] : [init.syncQuery.port] });
}

