#!/usr/bin/env node
// Bundles the `tributary` command into dist/cli/ (run by `npm run build` after tsc).
//
// Why a bundle: loading ~100 separate ESM files (our modules plus zod's) was half of the broker's
// start-up CPU; one file per command, sharing chunks, takes about a third less. The library
// (dist/*.js from tsc) stays unbundled, so applications import only what they use.
//
// Every command is its own entry chunk (program.ts imports them lazily); native addons and the
// libraries that load files at run time stay external and resolve from node_modules. The
// `tributary-source` condition makes the examples' `import … from 'tributary'` (the demo runs
// examples/heart-rate) bundle from src/, not from a previous build.
import { build } from 'esbuild';
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = `${root}dist/cli`;
await rm(outdir, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: ['src/cli/main.ts'],
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  conditions: ['tributary-source'],
  external: ['@node-rs/crc32', 'snappy', 'lz4-napi', 'zstd-napi', 'level', 'classic-level', 'pino', 'pino-pretty', 'prom-client'],
  chunkNames: 'chunks/[name]-[hash]',
  // Maps name src/ positions in stack traces (node --enable-source-maps); the sources themselves
  // are not shipped, so the maps leave them out.
  sourcemap: true,
  sourcesContent: false,
  // Bundled CommonJS dependencies (commander) call require(); an ES module has none of its own.
  banner: { js: "import { createRequire as __tributaryRequire } from 'node:module'; const require = __tributaryRequire(import.meta.url);" },
  logLevel: 'warning',
});
