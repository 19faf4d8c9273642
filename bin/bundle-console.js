#!/usr/bin/env node
// Bundles the web console's page (src/console/ui) into dist/console-ui/ (run by `npm run build`):
// index.html, app.js and app.css, with preact, htm, uPlot and dagre inside, so the installed
// package serves the console with no network and no front-end dependency at run time. The
// broker finds the files through src/console/console-assets.ts.
//
// `node bin/bundle-console.js [outdir]` writes elsewhere (tests bundle into a temporary dir).
import { build } from 'esbuild';
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Bundles the page into `outdir` (default dist/console-ui); resolves when the files are written. */
export async function bundleConsole(outdir = `${root}dist/console-ui`) {
  await rm(outdir, { recursive: true, force: true });
  await mkdir(outdir, { recursive: true });
  await build({
    absWorkingDir: root,
    entryPoints: { app: 'src/console/ui/main.ts' },
    outdir,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    // Type-only imports of the server's modules vanish; nothing of Node may reach the page.
    logLevel: 'warning',
  });
  await copyFile(`${root}src/console/ui/index.html`, `${outdir}/index.html`);
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) await bundleConsole(process.argv[2]);
