// Kill -9 recovery, one test per stateful operator kind: the application (kill-recovery-app.ts)
// runs in a child process on a live broker; it is SIGKILLed twice and restarted each time with
// the same state directory, and its final output must equal the reference computed here
// (kill-recovery-scenarios.ts) — at-least-once: nothing lost, final values right, repeated
// intermediate updates allowed. Under exactly_once_v2 (EXACT_OPERATORS), read_committed output must
// also hold no record twice: every input id enters each update once, so a repeated (key, value)
// is a record processed again after a kill. (The FK join's right-hand table is uncached for this:
// with a cache, a failure-free run can repeat a join result; see kill-recovery-app.ts.)
//
// Per test:
//   1 start the app, produce phase 1, wait until the group has committed every phase-1 input
//     offset (so the state of phase 1 is in the changelogs and will not be reprocessed), SIGKILL
//   2 restart, produce phase 2, SIGKILL as soon as the new process has processed a record
//     (mid-stream: part of phase 2 is processed but not committed, and is processed again)
//   3 restart, produce phase 3, wait for the output to match the reference, then compare.
// Windows open at the end of phase 1 get no record after it (phase boundaries are window
// boundaries): after kill 1 only restored state can still emit them — the suppress case loses
// them when its buffer is not restored.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../../src/testing/broker-harness.ts';
import { INPUT, OPERATORS, OTHER, OUTPUT, appId, type Operator } from './kill-recovery-app.ts';
import { scenario, type Scenario, type TopicRecord } from './kill-recovery-scenarios.ts';
import { StreamsIo, waitFor, type OutputRecord } from './streams-helpers.ts';
import { describeTracked, killAll, killApp, launchTracked, type TrackedApp } from './app-process.ts';

const APP = fileURLToPath(new URL('./kill-recovery-app.ts', import.meta.url));
/** The operator kinds also run under exactly_once_v2: a plain aggregate, a suppress buffer and the two join kinds. */
const EXACT_OPERATORS: readonly Operator[] = ['aggregate', 'suppress', 'stream-stream-join', 'fk-join'];

type Instance = TrackedApp;

describe('kill -9 recovery of stateful operators (child process, live broker)', () => {
  let broker: TestBroker;
  let io: StreamsIo;
  let admin: Admin;
  let dir: string;
  const instances: Instance[] = [];

  beforeEach(async () => {
    broker = await startTestBroker();
    io = new StreamsIo(broker.bootstrap);
    admin = new Kafka({ clientId: 'kill-test', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    dir = mkdtempSync(join(tmpdir(), 'tributary-kill-'));
    for (const t of [INPUT, OTHER, OUTPUT]) await io.createTopic(t, 2);
  });
  afterEach(async () => {
    await killAll(instances);
    await admin.disconnect();
    io.close();
    await broker.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  function launch(op: Operator, guarantee: string): Instance {
    const inst = launchTracked(APP, [broker.bootstrap, join(dir, 'state'), op, guarantee]);
    instances.push(inst);
    return inst;
  }

  const describeApp = describeTracked;

  const kill = killApp;

  async function produce(records: readonly TopicRecord[]): Promise<void> {
    for (const topic of [INPUT, OTHER]) {
      const rs = records.filter((r) => r.topic === topic);
      if (rs.length > 0) await io.produce(topic, rs);
    }
  }

  /** Sum of the group's committed offsets on the input topics. */
  async function committed(op: Operator, guarantee: string): Promise<number> {
    const offsets = await admin.fetchOffsets({ groupId: appId(op, guarantee), topics: [INPUT, OTHER] });
    return offsets.flatMap((t) => t.partitions).reduce((n, p) => n + Math.max(0, Number(p.offset)), 0);
  }

  /** What the output still lacks (empty when it matches), for the wait and its failure message. */
  function missing(expected: Scenario['expected'], out: readonly OutputRecord[]): string[] {
    const actual = outputView(expected.kind, out);
    if (expected.kind === 'stream') return [...expected.values].filter((v) => !(actual as Set<string>).has(v));
    return [...expected.values].filter(([k, v]) => (actual as Map<string, string>).get(k) !== v).map(([k, v]) => `${k}: want ${v}, have ${(actual as Map<string, string>).get(k)}`);
  }

  async function run(op: Operator, guarantee = 'at_least_once'): Promise<void> {
    const { phases, expected } = scenario(op);
    // 1: phase 1 fully committed, then kill.
    const first = launch(op, guarantee);
    await produce(phases[0]);
    await waitFor(async () => (await committed(op, guarantee)) >= phases[0].length, () => `phase 1 committed:\n${describeApp(first)}`, 30_000);
    await kill(first);
    // 2: restart, kill mid-stream.
    const second = launch(op, guarantee);
    await produce(phases[1]);
    await waitFor(() => second.processed > 0, () => `restarted app processing:\n${describeApp(second)}`, 30_000);
    await kill(second);
    // 3: restart, finish.
    const third = launch(op, guarantee);
    await produce(phases[2]);
    let lacking: string[] = [];
    await waitFor(
      async () => (lacking = missing(expected, await io.readAll(OUTPUT, { readCommitted: true }))).length === 0,
      () => `output to match the reference; ${lacking.length} missing, e.g. ${lacking.slice(0, 5).join('; ')}\n${describeApp(third)}`,
      40_000,
    );
    const out = await io.readAll(OUTPUT, { readCommitted: true });
    const actual = outputView(expected.kind, out);
    if (guarantee === 'exactly_once_v2') {
      const seen = new Set<string>();
      const repeated = out.filter((r) => r.value !== null).map((r) => `${r.key}=${r.value}`).filter((kv) => (seen.has(kv) ? true : (seen.add(kv), false)));
      expect(repeated, 'records written twice under exactly-once').toEqual([]);
    }
    if (expected.kind === 'stream') {
      expect(actual).toEqual(expected.values);
    } else {
      expect(actual).toEqual(expected.values);
      if (expected.finalOnly) {
        // Final results only: every emission of a window already carries its final value.
        for (const r of out) if (!r.key!.toString().startsWith('~')) expect(r.value?.toString()).toBe(expected.values.get(r.key!.toString()));
      }
    }
  }

  for (const op of OPERATORS) {
    it(`${op}: killed twice mid-stream, the final output equals the reference`, () => run(op), 120_000);
  }
  for (const op of EXACT_OPERATORS) {
    it(`${op} under exactly_once_v2: killed twice mid-stream, the output equals the reference with no record twice`, () => run(op, 'exactly_once_v2'), 120_000);
  }
});

/** The output as a table (last value per key, "~" keys dropped) or as a set of values. */
function outputView(kind: 'table' | 'stream', out: readonly OutputRecord[]): Map<string, string> | Set<string> {
  const ordered = [...out].sort((a, b) => a.partition - b.partition || a.offset - b.offset);
  if (kind === 'stream') return new Set(ordered.map((r) => r.value!.toString()));
  const table = new Map<string, string>();
  for (const r of ordered) {
    const key = r.key!.toString();
    if (key.startsWith('~')) continue;
    if (r.value === null) table.delete(key);
    else table.set(key, r.value.toString());
  }
  return table;
}
