/*
 * Starting a worker stream thread. The worker runs worker-entry (.ts from sources, .js from the
 * built package) and imports the user's topology module. When either is TypeScript, the worker
 * first registers tsx's ESM loader (Node's loader hooks are per thread, so a worker does not
 * inherit the main thread's), which must then be installed — as it is for any application that
 * runs its TypeScript sources directly. Native modules (classic-level under `level`) are
 * context-aware and load in workers.
 */
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
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

const TS_FILE = /\.[mc]?tsx?($|\?)/;

export function workerEntryHref(): string {
  const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  return new URL(`./worker-entry${ext}`, import.meta.url).href;
}

export function spawnWorkerThread(init: WorkerInit): Worker {
  const entry = workerEntryHref();
  const tsxApi = TS_FILE.test(entry) || TS_FILE.test(init.moduleHref) ? tsxEsmApi() : null;
  return new Worker(BOOTSTRAP, { eval: true, workerData: { ...init, entry, tsxApi }, name: init.threadName });
}

let cachedTsx: string | undefined;

/** The file URL of tsx's ESM API (`tsx/esm/api`, its "import" condition). */
function tsxEsmApi(): string {
  if (cachedTsx !== undefined) return cachedTsx;
  try {
    const require = createRequire(import.meta.url);
    const pkgFile = require.resolve('tsx/package.json');
    const pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as { exports?: Record<string, unknown> };
    const target = (pkg.exports?.['./esm/api'] as { import?: { default?: string } | string } | undefined)?.import;
    const file = typeof target === 'string' ? target : target?.default;
    if (file === undefined) throw new Error('tsx/package.json has no "./esm/api" import export');
    cachedTsx = pathToFileURL(join(dirname(pkgFile), file)).href;
    return cachedTsx;
  } catch (e) {
    throw new Error(
      `Stream threads on workers need tsx to load TypeScript (the topology module or Tributary's sources are .ts): install it (npm i -D tsx) or run compiled JavaScript (${e instanceof Error ? e.message : String(e)})`,
      { cause: e },
    );
  }
}
