/*
 * Loading a user's TypeScript module at run time (a topology module for worker stream threads,
 * `tributary describe`, `tributary dev`): Node 20 cannot import .ts by itself, so Tributary uses
 * tsx's ESM loader when — and only when — a .ts module is involved. tsx is not a dependency of
 * the package: a TypeScript project has it (or a similar loader) already; a JavaScript project
 * never needs it. Without it the error says what to install.
 *
 * Loader hooks are per thread: a worker registers them again (spawn-worker.ts passes the href
 * this module finds), while an in-process caller registers once with registerTypeScript().
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** .ts / .mts / .cts / .tsx, also as a URL with a query. */
export const TYPESCRIPT_FILE = /\.[mc]?tsx?($|\?)/;

let cachedApiHref: string | undefined;

/**
 * The file URL of tsx's ESM API (`tsx/esm/api`, its "import" condition), resolved from this
 * package's location (so a user project's tsx is found). `purpose` starts the error message.
 */
export function tsxEsmApiHref(purpose: string): string {
  if (cachedApiHref !== undefined) return cachedApiHref;
  try {
    const require = createRequire(import.meta.url);
    const pkgFile = require.resolve('tsx/package.json');
    const pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as { exports?: Record<string, unknown> };
    const target = (pkg.exports?.['./esm/api'] as { import?: { default?: string } | string } | undefined)?.import;
    const file = typeof target === 'string' ? target : target?.default;
    if (file === undefined) throw new Error('tsx/package.json has no "./esm/api" import export');
    cachedApiHref = pathToFileURL(join(dirname(pkgFile), file)).href;
    return cachedApiHref;
  } catch (e) {
    throw new Error(`${purpose} needs tsx to load TypeScript: install it (npm i -D tsx) or run compiled JavaScript (${e instanceof Error ? e.message : String(e)})`, { cause: e });
  }
}

let registered = false;

/** Registers tsx's loader in this thread if `moduleHref` is TypeScript (once). */
export async function registerTypeScriptFor(moduleHref: string, purpose: string): Promise<void> {
  if (registered || !TYPESCRIPT_FILE.test(moduleHref)) return;
  const api = (await import(tsxEsmApiHref(purpose))) as { register: () => unknown };
  api.register();
  registered = true;
}
