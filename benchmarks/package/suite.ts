/*
 * What a user pays for installing and starting Tributary: how fast the `tributary` command
 * answers, and how big the published package is. (Broker start-up is the broker suite's
 * `broker-cold-start`, idle RSS its `broker-rss-idle`.)
 *
 * Workloads:
 *  cli-help       `node bin/tributary.js --help` against a bare `node -e 0`, both spawned from here,
 *                 interleaved (node, cli, node, cli, …) K times (--runs, default 5). The clock runs
 *                 from spawn to exit. metrics: helpMs and nodeMs (medians), ratio = helpMs / nodeMs
 *                 (the target is ≤ 4: the command loads no module it does not need).
 *  package-size   `npm pack --dry-run --json --ignore-scripts` on the built tree: tarball bytes,
 *                 unpacked bytes and file count of what `npm publish` would ship.
 * Rows carry records 0: neither is a rate; `seconds` is helpMs / 1000 for cli-help.
 */
import { execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot, type WorkloadResult } from '../lib/results.ts';
import { failedResult, median, type Suite, type SuiteOptions } from '../lib/suite.ts';

const DEFAULT_RUNS = 5;

/** Wall-clock ms from spawning `node ...args` to its exit; rejects on a non-zero exit. */
function timedRun(args: readonly string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, args, { cwd: repoRoot, stdio: 'ignore' });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(performance.now() - t0) : reject(new Error(`node ${args.join(' ')} exited with ${code}`))));
  });
}

async function cliHelp(runs: number): Promise<WorkloadResult> {
  const cli = join(repoRoot, 'bin/tributary.js');
  await timedRun([cli, '--help']); // warm the file cache, untimed
  const node: number[] = [];
  const help: number[] = [];
  for (let i = 0; i < runs; i++) {
    node.push(await timedRun(['-e', '0']));
    help.push(await timedRun([cli, '--help']));
  }
  const helpMs = median(help);
  const nodeMs = median(node);
  return { workload: 'cli-help', records: 0, seconds: helpMs / 1000, recordsPerSec: 0, mbPerSec: 0, metrics: { helpMs, nodeMs, ratio: helpMs / nodeMs } };
}

interface PackEntry {
  readonly size: number;
  readonly unpackedSize: number;
  readonly entryCount: number;
}

function packageSize(): WorkloadResult {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const [entry] = JSON.parse(out) as PackEntry[];
  if (entry === undefined) throw new Error('npm pack --dry-run printed no package');
  return {
    workload: 'package-size',
    records: 0,
    seconds: 0,
    recordsPerSec: 0,
    mbPerSec: 0,
    metrics: { tarballKiB: entry.size / 1024, unpackedKiB: entry.unpackedSize / 1024, files: entry.entryCount },
  };
}

export const packageSuite: Suite = {
  name: 'package',
  description: 'the installed product: `tributary --help` vs bare node, and the published package size',
  workloads: ['cli-help', 'package-size'],
  references: {},
  inDefaultRun: true,
  async run(selected: readonly string[], options: SuiteOptions): Promise<WorkloadResult[]> {
    const results: WorkloadResult[] = [];
    for (const workload of selected) {
      try {
        results.push(workload === 'cli-help' ? await cliHelp(options.runs ?? DEFAULT_RUNS) : packageSize());
      } catch (err) {
        results.push(failedResult(workload, (err as Error).message));
      }
    }
    return results;
  },
};
