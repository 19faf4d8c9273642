/*
 * The log cleaner's worker thread (Kafka runs its cleaner on threads of its own, CleanerThread in
 * apache/kafka core/src/main/scala/kafka/log/LogCleaner.scala): it runs phases 2–3 of each cleaning
 * (cleaner-job.ts) — reading the dirty segments, building the key map, writing the cleaned segment
 * and its indexes — while the broker's thread keeps serving; it asks that thread, by message, for
 * what only it knows (2b settle) and to commit each group (3b swap). The protocol is in
 * cleaner-thread.ts, which starts this module.
 *
 * The thread lowers its own scheduling priority (nice CLEANER_NICE, Linux: niceness is per thread),
 * so on a machine whose cores are all busy, serving requests comes first and cleaning takes what
 * is left; on idle cores it runs at full speed. Where that is not possible it runs at normal priority.
 */
import fs from 'node:fs';
import os from 'node:os';
import { parentPort } from 'node:worker_threads';
import { runCleanJob, type CleanedGroup, type Settlement } from './cleaner-job.ts';
import { fdatasyncSyncer } from './flush-scheduler.ts';
import type { FromCleaner, ToCleaner } from './cleaner-thread.ts';

/** Niceness of the cleaner thread (0 normal … 19 lowest). */
const CLEANER_NICE = 10;

if (parentPort === null) throw new Error('cleaner-worker.ts runs inside the worker thread started by cleaner-thread.ts');
const port = parentPort;

try {
  // "/proc/thread-self" → "<pid>/task/<tid>": setpriority on a thread id affects that thread only.
  const tid = Number(fs.readlinkSync('/proc/thread-self').split('/').pop());
  if (Number.isSafeInteger(tid) && tid > 0) os.setPriority(tid, CLEANER_NICE);
} catch {
  // not Linux, or not permitted: normal priority
}

/** Answers the owning thread still owes each running job, by job id. */
const settles = new Map<number, (s: Settlement) => void>();
const swaps = new Map<number, (goOn: boolean) => void>();

const send = (m: FromCleaner): void => port.postMessage(m);

port.on('message', (m: ToCleaner) => {
  if (m.type === 'settled') settles.get(m.id)?.({ markers: new Map(m.markers), active: m.active === null ? null : new Map(m.active) });
  else if (m.type === 'swapped') swaps.get(m.id)?.(m.goOn);
  else void run(m.id, m);
});

async function run(id: number, m: Extract<ToCleaner, { type: 'job' }>): Promise<void> {
  const abort = new Int32Array(m.abort);
  try {
    const result = await runCleanJob(m.job, {
      settle: (pending) =>
        new Promise((resolve) => {
          settles.set(id, resolve);
          send({ type: 'settle', id, pending: [...pending] });
        }),
      swap: (group: CleanedGroup) =>
        new Promise((resolve) => {
          swaps.set(id, resolve);
          send({ type: 'swap', id, group });
        }),
      step: () => null,
      aborted: () => Atomics.load(abort, 0) !== 0,
      syncer: fdatasyncSyncer,
    });
    send({ type: 'done', id, result });
  } catch (err) {
    send({ type: 'failed', id, message: err instanceof Error ? err.message : String(err) });
  } finally {
    settles.delete(id);
    swaps.delete(id);
  }
}
