// Async operators on a live broker.
//  - kill -9 mid-flight (async-operators-app.ts in a child process, input trickling in, killed
//    twice while calls are in flight, restarted on the same state directory): under
//    at_least_once no input is lost; under exactly_once_v2 read_committed output holds every
//    input exactly once.
//  - rebalance while calls are in flight (two in-process instances): the first instance's
//    revoked tasks finish their in-flight calls before committing, and the output holds every
//    input exactly once.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { INPUT, OUTPUT, buildAsyncTopology } from './async-operators-app.ts';
import { useStreamsTestBed, waitFor, type InputRecord, type OutputRecord } from './streams-helpers.ts';
import { describeTracked, killAll, killApp, launchTracked, type TrackedApp } from './app-process.ts';

const APP = fileURLToPath(new URL('./async-operators-app.ts', import.meta.url));
const TOTAL = 1200;
const CHUNK = 20;
const KILLS = 2;

function ids(records: readonly OutputRecord[]): string[] {
  return records.map((r) => r.value!.toString().replace(/:scored$/, ''));
}

function duplicates(values: readonly string[]): string[] {
  const seen = new Set<string>();
  return values.filter((v) => (seen.has(v) ? true : (seen.add(v), false)));
}

const record = (j: number): InputRecord => ({ key: `k${j % 7}`, value: `r${j}`, timestamp: 1_700_000_000_000 + j });

describe('async operators on a live broker', () => {
  const bed = useStreamsTestBed('async-rebalance');
  const instances: TrackedApp[] = [];

  async function trickle(): Promise<void> {
    for (let i = 0; i < TOTAL; i += CHUNK) {
      const chunk: InputRecord[] = [];
      for (let j = i; j < Math.min(TOTAL, i + CHUNK); j++) chunk.push(record(j));
      await bed.io.produce(INPUT, chunk);
      await new Promise((r) => setTimeout(r, 15));
    }
  }

  async function killRun(guarantee: string): Promise<string[]> {
    await bed.io.createTopic(INPUT, 2);
    await bed.io.createTopic(OUTPUT, 2);
    const launch = () => {
      const inst = launchTracked(APP, [bed.broker.bootstrap, join(bed.dir, 'state'), guarantee]);
      instances.push(inst);
      return inst;
    };
    try {
      const input = trickle();
      for (let k = 0; k < KILLS; k++) {
        const written = await bed.io.endOffsetSum(OUTPUT, 2);
        const app = launch();
        await waitFor(async () => app.processed >= 100 && (await bed.io.endOffsetSum(OUTPUT, 2)) >= written + 50, () => `instance ${k + 1} processing:\n${describeTracked(app)}`, 60_000);
        await killApp(app);
      }
      const last = launch();
      await input;
      let seen = 0;
      await waitFor(
        async () => (seen = new Set(ids(await bed.io.readAll(OUTPUT, { readCommitted: true }))).size) === TOTAL,
        () => `every input scored (${seen}/${TOTAL}):\n${describeTracked(last)}`,
        60_000,
      );
      return ids(await bed.io.readAll(OUTPUT, { readCommitted: true }));
    } finally {
      await killAll(instances.splice(0));
    }
  }

  it('at_least_once: killed twice with calls in flight, no input is lost', async () => {
    const out = await killRun('at_least_once');
    expect(new Set(out).size).toBe(TOTAL);
  }, 240_000);

  it('exactly_once_v2: killed twice with calls in flight, read_committed output holds every input once', async () => {
    const out = await killRun('exactly_once_v2');
    expect(duplicates(out)).toEqual([]);
    expect(out.length).toBe(TOTAL);
  }, 240_000);

  it('a second instance joining while calls are in flight: every input exactly once', async () => {
    await bed.io.createTopic(INPUT, 4);
    await bed.io.createTopic(OUTPUT, 4);
    const a = bed.app(buildAsyncTopology(), { stateDir: join(bed.dir, 'a') });
    await a.start();
    const input = trickle();
    await waitFor(async () => (await bed.io.endOffsetSum(OUTPUT, 4)) >= 100, 'the first instance to produce output', 60_000);
    const b = bed.app(buildAsyncTopology(), { stateDir: join(bed.dir, 'b') });
    await b.start();
    await input;
    let seen = 0;
    await waitFor(async () => (seen = new Set(ids(await bed.io.readAll(OUTPUT))).size) === TOTAL, () => `every input scored (${seen}/${TOTAL})`, 60_000);
    await waitFor(() => a.localTasks().active.length > 0 && b.localTasks().active.length > 0, 'both instances to own tasks', 30_000);
    const out = ids(await bed.io.readAll(OUTPUT));
    expect(duplicates(out)).toEqual([]);
    expect(out.length).toBe(TOTAL);
  }, 240_000);
});
