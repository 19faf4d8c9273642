#!/usr/bin/env node
// The `tributary` command: runs the compiled CLI in dist/ (built by `npm run build`, which
// `npm ci` runs through the `prepare` script; the published package ships dist/ built).
import { existsSync } from 'node:fs';

const main = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(main)) {
  console.error('tributary: dist/ is missing; run `npm run build` in the tributary checkout first');
  process.exit(2);
}
await import(main.href);
