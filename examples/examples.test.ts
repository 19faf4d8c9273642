/*
 * Every example's main program, run as a user runs it (`npx tsx examples/<name>/main.ts`): live on
 * the embedded broker, and with `--replay` through the TopologyTestDriver. Both must print the
 * same results, and not nothing: the live runtime and the driver agree on each example's script.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runProcess } from '../test/conformance/helpers/run-process.ts';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const RESULT_LINE = /^(AVERAGE|ALERT|SUSPICIOUS|HIGH-RISK|ORDER|STOCK) |^[a-z]+\t\d+$/;

async function results(example: string, replay: boolean): Promise<string[]> {
  const args = ['bin/run-ts.js', `examples/${example}/main.ts`, ...(replay ? ['--replay'] : [])];
  const run = await runProcess(process.execPath, args, { cwd: REPO, timeoutMs: 90_000 });
  return run.stdout.split('\n').filter((line) => RESULT_LINE.test(line));
}

describe.each([
  ['word-count', 11],
  ['heart-rate', 8],
  ['fraud-detection', 8],
  // Live, its read model is read over HTTP (interactive queries) between the script's phases.
  ['event-sourced-orders', 7],
])('examples/%s/main.ts', (example, lines) => {
  it('prints the same results live on the embedded broker as replayed through the driver', async () => {
    const replayed = await results(example, true);
    expect(replayed).toHaveLength(lines);
    expect(await results(example, false)).toEqual(replayed);
  }, 120_000);
});
