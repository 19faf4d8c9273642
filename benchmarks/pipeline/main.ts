/*
 * Standalone entry of the pipeline suite until benchmarks/run.ts lists it:
 *
 *   node bin/run-ts.js benchmarks/pipeline/main.ts [workload…] [--records N] [--max-wait-s S]
 *        [--profile-dir DIR] [--app KEY=VALUE …]
 *
 * No workload names = all three (suite.ts). --records: see suite.ts (latency: records measured;
 * restore: updates). --profile-dir: CPU profile of each restore's timed restart. --app
 * pollMs=10 / commitIntervalMs=100 / maxRecordsPerIteration=N / producerAcks=1 changes one
 * latency-app setting (knob experiments; the note of the result names it). Prints one
 * line per workload and writes benchmarks/results/pipeline-<time>.json.
 */
import { resolve } from 'node:path';
import { newResultFile, writeResultFile } from '../lib/results.ts';
import type { AppOverrides } from './latency-app.ts';
import { pipelineSuite, runPipeline } from './suite.ts';

const KNOBS = ['pollMs', 'commitIntervalMs', 'maxRecordsPerIteration', 'producerAcks'] as const;

function parse(argv: readonly string[]): { names: string[]; records: number | undefined; maxWaitMs: number; profileDir: string | undefined; overrides: AppOverrides } {
  const names: string[] = [];
  let records: number | undefined;
  let maxWaitMs = 600_000;
  let profileDir: string | undefined;
  const overrides: Record<string, number> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    const whole = (what: string, v: number): number => {
      if (!Number.isSafeInteger(v) || v < 1) throw new Error(`${what} must be a positive whole number, got ${v}`);
      return v;
    };
    if (a === '--records') records = whole('--records', Number(value()));
    else if (a === '--max-wait-s') maxWaitMs = whole('--max-wait-s', Number(value())) * 1000;
    else if (a === '--profile-dir') profileDir = resolve(value());
    else if (a === '--app') {
      const [k, v] = value().split('=');
      if (!KNOBS.includes(k as (typeof KNOBS)[number]) || v === undefined) throw new Error(`--app takes KEY=VALUE with KEY one of ${KNOBS.join(', ')}; got "${k}=${v}"`);
      overrides[k!] = Number(v);
    } else if (a.startsWith('--')) throw new Error(`unknown option ${a}; see the comment at the top of benchmarks/pipeline/main.ts`);
    else if (!pipelineSuite.workloads.includes(a)) throw new Error(`unknown workload "${a}"; this suite has ${pipelineSuite.workloads.join(', ')}`);
    else names.push(a);
  }
  return { names, records, maxWaitMs, profileDir, overrides: overrides as AppOverrides };
}

const args = parse(process.argv.slice(2));
const selected = args.names.length > 0 ? args.names : [...pipelineSuite.workloads];
const file = newResultFile('pipeline', { records: args.records ?? 'default', maxWaitMs: args.maxWaitMs, latencyOverrides: args.overrides });
const results = await runPipeline(selected, { records: args.records, maxWaitMs: args.maxWaitMs, profileDir: args.profileDir, runs: undefined }, { latencyOverrides: args.overrides });
file.results.push(...results);
const path = writeResultFile(file);
for (const r of results) {
  const lat = r.p50Ms === undefined ? '' : ` p50 ${r.p50Ms.toFixed(1)} ms, p99 ${r.p99Ms?.toFixed(1)} ms;`;
  const rate = `${Math.round(r.recordsPerSec).toLocaleString('en-US')} rec/s (${r.records} records, ${r.seconds.toFixed(2)} s);`;
  console.log(`${r.workload}: ${rate}${lat} ${Object.entries(r.metrics ?? {}).map(([k, v]) => `${k} ${Number.isInteger(v) ? v : v.toFixed(1)}`).join(', ')}`);
  if (r.note !== undefined) console.log(`  note: ${r.note}`);
}
console.log(`results: ${path}`);
