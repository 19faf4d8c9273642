// Exactly-once under kill -9 (issue: processingGuarantee 'exactly_once_v2'). The application
// (exactly-once-app.ts: a stateless pass-through branch and a count) runs in a child process on a
// live broker while input keeps arriving; it is SIGKILLed three times mid-stream and restarted on
// the same state directory each time. Then, read as a read_committed consumer sees them:
//   exactly_once_v2  every input id exactly once on the pass-through topic, and per word every
//                    count update 1, 2, …, n exactly once, in order, ending at the exact count;
//   at_least_once    the same run shows duplicates and over-counts (records processed again
//                    after each kill), so the exactly-once assertions are shown to be able to fail.
// Each guarantee runs with its default commit interval (100 ms / 30 s, as Kafka Streams).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../../src/testing/broker-harness.ts';
import { COUNTS, INPUT, PASSTHROUGH, countUpdates, finalCounts } from './exactly-once-app.ts';
import { StreamsIo, waitFor, type InputRecord, type OutputRecord } from './streams-helpers.ts';
import { describeTracked, killAll, killApp, launchTracked, type TrackedApp } from './app-process.ts';

const APP = fileURLToPath(new URL('./exactly-once-app.ts', import.meta.url));
const WORDS = ['ant', 'bee', 'cat', 'dog', 'eel', 'fox', 'gnu', 'hen'];
const TOTAL = 2000;
const CHUNK = 20;
const KILLS = 3;
/** Records a new instance processes (and half as many it writes) before it is killed: mid-stream. */
const PROCESSED_BEFORE_KILL = 150;

type Instance = TrackedApp;

describe('exactly-once under kill -9 (child process, live broker)', () => {
  let broker: TestBroker;
  let io: StreamsIo;
  let dir: string;
  const instances: Instance[] = [];

  beforeEach(async () => {
    broker = await startTestBroker();
    io = new StreamsIo(broker.bootstrap);
    dir = mkdtempSync(join(tmpdir(), 'tributary-eos-'));
    for (const t of [INPUT, PASSTHROUGH, COUNTS]) await io.createTopic(t, 2);
  });
  afterEach(async () => {
    await killAll(instances);
    io.close();
    await broker.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  function launch(guarantee: string): Instance {
    const inst = launchTracked(APP, [broker.bootstrap, join(dir, 'state'), guarantee]);
    instances.push(inst);
    return inst;
  }

  const describeApp = describeTracked;

  /** Produces TOTAL records, CHUNK at a time with a pause, while the test kills and restarts the app. */
  async function trickle(): Promise<void> {
    for (let i = 0; i < TOTAL; i += CHUNK) {
      const chunk: InputRecord[] = [];
      for (let j = i; j < Math.min(TOTAL, i + CHUNK); j++) chunk.push({ key: WORDS[j % WORDS.length]!, value: `r${j}`, timestamp: 1_700_000_000_000 + j });
      await io.produce(INPUT, chunk);
      await new Promise((r) => setTimeout(r, 15));
    }
  }

  async function run(guarantee: string): Promise<{ passthrough: OutputRecord[]; counts: OutputRecord[] }> {
    const input = trickle();
    for (let k = 0; k < KILLS; k++) {
      // Killed once it has processed records AND written output for them (so a kill can only
      // be survived without duplicates by not re-emitting that output).
      const written = await io.endOffsetSum(PASSTHROUGH, 2);
      const app = launch(guarantee);
      await waitFor(
        async () => app.processed >= PROCESSED_BEFORE_KILL && (await io.endOffsetSum(PASSTHROUGH, 2)) >= written + PROCESSED_BEFORE_KILL / 2,
        () => `instance ${k + 1} processing:\n${describeApp(app)}`,
        60_000,
      );
      await killApp(app);
    }
    const last = launch(guarantee);
    await input;
    // Done when every id went through and every count reached its total (an at-least-once
    // count may overshoot; an exactly-once one must stop there, which the test then checks).
    const expected = expectedCounts();
    let seen = 0;
    await waitFor(
      async () => {
        const counts = finalCounts(await io.readAll(COUNTS, { readCommitted: true }));
        seen = [...expected].filter(([w, n]) => (counts.get(w) ?? 0) >= n).length;
        return seen === expected.size && new Set((await io.readAll(PASSTHROUGH, { readCommitted: true })).map((r) => r.value!.toString())).size === TOTAL;
      },
      () => `every input counted (${seen}/${expected.size} words reached their count):\n${describeApp(last)}`,
      60_000,
    );
    return { passthrough: await io.readAll(PASSTHROUGH, { readCommitted: true }), counts: await io.readAll(COUNTS, { readCommitted: true }) };
  }

  it('exactly_once_v2: every input once and every count update once, with exact final counts', async () => {
    const { passthrough, counts } = await run('exactly_once_v2');
    const ids = passthrough.map((r) => r.value!.toString());
    expect(duplicates(ids)).toEqual([]);
    expect(ids.length).toBe(TOTAL);
    const updates = countUpdates(counts);
    for (const [word, n] of expectedCounts()) expect(updates.get(word), word).toEqual(Array.from({ length: n }, (_, i) => i + 1));
  }, 240_000);

  it('at_least_once: the same run shows duplicated output (the control)', async () => {
    const { passthrough, counts } = await run('at_least_once');
    const ids = passthrough.map((r) => r.value!.toString());
    const repeatedCounts = [...countUpdates(counts).values()].reduce((n, seq) => n + seq.length - new Set(seq).size, 0);
    expect(duplicates(ids).length + repeatedCounts).toBeGreaterThan(0);
    const over = [...finalCounts(counts)].filter(([w, n]) => n > expectedCounts().get(w)!);
    expect(over.length).toBeGreaterThan(0);
    // Nothing is lost either way.
    expect(new Set(ids).size).toBe(TOTAL);
  }, 240_000);
});

function expectedCounts(): Map<string, number> {
  const m = new Map<string, number>();
  for (let j = 0; j < TOTAL; j++) m.set(WORDS[j % WORDS.length]!, (m.get(WORDS[j % WORDS.length]!) ?? 0) + 1);
  return m;
}

function duplicates(values: readonly string[]): string[] {
  const seen = new Set<string>();
  return values.filter((v) => (seen.has(v) ? true : (seen.add(v), false)));
}
