// Record-cache budgets follow the number of stream threads, as Kafka's addStreamThread /
// removeStreamThread (KafkaStreams.resizeThreadCache): every live thread's cache gets
// cacheMaxBytes / live threads — thread 1 in place, workers by message (the budget shown for a
// worker is the one the worker confirmed after applying it). Word count of threads-topology.ts.
// At the end, every closed task's directory reports its changelog offsets for the assignor
// (task-checkpoint.ts: Kafka's offset sums of unlocked task directories).
import { afterEach, describe, expect, it } from 'vitest';
import { KafkaStreams } from '../../src/streams/runtime/kafka-streams.ts';
import { StateDirectory } from '../../src/streams/runtime/state-directory.ts';
import { unlockedTaskOffsetSums } from '../../src/streams/runtime/task-checkpoint.ts';
import { Topology } from '../../src/streams/topology/topology.ts';
import { INPUT, OUTPUT, STORE } from './threads-topology.ts';
import { useStreamsTestBed, waitFor } from './streams-helpers.ts';

const MODULE = new URL('./threads-topology.ts', import.meta.url);
const TOTAL = 12_000_000;
/** A worker loads Tributary's sources through tsx, which takes seconds on a loaded machine. */
const WAIT_MS = 90_000;

describe('record cache budgets when stream threads are added and removed', () => {
  const bed = useStreamsTestBed('threads-cache');
  const apps: KafkaStreams[] = [];
  afterEach(async () => {
    for (const a of apps.splice(0)) await a.close();
  });

  it('gives every live thread cacheMaxBytes / threads after each add and remove', async () => {
    await bed.io.createTopic(INPUT, 4);
    await bed.io.createTopic(OUTPUT, 4);
    const a = await KafkaStreams.fromModule(MODULE, {
      applicationId: 'threads-cache',
      bootstrapServers: bed.broker.bootstrap,
      stateDir: bed.dir,
      commitIntervalMs: 100,
      cacheMaxBytes: TOTAL,
      sessionTimeoutMs: 6000,
      heartbeatIntervalMs: 300,
      logger: { warn: () => {}, error: (m: string) => process.stderr.write(`${m}\n`) },
    });
    apps.push(a);
    const budgets = () => a.metadataForLocalThreads().map((t) => [t.threadIndex, t.cacheMaxBytes]);
    const expectBudgets = (want: Array<[number, number]>, when: string) => waitFor(() => JSON.stringify(budgets()) === JSON.stringify(want), () => `${when}: budgets ${JSON.stringify(want)} (got ${JSON.stringify(budgets())})`, WAIT_MS);

    expect(a.metadataForLocalThreads()).toEqual([]);
    await a.start();
    await expectBudgets([[1, TOTAL]], 'one thread');

    expect(await a.addStreamThread()).toMatch(/-StreamThread-2$/);
    await expectBudgets([[1, TOTAL / 2], [2, TOTAL / 2]], 'after adding thread 2');
    expect(await a.addStreamThread()).toMatch(/-StreamThread-3$/);
    await expectBudgets([[1, TOTAL / 3], [2, TOTAL / 3], [3, TOTAL / 3]], 'after adding thread 3');
    await waitFor(() => a.state === 'RUNNING' && a.localTasks().active.length === 4, 'RUNNING with 3 threads', WAIT_MS);
    // Each thread's entry names its own tasks; together they are every task, once.
    expect(a.metadataForLocalThreads().flatMap((t) => t.activeTasks).sort()).toEqual(['0_0', '0_1', '0_2', '0_3']);
    // Some state in every task, so the closed tasks have something to checkpoint.
    await bed.io.produce(INPUT, ['ant', 'bee', 'cat', 'dog', 'eel', 'fox', 'gnu', 'hen'].flatMap((w) => [0, 1, 2, 3].map((partition) => ({ key: w, value: 'x', partition, timestamp: 1 }))));
    await waitFor(async () => (await bed.io.readAll(OUTPUT)).length === 32, 'the 32 counts', WAIT_MS);

    expect(await a.removeStreamThread()).toMatch(/-StreamThread-3$/);
    await expectBudgets([[1, TOTAL / 2], [2, TOTAL / 2]], 'after removing thread 3');
    // Thread 1 can go too (the highest index goes first, so remove the worker, then thread 1).
    expect(await a.removeStreamThread()).toMatch(/-StreamThread-2$/);
    await expectBudgets([[1, TOTAL]], 'after removing thread 2');
    expect(await a.close()).toBe(true);

    // Every task closed (by a removed thread or at close) left a checkpoint that, with no thread
    // holding it, a subscription reports: its changelog partition's end (Kafka's offset sum).
    const changelog = Topology.changelogTopic('threads-cache', STORE);
    // Partition p's end = (sum over partitions 0..p) − (sum over 0..p-1).
    const ends = await Promise.all([0, 1, 2, 3].map((p) => bed.io.endOffsetSum(changelog, p + 1).then(async (upTo) => upTo - (p === 0 ? 0 : await bed.io.endOffsetSum(changelog, p)))));
    expect(ends.every((e) => e > 0)).toBe(true);
    expect(unlockedTaskOffsetSums(new StateDirectory(bed.dir, 'threads-cache'), new Set())).toEqual(new Map(ends.map((e, p) => [`0_${p}`, e])));
  }, 240_000);
});
