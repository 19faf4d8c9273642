/*
 * One lock per transactional id: a promise chain, so the asynchronous steps of one request
 * (durable writes, marker fsyncs) finish before the next request for the same id starts, while
 * other ids proceed. A failed step does not poison the chain: the next waiter still runs.
 */
export class TxnLocks {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(id: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.tails.get(id) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    const tail = next.catch(() => undefined);
    this.tails.set(id, tail);
    void tail.then(() => {
      if (this.tails.get(id) === tail) this.tails.delete(id);
    });
    return next;
  }

  /** Resolves when every queued step has settled. */
  async drain(): Promise<void> {
    while (this.tails.size > 0) await Promise.all([...this.tails.values()]);
  }
}
