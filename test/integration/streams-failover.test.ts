// Multi-instance behaviour, each instance in its own process (streams-app-process.ts) against one
// bundled broker over TCP, on a 6-partition input:
//  - failover: three instances; one is SIGKILLed mid-stream; its tasks move to the others, their
//    state is restored from the changelogs, and the final max table equals the reference computed
//    from the input (max is idempotent under at-least-once reprocessing); counts lose nothing.
//  - scale-out: one instance, then a second joins mid-stream and takes over half the tasks; no
//    record is lost.
//  - static membership (KIP-345): a SIGKILLed static instance restarted with the same
//    group.instance.id gets its tasks back from its local state, without a rebalance.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GROUPS } from '../../src/broker/coordinator/service.ts';
import { startTestBroker, type TestBroker } from '../../src/testing/broker-harness.ts';
import { APP_ID, COUNT_TOPIC, MAX_TOPIC, READINGS } from './streams-app-process.ts';
import { StreamsIo, int64, lastValues, waitFor, type InputRecord } from './streams-helpers.ts';
import { isRunning, killAll, launchApp, type AppProcess } from './app-process.ts';

const APP = fileURLToPath(new URL('./streams-app-process.ts', import.meta.url));
const SENSORS = Array.from({ length: 24 }, (_, i) => `sensor-${i}`);

interface Instance extends AppProcess {
  active: string[];
  standby: string[];
  processed: number;
  restored: number;
  state: string;
}

function readings(n: number, seed: number): InputRecord[] {
  let x = seed;
  const next = () => (x = (x * 1103515245 + 12345) % 2147483648);
  // The LCG's low bits cycle fast: use the high ones.
  return Array.from({ length: n }, (_, i) => ({ key: SENSORS[(next() >>> 12) % SENSORS.length]!, value: String((next() >>> 8) % 100_000), timestamp: 1_000 + i }));
}

function reference(input: readonly InputRecord[]): { max: Map<string, bigint>; count: Map<string, bigint> } {
  const max = new Map<string, bigint>();
  const count = new Map<string, bigint>();
  for (const r of input) {
    const k = r.key as string;
    const v = BigInt(r.value as string);
    if (!max.has(k) || max.get(k)! < v) max.set(k, v);
    count.set(k, (count.get(k) ?? 0n) + 1n);
  }
  return { max, count };
}

describe('streams runtime with several instances in separate processes', () => {
  let broker: TestBroker;
  let io: StreamsIo;
  let dir: string;
  const instances: Instance[] = [];

  beforeEach(async () => {
    broker = await startTestBroker();
    io = new StreamsIo(broker.bootstrap);
    dir = mkdtempSync(join(tmpdir(), 'tributary-failover-'));
    await io.createTopic(READINGS, 6);
    await io.createTopic(MAX_TOPIC, 6);
    await io.createTopic(COUNT_TOPIC, 6);
  });
  afterEach(async () => {
    await killAll(instances);
    io.close();
    await broker.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  function launch(name: string, standbys = 0, groupInstanceId?: string): Instance {
    const args = [broker.bootstrap, join(dir, name), String(standbys), ...(groupInstanceId === undefined ? [] : [groupInstanceId])];
    const inst: Instance = Object.assign(
      launchApp(APP, args, (ev) => {
        if (ev.event === 'state') inst.state = ev['state'] as string;
        if (ev.event === 'tasks') {
          inst.active = ev['active'] as string[];
          inst.standby = ev['standby'] as string[];
          inst.processed = ev['processed'] as number;
          inst.restored = ev['restored'] as number;
        }
      }),
      { active: [] as string[], standby: [] as string[], processed: 0, restored: 0, state: 'CREATED' },
    );
    instances.push(inst);
    return inst;
  }

  const alive = () => instances.filter(isRunning);
  const describeAll = () => instances.map((i) => `${i.state} [${i.active.join(",")}] standby=[${i.standby.join(',')}] processed=${i.processed} restored=${i.restored} ${i.stderr.slice(-1500)}`).join("\n");
  async function allTasksRunning(members: number): Promise<void> {
    await waitFor(
      () => {
        const live = alive();
        const tasks = live.flatMap((i) => i.active);
        return live.length === members && live.every((i) => i.state === 'RUNNING' && i.active.length > 0) && new Set(tasks).size === 6 && tasks.length === 6;
      },
      () => `6 tasks running on ${members} instances:\n${describeAll()}`,
      45_000,
    );
  }

  async function outputsMatch(input: readonly InputRecord[]): Promise<void> {
    const ref = reference(input);
    await waitFor(
      async () => {
        const max = lastValues(await io.readAll(MAX_TOPIC), int64);
        const count = lastValues(await io.readAll(COUNT_TOPIC), int64);
        return [...ref.max].every(([k, v]) => max.get(k) === v) && [...ref.count].every(([k, v]) => (count.get(k) ?? 0n) >= v);
      },
      () => `output tables to match the reference:\n${describeAll()}`,
      45_000,
    );
    const max = lastValues(await io.readAll(MAX_TOPIC), int64);
    expect(max).toEqual(ref.max);
  }

  it('failover: a SIGKILLed instance’s tasks move and the final table is right', async () => {
    launch('a');
    launch('b');
    const victim = launch('c');
    await allTasksRunning(3);
    const input = readings(3000, 42);
    await io.produce(READINGS, input.slice(0, 1500));
    // Kill it mid-stream, once it has built state (and written changelog records) for its tasks.
    await waitFor(() => victim.processed >= 100, () => `victim processing:\n${describeAll()}`);
    // …and once that state is in its changelogs (sent at commit; a fast consumer can process
    // hundreds of records before its first commit): only then must the survivors restore it.
    const victimParts = new Set(victim.active.map((t) => Number(t.split('_')[1])));
    await waitFor(async () => (await io.readAll(`${APP_ID}-max-store-changelog`)).some((r) => victimParts.has(r.partition)), () => `victim changelog records:\n${describeAll()}`);
    const survivors = instances.filter((i) => i !== victim);
    const restoredBefore = survivors.reduce((n, i) => n + i.restored, 0);
    victim.child.kill('SIGKILL');
    await victim.exited;
    await io.produce(READINGS, input.slice(1500));
    await allTasksRunning(2);
    await outputsMatch(input);
    // The victim's tasks moved with their state: the survivors read it back from the changelogs.
    await waitFor(() => survivors.reduce((n, i) => n + i.restored, 0) > restoredBefore, 'survivors restored the moved state');
  }, 90_000);

  it('scale-out: a second instance takes over half the tasks and no record is lost', async () => {
    const first = launch('one');
    await allTasksRunning(1);
    const input = readings(2000, 7);
    await io.produce(READINGS, input.slice(0, 1000));
    const second = launch('two');
    await io.produce(READINGS, input.slice(1000, 1500));
    await allTasksRunning(2);
    expect(first.active.length).toBe(3);
    expect(second.active.length).toBe(3);
    await io.produce(READINGS, input.slice(1500));
    await outputsMatch(input);
    const count = lastValues(await io.readAll(COUNT_TOPIC), int64);
    expect(count).toEqual(reference(input).count);
  }, 90_000);

  it('standby replicas: each task has a standby on the other instance, and failover keeps the table right', async () => {
    launch('s1', 1);
    const victim = launch('s2', 1);
    await allTasksRunning(2);
    await waitFor(() => instances.every((i) => i.standby.length === 3 && i.standby.every((t) => !i.active.includes(t))), () => `3 standbys each:\n${describeAll()}`);
    const input = readings(1500, 99);
    await io.produce(READINGS, input.slice(0, 1000));
    await waitFor(() => victim.processed >= 100, () => `victim processing:\n${describeAll()}`);
    victim.child.kill('SIGKILL');
    await victim.exited;
    await io.produce(READINGS, input.slice(1000));
    await allTasksRunning(1);
    await outputsMatch(input);
  }, 90_000);

  it('static membership: a SIGKILLed instance restarted with its group.instance.id takes its tasks back without a rebalance', async () => {
    const a = launch('a', 0, 'instance-a');
    const b = launch('b', 0, 'instance-b');
    await allTasksRunning(2);
    const input = readings(2000, 11);
    await io.produce(READINGS, input.slice(0, 1000));
    await outputsMatch(input.slice(0, 1000));
    const group = () => broker.broker.service(GROUPS).coordinator.group(APP_ID);
    const generation = group()?.generationId;
    const [aTasks, bTasks] = [[...a.active], [...b.active]];
    // Wait for a commit after the last record (the stores' changelog offsets then cover everything).
    await waitFor(async () => (await io.committedSum(APP_ID, READINGS)) === 1000, () => `input committed:\n${describeAll()}`);
    await killAll([b]);
    const back = launch('b', 0, 'instance-b');
    await waitFor(() => back.state === 'RUNNING' && back.active.length > 0, () => `restarted instance running:\n${describeAll()}`, 45_000);
    expect(back.active).toEqual(bTasks);
    expect(a.active).toEqual(aTasks);
    expect(group()?.generationId).toBe(generation);
    expect(group()?.state).toBe('Stable');
    // Its local state was current: nothing to read back from the changelogs.
    expect(back.restored).toBe(0);
    await io.produce(READINGS, input.slice(1000));
    await outputsMatch(input);
    expect(group()?.generationId).toBe(generation);
  }, 90_000);
});
