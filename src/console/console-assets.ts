/*
 * Where the console's page, script and stylesheet are: `dist/console-ui/` of the installed
 * package, written at build time by bin/bundle-console.js (preact, htm, uPlot and dagre bundled
 * in, so the page needs no network). Found by walking up from this module to the package root,
 * which works for the compiled library (dist/console/), the bundled CLI (dist/cli/chunks/) and
 * the sources (src/console/) alike.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CONSOLE_UI_DIR = 'dist/console-ui';

/** The package root holding this module (the nearest package.json named "tributary"). */
export function packageRoot(from: string = dirname(fileURLToPath(import.meta.url))): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: unknown }).name === 'tributary') return dir;
      } catch {
        // not ours: keep walking
      }
    }
    if (dirname(dir) === dir) return undefined;
  }
}

export function defaultAssetsDir(): string | undefined {
  const root = packageRoot();
  return root === undefined ? undefined : join(root, CONSOLE_UI_DIR);
}

/** The files the server hands out, by URL path, with their content types. */
export const CONSOLE_FILES: Readonly<Record<string, { file: string; type: string }>> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/index.html': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
  '/app.css': { file: 'app.css', type: 'text/css; charset=utf-8' },
};
