// Stream threads in one process (issue 18): thread 1 on the main thread, more on worker threads
// built from a topology module (threads-topology.ts: a word count over a 4-partition input).
//   scale      1 → 2 → 4 threads with addStreamThread() while input arrives in rounds, then back
//              to 3 with removeStreamThread(): after each round every word's count is exact; tasks
//              spread over the threads; interactive queries (storeAsync) reach every thread's tasks;
//              metrics carry every thread's id; the state listener saw the rebalances end RUNNING
//   crash      2 threads under exactly_once_v2: a processor throws on the worker, REPLACE_THREAD
//              starts a new worker, and a read_committed reader sees every word's counts 1..n
//              exactly once each (no state lost, nothing duplicated)
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { KafkaStreams } from '../../src/streams/runtime/kafka-streams.ts';
import { QueryableStoreTypes } from '../../src/streams/runtime/queryable-stores.ts';
import type { StreamsConfigInput } from '../../src/streams/runtime/streams-config.ts';
import type { StreamsState } from '../../src/streams/runtime/streams-state.ts';
import { INPUT, OUTPUT, STORE, threadsAppConfig } from './threads-topology.ts';
import { lastValues, useStreamsTestBed, waitFor, type InputRecord } from './streams-helpers.ts';

const MODULE = new URL('./threads-topology.ts', import.meta.url);
const WORDS = ['ant', 'bee', 'cat', 'dog', 'eel', 'fox', 'gnu', 'hen', 'ibis', 'jay'];
const PARTITIONS = 4;
/** Each wait: a worker loads Tributary's sources through tsx, which takes seconds on a loaded machine. */
const WAIT_MS = 90_000;

describe('stream threads in one process (worker threads)', () => {
  const bed = useStreamsTestBed('threads');
  const apps: KafkaStreams[] = [];
  afterEach(async () => {
    for (const a of apps.splice(0)) await a.close();
    delete process.env['TRIBUTARY_THREADS_BOOM'];
  });

  async function app(extra: Partial<StreamsConfigInput>): Promise<KafkaStreams> {
    const a = await KafkaStreams.fromModule(MODULE, {
      ...threadsAppConfig('threads', bed.broker.bootstrap, bed.dir),
      applicationServer: 'localhost:7070',
      ...extra,
    });
    apps.push(a);
    return a;
  }

  const expected = new Map<string, number>();
  /** `perWord` records of every word, spread over every partition; the expected counts follow. */
  function round(perWord: number, value: (i: number) => string = () => 'x'): InputRecord[] {
    const out: InputRecord[] = [];
    for (const w of WORDS) {
      for (let i = 0; i < perWord; i++) out.push({ key: w, value: value(i), timestamp: 1_700_000_000_000 + i });
      expected.set(w, (expected.get(w) ?? 0) + perWord);
    }
    return out;
  }
  async function countsExact(readCommitted = false): Promise<boolean> {
    const got = lastValues(await bed.io.readAll(OUTPUT, { readCommitted }), (b) => Number(b.toString()));
    return [...expected].every(([w, n]) => got.get(w) === n);
  }
  const threadsWithTasks = (a: KafkaStreams): number => new Set(a.metrics().filter((m) => m.name === 'active-task-count' || m.name === 'process-total').map((m) => m.tags['thread-id'])).size;

  it('scales 1 → 2 → 4 → 3 threads at runtime with exact counts, IQ and metrics across threads', async () => {
    expected.clear();
    await bed.io.createTopic(INPUT, PARTITIONS);
    await bed.io.createTopic(OUTPUT, PARTITIONS);
    const a = await app({ numStreamThreads: 1 });
    const states: StreamsState[] = [];
    a.onStateChange((s) => states.push(s));
    await a.start();

    await bed.io.produce(INPUT, round(20));
    await waitFor(() => countsExact(), 'exact counts with 1 thread', WAIT_MS);

    expect(await a.addStreamThread()).toMatch(/-StreamThread-2$/);
    await waitFor(() => a.state === 'RUNNING' && a.localTasks().active.length === PARTITIONS, () => `RUNNING with 2 threads (${a.state}, ${a.localTasks().active})`, WAIT_MS);
    await bed.io.produce(INPUT, round(15));
    await waitFor(() => countsExact(), 'exact counts with 2 threads', WAIT_MS);

    expect(await a.addStreamThread()).toMatch(/-StreamThread-3$/);
    expect(await a.addStreamThread()).toMatch(/-StreamThread-4$/);
    await waitFor(() => a.state === 'RUNNING' && a.localTasks().active.length === PARTITIONS, 'RUNNING with 4 threads', WAIT_MS);
    await bed.io.produce(INPUT, round(25));
    await waitFor(() => countsExact(), 'exact counts with 4 threads', WAIT_MS);

    // One task per thread: every thread reports processing metrics under its own thread-id.
    await waitFor(() => new Set(a.metrics().filter((m) => m.name === 'process-total' && Number(m.value) > 0).map((m) => m.tags['thread-id'])).size === 4, () => `4 threads processing (${threadsWithTasks(a)})`, WAIT_MS);

    // Interactive queries reach the tasks of every thread.
    expect(() => a.store(STORE, QueryableStoreTypes.keyValueStore())).toThrow(/storeAsync/);
    const view = a.storeAsync(STORE, QueryableStoreTypes.keyValueStore<string, number>());
    for (const [w, n] of expected) expect(await view.get(w)).toBe(n);
    expect(await view.get('absent')).toBeUndefined();
    const all = await view.all();
    expect(new Map(all.map((kv) => [kv.key, kv.value]))).toEqual(expected);
    expect(await view.approximateNumEntries()).toBe(WORDS.length);
    const meta = a.queryMetadataForKey(STORE, 'ant', { serialize: (_t: string, k: string) => Buffer.from(k) });
    // One application server for the whole instance, whichever thread runs the task.
    expect(meta?.activeHost).toEqual({ host: 'localhost', port: 7070 });
    expect(meta?.partition).toBeGreaterThanOrEqual(0);

    expect(await a.removeStreamThread()).toMatch(/-StreamThread-4$/);
    await waitFor(() => a.state === 'RUNNING' && a.localTasks().active.length === PARTITIONS, 'RUNNING with 3 threads', WAIT_MS);
    await bed.io.produce(INPUT, round(10));
    await waitFor(() => countsExact(), 'exact counts with 3 threads', WAIT_MS);
    await waitFor(() => a.processedRecords === WORDS.length * 70, () => `processedRecords ${a.processedRecords}`, WAIT_MS);

    expect(states[0]).toBe('REBALANCING');
    expect(states.filter((s) => s === 'RUNNING').length).toBeGreaterThanOrEqual(2);
    expect(a.state).toBe('RUNNING');
    expect(await a.close()).toBe(true);
    expect(a.state).toBe('NOT_RUNNING');
  }, 180_000);

  it('replaces a crashed worker thread under exactly_once_v2 without losing or duplicating counts', async () => {
    expected.clear();
    await bed.io.createTopic(INPUT, PARTITIONS);
    await bed.io.createTopic(OUTPUT, PARTITIONS);
    const armed = join(bed.dir, 'boom-armed');
    writeFileSync(armed, '');
    process.env['TRIBUTARY_THREADS_BOOM'] = armed;
    const a = await app({ numStreamThreads: 2, processingGuarantee: 'exactly_once_v2' });
    const failures: string[] = [];
    a.setUncaughtExceptionHandler((e) => (failures.push(e.message), 'REPLACE_THREAD'));
    await a.start();
    await waitFor(() => a.state === 'RUNNING' && a.localTasks().active.length === PARTITIONS, 'RUNNING with 2 threads', WAIT_MS);

    await bed.io.produce(INPUT, round(30));
    await waitFor(() => countsExact(true), 'exact counts before the crash', WAIT_MS);
    // "boom" on every word (so on every partition, so on the worker's tasks too), among plain ones.
    await bed.io.produce(INPUT, round(30, (i) => (i === 10 ? 'boom' : 'x')));
    await waitFor(() => failures.length === 1, 'the worker to fail once', WAIT_MS);
    expect(failures[0]).toMatch(/boom: injected/);
    expect(existsSync(`${armed}.fired`)).toBe(true);
    await waitFor(() => a.state === 'RUNNING' && a.localTasks().active.length === PARTITIONS, 'RUNNING again with the replacement thread', WAIT_MS);
    await bed.io.produce(INPUT, round(10));
    await waitFor(() => countsExact(true), 'exact counts after the replacement', WAIT_MS);

    // Exactly once: per word the committed count updates are 1, 2, …, n, each once.
    const updates = new Map<string, number[]>();
    for (const r of (await bed.io.readAll(OUTPUT, { readCommitted: true })).sort((x, y) => x.partition - y.partition || x.offset - y.offset)) {
      const w = r.key!.toString();
      updates.set(w, [...(updates.get(w) ?? []), Number(r.value!.toString())]);
    }
    for (const [w, n] of expected) expect(updates.get(w), w).toEqual(Array.from({ length: n }, (_, i) => i + 1));
  }, 180_000);
});
