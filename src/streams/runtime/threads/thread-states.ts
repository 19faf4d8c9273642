/*
 * The instance state implied by its stream threads — Kafka Streams' StreamStateListener: the
 * instance is RUNNING when every live stream thread is processing, and REBALANCING while any one
 * is joining, restoring or reconnecting (a thread that is not yet running counts as rebalancing).
 * An instance with no stream thread left (all removed) has nothing to rebalance: RUNNING.
 * Thread indices are Kafka's: 1..N, and a new thread takes the lowest free one (so a replaced
 * or re-added thread reuses its predecessor's index, transactional id and static member id).
 */

export class ThreadStates {
  readonly #running = new Map<number, boolean>();

  set(index: number, running: boolean): void {
    this.#running.set(index, running);
  }

  remove(index: number): void {
    this.#running.delete(index);
  }

  has(index: number): boolean {
    return this.#running.has(index);
  }

  get size(): number {
    return this.#running.size;
  }

  instanceState(): 'RUNNING' | 'REBALANCING' {
    for (const running of this.#running.values()) if (!running) return 'REBALANCING';
    return 'RUNNING';
  }

  /** The lowest index ≥ 1 no live thread has. */
  nextIndex(): number {
    let i = 1;
    while (this.#running.has(i)) i++;
    return i;
  }
}
