/*
 * What KafkaStreams.metadataForLocalThreads() returns: one entry per live stream thread of this
 * instance — Kafka Streams' ThreadMetadata (thread name, active and standby task ids), plus the
 * thread's record-cache budget, which Kafka resizes (and Tributary with it) whenever a thread is
 * added or removed. Thread 1 is read in place; a worker's entry is its latest report (tasks) and
 * the budget it last confirmed.
 */
import type { StreamThread } from '../stream-thread.ts';
import type { WorkerStreamThread } from './worker-stream-thread.ts';

export interface ThreadMetadata {
  readonly threadName: string;
  /** Kafka's thread index: 1 on the calling thread, 2..N on workers. */
  readonly threadIndex: number;
  readonly activeTasks: readonly string[];
  readonly standbyTasks: readonly string[];
  /** The thread's record cache budget in bytes (statestore.cache.max.bytes / threads; 0: no cache). */
  readonly cacheMaxBytes: number;
}

/** Thread 1 (when it runs) then the workers by index. */
export function localThreadsMetadata(main: { thread: StreamThread; name: string } | undefined, workers: readonly WorkerStreamThread[]): ThreadMetadata[] {
  const out: ThreadMetadata[] = [];
  if (main !== undefined) {
    const tm = main.thread.taskManager;
    out.push({ threadName: main.name, threadIndex: 1, activeTasks: tm?.activeTaskIds() ?? [], standbyTasks: tm?.standbyTaskIds() ?? [], cacheMaxBytes: main.thread.cacheMaxBytes });
  }
  for (const w of [...workers].sort((a, b) => a.threadIndex - b.threadIndex)) {
    out.push({ threadName: w.name, threadIndex: w.threadIndex, activeTasks: w.activeTaskIds, standbyTasks: w.standbyTaskIds, cacheMaxBytes: w.cacheMaxBytes });
  }
  return out;
}
