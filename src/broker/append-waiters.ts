/*
 * Append waiters: how a parked Fetch learns that data arrived. A waiter watches a set of
 * partitions and is woken (once per notify) when any of them gets an append, or when the topic
 * is deleted, or when the broker shuts down. Waking only re-runs the fetch's read; the fetch
 * decides whether it has enough bytes now.
 *
 * Invariant: `watch` returns an idempotent cancel function, and every waiter is removed from
 * every partition's set when cancelled, so waiters never accumulate on quiet partitions.
 * Notification is synchronous and happens right after the append, inside the same event-loop
 * turn (the woken fetch re-reads in its own callback).
 */
import { partitionKey } from './handlers/handler.ts';

export type Wake = () => void;

export class AppendWaiters {
  private readonly byPartition = new Map<string, Set<Wake>>();

  /** Calls `wake` on every append to any of `partitions` until cancelled. */
  watch(partitions: readonly { topic: string; partition: number }[], wake: Wake): () => void {
    const keys = partitions.map((p) => partitionKey(p.topic, p.partition));
    for (const key of keys) {
      let set = this.byPartition.get(key);
      if (set === undefined) {
        set = new Set();
        this.byPartition.set(key, set);
      }
      set.add(wake);
    }
    let cancelled = false;
    return () => {
      if (cancelled) return;
      cancelled = true;
      for (const key of keys) {
        const set = this.byPartition.get(key);
        if (set === undefined) continue;
        set.delete(wake);
        if (set.size === 0) this.byPartition.delete(key);
      }
    };
  }

  /** Wakes the waiters of one partition. */
  notify(topic: string, partition: number): void {
    const set = this.byPartition.get(partitionKey(topic, partition));
    if (set === undefined) return;
    for (const wake of [...set]) wake();
  }

  /** Wakes every waiter (topic deletion sweeps, shutdown). */
  notifyAll(): void {
    const all = new Set<Wake>();
    for (const set of this.byPartition.values()) for (const w of set) all.add(w);
    for (const wake of all) wake();
  }

  /** Number of partitions with at least one waiter (diagnostics, tests). */
  get watchedPartitions(): number {
    return this.byPartition.size;
  }
}
