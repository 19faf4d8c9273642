/*
 * Summarises .cpuprofile files (from `npm run bench -- --profile-dir DIR` or `node --cpu-prof`)
 * by client / codec / store / scheduling / gc (see cpu-profile.ts for the grouping), with the top
 * self-time functions, as Markdown on stdout:
 *
 *   node bin/run-ts.js benchmarks/lib/summarize-profile.ts DIR/streamcount.cpuprofile [--top 10]
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { formatSummary, summarize, type CpuProfile } from './cpu-profile.ts';

const args = process.argv.slice(2);
const t = args.indexOf('--top');
const top = t >= 0 ? Number(args[t + 1]) : 8;
const files = args.filter((_, i) => t < 0 || (i !== t && i !== t + 1));
if (files.length === 0 || !(top > 0)) {
  console.error('usage: summarize-profile.ts FILE.cpuprofile… [--top N]');
  process.exit(2);
}
for (const file of files) {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  console.log(formatSummary(basename(file, '.cpuprofile'), summarize(profile, Math.max(top * 2, 15)), top));
  console.log();
}
