/*
 * Starting a worker thread on one of Tributary's own modules. The module runs as TypeScript from
 * the sources (tests, benchmarks) or as JavaScript from the built package; TypeScript needs tsx's
 * ESM loader, which the worker must register itself (Node's loader hooks are per thread, a worker
 * does not inherit the main thread's). The bootstrap is CommonJS, eval'ed: register tsx when asked,
 * then import the entry; an import that fails is rethrown on the worker's loop, so the parent sees
 * it as the worker's 'error' event.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker, type TransferListItem } from 'node:worker_threads';
import { TYPESCRIPT_FILE, tsxEsmApiHref } from './typescript-loader.ts';

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

export interface ModuleWorkerOptions {
  /** Passed to the worker as `workerData` (with `entry` and `tsxApi` added). */
  readonly workerData: object;
  readonly name: string;
  /** The worker imports TypeScript besides its entry (a user's module): register tsx anyway. */
  readonly loadsTypeScript?: boolean;
  /** Objects moved to the worker with its workerData (e.g. a MessagePort inside it). */
  readonly transferList?: readonly TransferListItem[];
  /** What needs the worker, for the error when tsx is missing. */
  readonly purpose: string;
}

export function spawnModuleWorker(entry: string, opts: ModuleWorkerOptions): Worker {
  const tsxApi = TYPESCRIPT_FILE.test(entry) || opts.loadsTypeScript === true ? tsxEsmApiHref(opts.purpose) : null;
  return new Worker(BOOTSTRAP, { eval: true, workerData: { ...opts.workerData, entry, tsxApi }, name: opts.name, transferList: [...(opts.transferList ?? [])] });
}

/**
 * The href of a sibling module `name` of the module at `from` (.ts beside sources, .js beside
 * compiled files), or of the first of `fallbacks` (paths relative to `from`, e.g. from a bundled
 * chunk to the package's unbundled copy) that exists; null when none does.
 */
export function siblingModuleHref(from: string, name: string, fallbacks: readonly string[] = []): string | null {
  const ext = from.endsWith('.ts') ? '.ts' : '.js';
  for (const candidate of [`./${name}${ext}`, ...fallbacks]) {
    const url = new URL(candidate, from);
    if (existsSync(fileURLToPath(url))) return url.href;
  }
  return null;
}
